/**
 * Benchmark of offline validation (issue 3 §5): generates a realistic fleet of 10,000 specs (with
 * storage and file references) in a temp dir, then, three rounds in a row, times as whole processes
 * ajv-cli 5 and `ovh-fleet validate --offline` on the same files with the same generated schema
 * (ours once with an empty state dir, which compiles the schemas, and once with the compiled
 * schemas kept there from the previous run), and in a separate process the in-process cold read
 * and the warm re-validation of the unchanged files (the daemon's case). Prints every figure, the
 * throughput ratios and each process's peak RSS. Run: `node dist/bench/validate-bench.js`
 * (`--count N` for another fleet size, `--rounds N`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCatalog } from '../sim/catalog.js';
import { readFleet } from '../specs/read-fleet.js';
import { ReadCache } from '../specs/read-cache.js';
import { createFileValidator } from '../validate/file-validator.js';
import { generateSchemas, SERVER_SCHEMA_FILE } from '../validate/generate-schemas.js';
import { readSchemaDir, writeSchemas } from '../validate/schema-files.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example';

/** Writes `count` specs under `root/servers/rack-NN/`, the scripts they reference and schemas/. */
export function generateFleet(root: string, count: number): void {
  const catalog = buildCatalog(Date.UTC(2026, 10, 27));
  writeSchemas(
    path.join(root, 'schemas'),
    generateSchemas(catalog, { endpoint: 'bench', generatedAt: new Date(0).toISOString() }),
  );
  mkdirSync(path.join(root, 'scripts'), { recursive: true });
  writeFileSync(path.join(root, 'scripts/bootstrap.sh'), '#!/bin/sh\napt-get update\n');
  const linux = ['debian12_64', 'ubuntu2404-server_64', 'rocky9_64'].filter((n) =>
    catalog.templates.some((t) => t.templateName === n),
  );
  for (let i = 0; i < count; i++) {
    const rack = String(i % 50).padStart(2, '0');
    const dir = path.join(root, 'servers', `rack-${rack}`);
    if (i < 50) mkdirSync(dir, { recursive: true });
    const os = linux[i % linux.length]!;
    const text = [
      '# yaml-language-server: $schema=../../schemas/server.schema.json',
      'apiVersion: ovh-fleet/v1',
      'kind: Server',
      `serviceName: ns${5000000 + i}.ip-51-75-${i % 250}.eu`,
      `labels: {role: ${i % 3 === 0 ? 'db' : 'web'}, rack: gra3-r${rack}}`,
      `operatingSystem: ${os}`,
      'customizations:',
      `  hostname: web-${i}.example.com`,
      `  sshKey: ${KEY}`,
      '  postInstallationScript: {file: scripts/bootstrap.sh}',
      'storage:',
      '  - diskGroupId: 1',
      '    partitioning:',
      '      layout:',
      '        - {mountPoint: /, fileSystem: ext4, raidLevel: 1, size: 20480}',
      '        - {mountPoint: swap, fileSystem: swap, raidLevel: 1, size: 4096}',
      '        - {mountPoint: /var, fileSystem: xfs, raidLevel: 1, size: 0}',
      'reinstall:',
      `  generation: ${i % 4}`,
      '  protect: false',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, `ns${5000000 + i}.yaml`), text);
  }
}

/** In the child: validates `root` cold (fresh compile, fresh cache), then warm; prints one JSON line. */
async function child(root: string): Promise<void> {
  const t0 = performance.now();
  const validate = createFileValidator(readSchemaDir(path.join(root, 'schemas')));
  const t1 = performance.now();
  const cache = new ReadCache();
  const cold = await readFleet(root, { validate, cache });
  const t2 = performance.now();
  const warmMs: number[] = [];
  let warmErrors = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const warm = await readFleet(root, { validate, cache });
    warmMs.push(performance.now() - start);
    warmErrors = warm.diagnostics.filter((d) => d.severity === 'error').length;
  }
  const result: ChildFigures = {
    files: cold.specs.length + cold.invalid.length,
    errors: cold.diagnostics.filter((d) => d.severity === 'error').length,
    warmErrors,
    compileMs: t1 - t0,
    coldMs: t2 - t0,
    warmMs,
    statHits: cache.stats.statHits,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface ChildFigures {
  files: number;
  errors: number;
  warmErrors: number;
  compileMs: number;
  /** Schema compile plus the first readFleet. */
  coldMs: number;
  warmMs: number[];
  statHits: number;
  maxRssMb: number;
}

interface Timed {
  ms: number;
  maxRssMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env,
  });
  const ms = performance.now() - start;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, maxRssMb: kb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const rate = (count: number, ms: number): number => (count / ms) * 1000;
const fmt = (n: number): string => n.toFixed(0);

