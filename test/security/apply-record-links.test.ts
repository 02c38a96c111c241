/**
 * Review finding 6: `ovh-fleet apply` with a separate status branch copies that branch's records
 * into its record clone (src/cli/apply-record.ts, openRecording). A symbolic link committed on the
 * spec branch as `status/<name>.yaml` (or as `status/` itself) must not make that copy write
 * outside the clone. Real git repositories: a bare origin with a spec branch and a status branch,
 * and the operator's checkout; the same openRecording that apply calls.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
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
import { afterAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/cli/apply-record.js';
import { systemClock } from '../../src/core/clock.js';

const NAME = 'ns1.ip-51-75-1.eu';
const ORIGINAL = 'the operator file, untouched\n';
const RECORD = `serviceName: ${NAME}\nphase: ready\n`;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): void {
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@localhost', '-c', 'commit.gpgsign=false', ...args],
    { cwd, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } },
  );
}

/**
 * An origin whose spec branch `main` carries `link()`'s symbolic link under status/, and whose
 * status branch `st` holds a regular record of NAME; the operator's checkout of main.
 */
function fleetWithLink(link: (seed: string, outside: string) => void): {
  tmp: string;
  human: string;
  outside: string;
} {
  const tmp = mkdtempSync(path.join(tmpdir(), 'apply-record-links-'));
  dirs.push(tmp);
  const outside = path.join(tmp, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'target.yaml'), ORIGINAL);
  const seed = path.join(tmp, 'seed');
  mkdirSync(seed);
  git(seed, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(seed, 'fleet.yaml'), 'apiVersion: ovh-fleet/v1\nkind: Fleet\n');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'init');
  git(seed, 'checkout', '-q', '-b', 'st');
  mkdirSync(path.join(seed, 'status'));
  writeFileSync(path.join(seed, 'status', `${NAME}.yaml`), RECORD);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'status');
  git(seed, 'checkout', '-q', 'main');
  link(seed, outside);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '--allow-empty', '-m', 'a link under status/');
  const origin = path.join(tmp, 'origin.git');
  git(tmp, 'init', '-q', '--bare', origin);
  git(seed, 'push', '-q', origin, 'main', 'st');
  const human = path.join(tmp, 'human');
  git(tmp, 'clone', '-q', '-b', 'main', origin, human);
  return { tmp, human, outside };
}

async function open(tmp: string, human: string): Promise<string> {
  const stateDir = path.join(tmp, 'state');
  const session = await openRecording({ repo: human, stateDir, statusBranch: 'st', clock: systemClock });
  return session.root;
}

describe('apply copies the status branch into its clone without following a link', () => {
  it('a status/<name>.yaml link on the spec branch to a file outside: the file is not written', async () => {
    const { tmp, human, outside } = fleetWithLink((seed, out) => {
      mkdirSync(path.join(seed, 'status'));
      symlinkSync(path.join(out, 'target.yaml'), path.join(seed, 'status', `${NAME}.yaml`));
    });

    const root = await open(tmp, human);

    expect(readFileSync(path.join(outside, 'target.yaml'), 'utf8')).toBe(ORIGINAL);
    // The link stays a link in the clone: the plan reads it as an unreadable record (read-records.ts).
    expect(lstatSync(path.join(root, 'status', `${NAME}.yaml`)).isSymbolicLink()).toBe(true);
  });

  it('a status/ folder that is a link on the spec branch to a folder outside: nothing is written there', async () => {
    const { tmp, human, outside } = fleetWithLink((seed, out) => {
      symlinkSync(out, path.join(seed, 'status'));
    });

    await open(tmp, human);

    expect(readdirSync(outside)).toEqual(['target.yaml']);
    expect(readFileSync(path.join(outside, 'target.yaml'), 'utf8')).toBe(ORIGINAL);
  });

  it('without a link, the status branch record is copied for the plan', async () => {
    const { tmp, human } = fleetWithLink(() => undefined);

    const root = await open(tmp, human);

    expect(readFileSync(path.join(root, 'status', `${NAME}.yaml`), 'utf8')).toBe(RECORD);
  });
});
