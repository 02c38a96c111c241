import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetError } from '../../src/core/errors.js';
import { makeTemplate, makeWorld, request, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('commitStatus', () => {
  it('writes status files, commits once with parseable trailers and pushes', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();

    const result = await repo.commitStatus(
      request({ 'status/ns1.example.net.yaml': 'state: applied\n', 'status/FLEET.md': '# Fleet\n' }),
    );

    expect(result).toMatchObject({ outcome: 'pushed', attempts: 1 });
    const head = w.o(['rev-parse', 'main']);
    expect(result.outcome === 'pushed' && result.commit).toBe(head);
    expect(w.o(['show', 'main:status/ns1.example.net.yaml'])).toBe('state: applied');
    expect(w.o(['diff-tree', '--no-commit-id', '--name-only', '-r', 'main']).split('\n').sort()).toEqual([
      'status/FLEET.md',
      'status/ns1.example.net.yaml',
    ]);
    expect(w.o(['log', '-1', '--format=%(trailers:key=Fleet-Server,valueonly,separator=%x2c)', 'main'])).toBe(
      'ns1.example.net,ns2.example.net',
    );
    const parsed = w.o(['log', '-1', '--format=%(trailers:only,unfold)', 'main']);
    expect(parsed.split('\n')).toEqual([
      'Fleet-Server: ns1.example.net',
      'Fleet-Server: ns2.example.net',
      'Fleet-Task: ns1.example.net 4242',
      'Fleet-Spec-Commit: abc123',
      'Fleet-Plan-Hash: sha256:0011',
    ]);
    expect(w.o(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', 'main'])).toBe(
      'ovh-fleet <ovh-fleet@example.com>|ovh-fleet <ovh-fleet@example.com>|ovh-fleet: status of 1 server',
    );
  });

  it('makes no commit when the content is unchanged', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'state: applied\n' }));
    const before = w.o(['rev-parse', 'main']);

    const again = await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'state: applied\n' }));
    const absent = await repo.commitStatus(request({ 'status/never-existed.yaml': null }));

    expect(again).toEqual({ outcome: 'unchanged', head: before });
    expect(absent.outcome).toBe('unchanged');
    expect(w.o(['rev-parse', 'main'])).toBe(before);
  });

  it('deletes a status file given null', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    await repo.commitStatus(request({ 'status/old.yaml': 'x: 1\n' }));

    const result = await repo.commitStatus(request({ 'status/old.yaml': null }));

    expect(result.outcome).toBe('pushed');
    expect(w.o(['ls-tree', '-r', '--name-only', 'main', 'status/'])).toBe('');
  });

  it('refuses a path outside status/ before touching anything', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    const before = w.o(['rev-parse', 'main']);

    const error = await repo
      .commitStatus(request({ 'status/ok.yaml': 'ok\n', 'servers/web-1.yaml': 'evil\n' }))
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-path-refused');
    expect(w.o(['rev-parse', 'main'])).toBe(before);
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toBe(
      SPEC('ns1.example.net', 'debian11_64'),
    );
    expect(existsSync(join(w.clone, 'status', 'ok.yaml'))).toBe(false);
  });

  it('refuses to write through a status/ symbolic link committed to the repository', async () => {
    const w = makeWorld(template);
    symlinkSync('../servers', join(w.human, 'status'));
    w.h(['add', '--all']);
    w.h(['commit', '--quiet', '-m', 'sneaky link']);
    w.h(['push', '--quiet', 'origin', 'main']);
    const repo = w.repo();
    await repo.ensureClone();

    const error = await repo
      .commitStatus(request({ 'status/web-1.yaml': 'evil\n' }))
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-path-refused');
    expect(readFileSync(join(w.human, 'servers/web-1.yaml'), 'utf8')).toBe(
      SPEC('ns1.example.net', 'debian11_64'),
    );
  });

  it('records an ack-rewrite as a commit touching only status/ack-rewrite.yaml', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();

    const result = await repo.ackRewrite('revision: abc\n', { name: 'Op', email: 'op@example.com' }, [
      { key: 'Fleet-Ack-Rewrite', value: 'abc' },
    ]);

    expect(result.outcome).toBe('pushed');
    expect(w.o(['diff-tree', '--no-commit-id', '--name-only', '-r', 'main'])).toBe('status/ack-rewrite.yaml');
    expect(w.o(['log', '-1', '--format=%an', 'main'])).toBe('Op');
    expect(existsSync(join(w.clone, 'status', 'ack-rewrite.yaml'))).toBe(true);
  });

  it('serialises concurrent calls on one working tree', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const start = await repo.ensureClone();

    const results = await Promise.all([
      repo.commitStatus(request({ 'status/a.yaml': 'a\n' })),
      repo.sync(),
      repo.commitStatus(request({ 'status/b.yaml': 'b\n' })),
      repo.history('ns1.example.net', () => ['servers/web-1.yaml']),
      repo.sync(),
    ]);

    expect(results[0].outcome).toBe('pushed');
    expect(results[2].outcome).toBe('pushed');
    expect(results[4]).toBe(w.o(['rev-parse', 'main']));
    expect(w.o(['rev-list', '--count', `${start}..main`])).toBe('2');
  });
});
