import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeWorld, request, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('revision queries', () => {
  it('isAncestor sees a force-push on origin as rewritten history', async () => {
    const w = makeWorld(template);
    w.o(['config', 'receive.denyNonFastForwards', 'false']);
    const first = w.humanCommit(
      'servers/web-1.yaml',
      SPEC('ns1.example.net', 'debian12_64'),
      'web-1 to debian12',
    );
    const parent = w.h(['rev-parse', 'HEAD~1']);
    const repo = w.repo();
    const applied = await repo.ensureClone();
    w.h(['commit', '--quiet', '--amend', '-m', 'rewritten']);
    w.h(['push', '--quiet', '--force', 'origin', 'main']);

    const head = await repo.sync();

    expect(applied).toBe(first);
    expect(head).not.toBe(first);
    expect(await repo.isAncestor(applied, head)).toBe(false);
    expect(await repo.isAncestor(parent, head)).toBe(true);
    expect(await repo.isAncestor(head, head)).toBe(true);
    expect(await repo.isAncestor(head, parent)).toBe(false);
    expect(await repo.isAncestor('0123456789abcdef0123456789abcdef01234567', head)).toBe(false);
  });

  it('onlyStatusChanges and changedPathsBetween tell status commits from spec commits', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const start = await repo.ensureClone();
    await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'a\n', 'status/FLEET.md': '#\n' }));
    const afterStatus = await repo.sync();
    w.humanCommit('servers/web-1.yaml', SPEC('ns1.example.net', 'ubuntu2404_64'), 'web-1 to ubuntu');
    const afterSpec = await repo.sync();

    expect(await repo.changedPathsBetween(start, afterStatus)).toEqual([
      'status/FLEET.md',
      'status/ns1.example.net.yaml',
    ]);
    expect(await repo.onlyStatusChanges(start, afterStatus)).toBe(true);
    expect(await repo.onlyStatusChanges(afterStatus, afterStatus)).toBe(true);
    expect(await repo.changedPathsBetween(afterStatus, afterSpec)).toEqual(['servers/web-1.yaml']);
    expect(await repo.onlyStatusChanges(afterStatus, afterSpec)).toBe(false);
    expect(await repo.onlyStatusChanges(start, afterSpec)).toBe(false);
  });

  it('lastCommitsTouching names the spec commit of each server file; readFileAt reads any revision', async () => {
    const w = makeWorld(template);
    const initial = w.h(['rev-parse', 'HEAD']);
    const change = w.humanCommit(
      'servers/web-2.yaml',
      SPEC('ns2.example.net', 'ubuntu2404_64'),
      'web-2 to ubuntu',
    );
    const repo = w.repo();
    await repo.ensureClone();
    await repo.commitStatus(request({ 'status/ns2.example.net.yaml': 'x\n' }));
    const head = await repo.sync();

    const found = await repo.lastCommitsTouching(
      ['servers/web-1.yaml', 'servers/web-2.yaml', 'servers/absent.yaml'],
      head,
    );

    expect(found).toEqual(
      new Map([
        ['servers/web-1.yaml', initial],
        ['servers/web-2.yaml', change],
      ]),
    );
    const logged = await repo.logTouching(['servers/'], head);
    expect(logged.map((c) => c.subject)).toEqual(['web-2 to ubuntu', 'initial fleet']);
    expect(logged[1]).toMatchObject({ hash: initial, author: { name: 'Alice', email: 'alice@example.com' } });
    expect(logged[1]?.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await repo.logTouching(['servers/'], head, 1)).map((c) => c.hash)).toEqual([change]);
    expect(await repo.readFileAt(initial, 'servers/web-2.yaml')).toBe(SPEC('ns2.example.net', 'debian12_64'));
    expect(await repo.readFileAt(head, 'servers/web-2.yaml')).toBe(SPEC('ns2.example.net', 'ubuntu2404_64'));
    expect(await repo.readFileAt(initial, 'status/ns2.example.net.yaml')).toBeNull();
    expect(await repo.readFileAt(head, 'servers')).toBeNull();
  });

  it('lastCommitsTouching agrees with `git log -1 -- FILE` across a merge, renames and nested folders', async () => {
    const w = makeWorld(template);
    w.humanCommit('servers/eu/db-1.yaml', SPEC('ns3.example.net', 'debian12_64'), 'db-1');
    w.h(['checkout', '--quiet', '-b', 'feature']);
    writeFileSync(join(w.human, 'servers/web-1.yaml'), SPEC('ns1.example.net', 'debian12_64'));
    w.h(['commit', '--quiet', '-am', 'web-1 on a branch']);
    w.h(['mv', 'servers/eu/db-1.yaml', 'servers/eu/db-one.yaml']);
    w.h(['commit', '--quiet', '-m', 'rename db-1']);
    w.h(['checkout', '--quiet', 'main']);
    w.humanCommit('servers/web-2.yaml', SPEC('ns2.example.net', 'rocky9_64'), 'web-2 on main');
    w.h(['merge', '--quiet', '--no-ff', '-m', 'merge feature', 'feature']);
    w.h(['push', '--quiet', 'origin', 'HEAD:main']);
    expect(w.h(['rev-list', '--parents', '-1', 'HEAD']).trim().split(' ')).toHaveLength(3);
    const repo = w.repo();
    const head = await repo.ensureClone();
    const files = [
      'servers/web-1.yaml',
      'servers/web-2.yaml',
      'servers/eu/db-one.yaml',
      'servers/eu/db-1.yaml',
      'fleet.yaml',
    ];

    const found = await repo.lastCommitsTouching(files, head);

    for (const file of files) {
      expect(found.get(file), file).toBe(w.h(['log', '-1', '--format=%H', head, '--', file]).trim());
    }
    expect(found.get('servers/eu/db-one.yaml')).toBe(w.h(['rev-parse', 'feature']).trim());
  });
});
