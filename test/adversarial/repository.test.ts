/**
 * The adversarial corpus, repository part (cases: repo-cases.ts). Every case is a fleet
 * repository with a good server and one hostile input. Each runs through `validate` (offline) and
 * `plan` (the real adapter over HTTPS against the simulator), in this process: a V8 abort or an
 * uncaught error fails the file. The promises checked for every case:
 * - the hostile input gets a clear diagnostic (an error on its file) or is refused;
 * - nothing is reinstalled, and the good server is neither invalid nor reinstalled;
 * - nothing outside the repository is read into an output (the MARKER never shows) or written.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan-command.js';
import { runValidate } from '../../src/cli/validate-command.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { Plan } from '../../src/plan/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';
import { MARKER, REPO_CASES, type RepoCase } from './repo-cases.js';

/** OSs still installable in the simulator's catalog: an error on a hostile file is then its own. */
const CURRENT_OS = /^(debian12_64|debian13_64|ubuntu2404-server_64)$/;

let sim: RunningSimulator;
let api: OvhApi;
const temp: string[] = [];
const names = { GOOD: '', GOOD_OS: '', VICTIM: '', VICTIM_OS: '', GOOD_HOMOGLYPH: '' };

beforeAll(async () => {
  sim = await startSimulator({ servers: 16, seed: 7 });
  api = simApi(sim);
  const ok = sim.control.account().filter((s) => s.server.state === 'ok' && CURRENT_OS.test(s.server.os));
  const [good, victim] = ok;
  if (!good || !victim) throw new Error('the simulator account has no two Linux servers');
  Object.assign(names, {
    GOOD: good.server.name,
    GOOD_OS: good.server.os,
    VICTIM: victim.server.name,
    VICTIM_OS: victim.server.os,
    GOOD_HOMOGLYPH: good.server.name.replace('e', '\u0435'),
  });
});

afterAll(async () => {
  await sim?.close();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

function fill(text: string, outside: string): string {
  return text
    .replaceAll('$OUTSIDE', outside)
    .replace(/\$(GOOD_HOMOGLYPH|GOOD_OS|VICTIM_OS|GOOD|VICTIM)/g, (_, k: keyof typeof names) => names[k]);
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temp.push(dir);
  return dir;
}

/** A directory outside the repository whose every file carries the marker. */
function makeOutside(): string {
  const dir = tempDir('ovh-fleet-outside-');
  const victimSpec = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${names.VICTIM}\noperatingSystem: ${names.VICTIM_OS}\nlabels: {m: ${MARKER}}\n`;
  writeFileSync(path.join(dir, 'secret.txt'), `${MARKER}\n`);
  writeFileSync(path.join(dir, 'victim.yaml'), victimSpec);
  writeFileSync(path.join(dir, 'fleet.yaml'), `apiVersion: ovh-fleet/v1\nkind: Fleet\n# ${MARKER}\n`);
  writeFileSync(path.join(dir, 'status.yaml'), `# ${MARKER}\napiVersion: ovh-fleet/v1\nkind: ServerStatus\n`);
  return dir;
}

function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${path.join(e.parentPath, e.name)}=${readFileSync(path.join(e.parentPath, e.name), 'utf8')}`)
    .sort()
    .join('\n');
}

/** The repository of one case: the good server committed, the hostile input beside it. */
function makeRepo(c: RepoCase, outside: string): string {
  const repo = tempDir('ovh-fleet-hostile-');
  const write = (rel: string, content: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), typeof content === 'string' ? fill(content, outside) : content);
  };
  write('fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout: {maxFleetFraction: 1}\n');
  write(
    `servers/${names.GOOD}.yaml`,
    `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${names.GOOD}\noperatingSystem: ${names.GOOD_OS}\n`,
  );
  const git = (args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  };
  git(['init', '--quiet', '--initial-branch=main']);
  git(['add', '--all']);
  git(['commit', '--quiet', '-m', 'good fleet']);
  for (const [rel, content] of Object.entries(c.files)) {
    const target = fill(rel, outside);
    if (target.startsWith('.git/')) continue; // .git exists: the reference points at the real one
    write(target, content);
  }
  for (const [rel, target] of Object.entries(c.links ?? {})) {
    const at = path.join(repo, fill(rel, outside));
    rmSync(at, { recursive: true, force: true });
    mkdirSync(path.dirname(at), { recursive: true });
    symlinkSync(fill(target, outside), at);
  }
  for (const rel of c.fifos ?? []) {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    execFileSync('mkfifo', [path.join(repo, rel)]);
  }
  return repo;
}

interface Outputs {
  text: string;
  plan: Plan;
  errorFiles: Set<string>;
  errorCodes: Map<string, Set<string>>;
}

async function runCase(repo: string): Promise<Outputs> {
  let text = '';
  const collect = (s: string): void => {
    text += s;
  };
  await runValidate({ repo, format: 'json', out: collect, err: collect });
  const validated = JSON.parse(text.slice(0, text.lastIndexOf('}') + 1)) as {
    diagnostics: { file: string; severity: string; code: string }[];
  };
  const { plan } = await runPlan({
    repo,
    format: 'json',
    api,
    revision: 'corpus',
    print: collect,
    printErr: collect,
  });
  const errorFiles = new Set<string>();
  const errorCodes = new Map<string, Set<string>>();
  const note = (file: string, code: string): void => {
    errorFiles.add(file);
    errorCodes.set(file, (errorCodes.get(file) ?? new Set()).add(code));
  };
  for (const d of [...validated.diagnostics, ...plan.diagnostics])
    if (d.severity === 'error') note(d.file, d.code);
  for (const s of plan.servers) if (s.action === 'invalid' && s.file !== null) note(s.file, s.reason);
  return { text, plan, errorFiles, errorCodes };
}

describe('adversarial corpus: hostile repositories', () => {
  it('holds at least 100 cases', () => {
    expect(REPO_CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(REPO_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outside = makeOutside();
    const before = snapshot(outside);
    const repo = makeRepo(c, outside);

    const out = await runCase(repo);

    if (c.expect.kind === 'error') {
      const { file, code } = c.expect;
      expect([...out.errorFiles]).toContain(file);
      if (code) expect([...(out.errorCodes.get(file) ?? [])]).toContain(code);
    }
    expect(out.plan.servers.filter((s) => s.action === 'reinstall')).toEqual([]);
    const good = out.plan.servers.find((s) => s.serviceName === names.GOOD);
    if (good) expect(good.action).not.toBe('invalid');
    expect(out.text).not.toContain(MARKER);
    expect(snapshot(outside)).toBe(before);
  });
});
