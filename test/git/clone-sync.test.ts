import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../src/core/errors.js';
import { git, makeTemplate, makeWorld, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('ensureClone and sync', () => {
  it('clones the branch and returns the remote head', async () => {
    const w = makeWorld(template);
    const repo = w.repo();

    const head = await repo.ensureClone();

    expect(head).toBe(w.o(['rev-parse', 'main']));
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toContain('debian11_64');
  });

  it('reuses an existing clone and picks up new commits', async () => {
    const w = makeWorld(template);
    await w.repo().ensureClone();
    const pushed = w.humanCommit('servers/web-3.yaml', SPEC('ns3.example.net', 'debian12_64'), 'add web-3');

    const head = await w.repo().ensureClone();

    expect(head).toBe(pushed);
    expect(existsSync(join(w.clone, 'servers/web-3.yaml'))).toBe(true);
  });

  it('sync throws away local damage: edits, deletions, untracked and ignored files, local commits', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    writeFileSync(join(w.clone, 'servers/web-1.yaml'), 'garbage');
    git(w.clone, ['commit', '--quiet', '--all', '-m', 'local commit'], w.env);
    writeFileSync(join(w.clone, 'fleet.yaml'), 'x');
    writeFileSync(join(w.clone, 'stray.yaml'), 'stray');
    mkdirSync(join(w.clone, 'status'), { recursive: true });
    writeFileSync(join(w.clone, 'status', 'junk.yaml'), 'junk');
    writeFileSync(join(w.clone, '.gitignore'), '*.log\n');
    writeFileSync(join(w.clone, 'debug.log'), 'ignored');

    const head = await repo.sync();

    expect(head).toBe(w.o(['rev-parse', 'main']));
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toBe(
      SPEC('ns1.example.net', 'debian11_64'),
    );
    expect(existsSync(join(w.clone, 'stray.yaml'))).toBe(false);
    expect(existsSync(join(w.clone, 'status', 'junk.yaml'))).toBe(false);
    expect(existsSync(join(w.clone, 'debug.log'))).toBe(false);
  });

  it('refuses a non-empty directory that is not a clone', async () => {
    const w = makeWorld(template);
    mkdirSync(w.clone, { recursive: true });
    writeFileSync(join(w.clone, 'precious.txt'), 'keep me');

    const error = await w
      .repo()
      .ensureClone()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).code).toBe('git-dir-conflict');
    expect(readFileSync(join(w.clone, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('reports a missing branch with git-branch-missing', async () => {
    const w = makeWorld(template);

    const error = await w
      .repo({ branch: 'nope' })
      .ensureClone()
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-branch-missing');
  });

  it.each(['-upload-pack=x', '--upload-pack=touch', 'a b', 'main..x', 'ma;in', ''])(
    'refuses the branch name %j before running git',
    (branch) => {
      const w = makeWorld(template);

      expect(() => w.repo({ branch })).toThrow(expect.objectContaining({ code: 'git-ref-invalid' }));
    },
  );

  it('stops a git command with git-aborted when the signal fires', async () => {
    const w = makeWorld(template);
    const controller = new AbortController();
    controller.abort();

    const error = await w
      .repo({ signal: controller.signal })
      .ensureClone()
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-aborted');
  });

  it('stops a silent git command with git-timeout', async () => {
    const w = makeWorld(template);

    const error = await w
      .repo({ timeoutMs: 1 })
      .ensureClone()
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-timeout');
  });
});