/** Runs the whole benchmark and prints the figures. */
export async function runValidateBench(count = 10_000, rounds = 3): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-'));
  try {
    generateFleet(root, count);
    const self = fileURLToPath(import.meta.url);
    const cli = path.join(PACKAGE_ROOT, 'dist/cli/main.js');
    const ajvBin = path.join(PACKAGE_ROOT, 'node_modules/.bin/ajv');
    const hasAjv = existsSync(ajvBin);
    process.stdout.write(
      `validate-bench: ${count} specs with storage and a {file} reference, schema ${SERVER_SCHEMA_FILE} generated from the simulator's catalog; ${rounds} rounds, whole processes, same files, same schema\n`,
    );
    const summary = {
      ajv: [] as number[],
      first: [] as number[],
      cached: [] as number[],
      warm: [] as number[],
    };
    for (let round = 1; round <= rounds; round++) {
      const ajv = hasAjv
        ? timed(ajvBin, [
            'validate',
            '--spec=draft2020',
            '--all-errors',
            '-c',
            'ajv-formats',
            '-s',
            path.join(root, 'schemas', SERVER_SCHEMA_FILE),
            '-d',
            path.join(root, 'servers/**/*.yaml'),
          ])
        : undefined;
      // A fresh state dir: this process compiles the schemas and keeps the code for the next one.
      const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-state-'));
      const args = [cli, 'validate', '--offline', '--repo', root, '--state-dir', stateDir];
      const first = timed(process.execPath, args);
      const cached = timed(process.execPath, args);
      rmSync(stateDir, { recursive: true, force: true });
      for (const r of [first, cached]) {
        if (r.status !== 0 || !r.stderr.includes(`${count} spec files, 0 errors`))
          throw new Error(`ovh-fleet validate failed (exit ${r.status}):\n${r.stderr.slice(0, 2000)}`);
      }
      const startup = timed(process.execPath, [cli, '--version']);
      const inner = timed(process.execPath, [self, '--child', root]);
      const line = inner.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`the validation child failed:\n${inner.stderr}`);
      const figures = JSON.parse(line) as ChildFigures;
      process.stdout.write(`  round ${round}\n`);
      if (ajv) {
        process.stdout.write(
          `    ajv-cli 5 (js-yaml, no positions)            : ${fmt(ajv.ms)} ms, ${fmt(rate(count, ajv.ms))} specs/s, exit ${ajv.status}, peak RSS ${fmt(ajv.maxRssMb)} MB\n`,
        );
      }
      process.stdout.write(
        `    ovh-fleet validate, empty state dir (compiles): ${fmt(first.ms)} ms, ${fmt(rate(count, first.ms))} specs/s, exit ${first.status}, peak RSS ${fmt(first.maxRssMb)} MB\n`,
      );
      process.stdout.write(
        `    ovh-fleet validate, compiled schemas kept     : ${fmt(cached.ms)} ms, ${fmt(rate(count, cached.ms))} specs/s, exit ${cached.status}, peak RSS ${fmt(cached.maxRssMb)} MB\n`,
      );
      process.stdout.write(
        `    of which CLI start-up alone (node dist/cli/main.js --version, every command's modules): ${fmt(startup.ms)} ms\n`,
      );
      process.stdout.write(
        `    in-process: compile ${fmt(figures.compileMs)} ms + cold readFleet = ${fmt(figures.coldMs)} ms (${figures.files} files, ${figures.errors} errors); warm re-validation of the unchanged files: ${figures.warmMs.map((ms) => ms.toFixed(0)).join(', ')} ms (${figures.warmErrors} errors); peak RSS ${fmt(figures.maxRssMb)} MB\n`,
      );
      if (ajv) {
        process.stdout.write(
          `    ratio ovh-fleet / ajv-cli throughput: ${(ajv.ms / first.ms).toFixed(2)} compiling, ${(ajv.ms / cached.ms).toFixed(2)} with compiled schemas kept\n`,
        );
        summary.ajv.push(ajv.ms);
      }
      summary.first.push(first.ms);
      summary.cached.push(cached.ms);
      summary.warm.push(figures.warmMs[0]!);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = { first: median(summary.first), cached: median(summary.cached), warm: median(summary.warm) };
    process.stdout.write(
      `  median of ${rounds}: ovh-fleet ${fmt(rate(count, m.first))} specs/s compiling, ${fmt(rate(count, m.cached))} specs/s with compiled schemas kept; first warm re-validation ${fmt(m.warm)} ms (goal < 200 ms)\n`,
    );
    if (summary.ajv.length > 0) {
      const a = median(summary.ajv);
      process.stdout.write(
        `  median ajv-cli ${fmt(rate(count, a))} specs/s; ratio ${(a / m.first).toFixed(2)} compiling, ${(a / m.cached).toFixed(2)} with compiled schemas kept (goal >= 1)\n`,
      );
    } else {
      process.stdout.write('  ajv-cli not installed (dev dependency): comparison skipped\n');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--child');
  if (i >= 0) {
    await child(process.argv[i + 1]!);
  } else {
    const c = process.argv.indexOf('--count');
    const r = process.argv.indexOf('--rounds');
    await runValidateBench(
      c >= 0 ? Number(process.argv[c + 1]) : 10_000,
      r >= 0 ? Number(process.argv[r + 1]) : 3,
    );
  }
}

/** The entry of src/bench/main.ts's BENCHES list. */
export const validateBench = { name: 'validate', run: (): Promise<void> => runValidateBench() };
