/**
 * Benchmark of offline validation (issue 3 §5): generates a realistic fleet of 10,000 specs (with
 * storage and file references) in a temp dir, times ovh-fleet's offline validation cold and then
 * warm in the same process, runs ajv-cli 5 on the same files with the same schema, and prints
 * both throughputs, their ratio and each one's peak RSS. Run: `node dist/bench/validate-bench.js`
 * (`--count N` for another fleet size).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCatalog } from '../sim/catalog.js';
import { readFleet } from '../specs/read-fleet.js';
import { ReadCache } from '../specs/read-cache.js';
import { createFileValidator } from '../validate/file-validator.js';
import { generateSchemas, SERVER_SCHEMA_FILE } from '../validate/generate-schemas.js';
import { validateFilesInWorkers } from '../validate/parallel-validate.js';
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

/** In the child: validates `root` cold, then warm with the same caches; prints one JSON line. */
async function child(root: string): Promise<void> {
  const t0 = performance.now();
  const validate = createFileValidator(readSchemaDir(path.join(root, 'schemas')));
  const cache = new ReadCache();
  const cold = await readFleet(root, { validate, cache });
  const t1 = performance.now();
  const warm = await readFleet(root, { validate, cache });
  const t2 = performance.now();
  const result = {
    files: cold.specs.length + cold.invalid.length,
    errors: cold.diagnostics.filter((d) => d.severity === 'error').length,
    warmErrors: warm.diagnostics.filter((d) => d.severity === 'error').length,
    coldMs: t1 - t0,
    warmMs: t2 - t1,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** In the child: parse + validate only, split over worker threads (the prefetch a reader could use). */
async function workersChild(root: string): Promise<void> {
  const t0 = performance.now();
  const files = (readdirSync(path.join(root, 'servers'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `servers/${f}`);
  const out = await validateFilesInWorkers({
    root,
    files,
    schemas: readSchemaDir(path.join(root, 'schemas')),
  });
  const result = {
    files: out.length,
    errors: out.reduce((n, o) => n + o.diagnostics.length, 0),
    coldMs: performance.now() - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function timed(
  cmd: string,
  args: string[],
): { ms: number; maxRssMb: number; status: number | null; stdout: string; stderr: string } {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - start;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, maxRssMb: kb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the whole benchmark and prints the figures. */
export async function runValidateBench(count = 10_000): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-'));
  try {
    generateFleet(root, count);
    const self = fileURLToPath(import.meta.url);
    const ours = timed(process.execPath, [self, '--child', root]);
    const figures = JSON.parse(
      ours.stdout.split('\n').find((l) => l.startsWith('{')) ?? spawnOut(ours),
    ) as Record<string, number>;
    const pooled = timed(process.execPath, [self, '--workers', root]);
    const pool = JSON.parse(
      pooled.stdout.split('\n').find((l) => l.startsWith('{')) ?? spawnOut(pooled),
    ) as Record<string, number>;
    const ajvBin = path.join(PACKAGE_ROOT, 'node_modules/.bin/ajv');
    const ajv = existsSync(ajvBin)
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
    const coldRate = (count / figures.coldMs!) * 1000;
    process.stdout.write(
      `validate-bench: ${count} specs (${figures.files} read, ${figures.errors} errors cold, ${figures.warmErrors} warm)\n`,
    );
    process.stdout.write(
      `  ovh-fleet cold : ${figures.coldMs!.toFixed(0)} ms, ${coldRate.toFixed(0)} specs/s (process: ${ours.ms.toFixed(0)} ms)\n`,
    );
    process.stdout.write(
      `  ovh-fleet warm : ${figures.warmMs!.toFixed(1)} ms (same process, unchanged files)\n`,
    );
    process.stdout.write(`  ovh-fleet peak RSS: ${figures.maxRssMb!.toFixed(0)} MB\n`);
    const poolRate = (count / pool.coldMs!) * 1000;
    process.stdout.write(
      `  parse+validate in worker threads (no spec building): ${pool.coldMs!.toFixed(0)} ms, ${poolRate.toFixed(0)} specs/s, ${pool.errors} diagnostics, peak RSS ${pool.maxRssMb!.toFixed(0)} MB (process: ${pooled.ms.toFixed(0)} ms)\n`,
    );
    if (ajv) {
      const ajvRate = (count / ajv.ms) * 1000;
      process.stdout.write(
        `  ajv-cli 5      : ${ajv.ms.toFixed(0)} ms, ${ajvRate.toFixed(0)} specs/s (exit ${ajv.status}), peak RSS ${ajv.maxRssMb.toFixed(0)} MB\n`,
      );
      const processRate = (count / ours.ms) * 1000;
      process.stdout.write(
        `  ratio ovh-fleet / ajv-cli throughput: ${(coldRate / ajvRate).toFixed(2)} in-process cold, ${(processRate / ajvRate).toFixed(2)} whole process against whole process\n`,
      );
    } else {
      process.stdout.write('  ajv-cli not installed (dev dependency): comparison skipped\n');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function spawnOut(r: { stderr: string }): string {
  throw new Error(`the validation child failed:\n${r.stderr}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--child');
  const w = process.argv.indexOf('--workers');
  if (i >= 0) {
    await child(process.argv[i + 1]!);
  } else if (w >= 0) {
    await workersChild(process.argv[w + 1]!);
  } else {
    const c = process.argv.indexOf('--count');
    await runValidateBench(c >= 0 ? Number(process.argv[c + 1]) : 10_000);
  }
}

/** The entry of src/bench/main.ts's BENCHES list. */
export const validateBench = { name: 'validate', run: (): Promise<void> => runValidateBench() };
