import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHistory, renderHistory, type HistoryGit } from '../../src/git/history.js';
import { makeTemplate, makeWorld, request, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('history', () => {
  it('lists spec changes and status commits of one server, oldest first', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const initial = w.h(['rev-parse', 'HEAD']);
    const toDebian12 = w.humanCommit(
      'servers/web-1.yaml',
      SPEC('ns1.example.net', 'debian12_64'),
      'web-1 to debian12',
    );
    w.humanCommit('servers/web-2.yaml', SPEC('ns2.example.net', 'ubuntu2404_64'), 'web-2 only');
    await repo.ensureClone();
    await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'state: applied\n' }));
    await repo.commitStatus({
      ...request({ 'status/ns2.example.net.yaml': 'state: applied\n' }),
      trailers: [{ key: 'Fleet-Server', value: 'ns2.example.net' }],
    });
    const toUbuntu = w.humanCommit(
      'servers/web-1.yaml',
      SPEC('ns1.example.net', 'ubuntu2404_64'),
      'web-1 to ubuntu',
    );
    await repo.sync();

    const entries = await repo.history('ns1.example.net', () => ['servers/web-1.yaml']);

    expect(entries.map((e) => [e.kind, e.commit.subject])).toEqual([
      ['spec', 'initial fleet'],
      ['spec', 'web-1 to debian12'],
      ['status', 'ovh-fleet: status of 1 server'],
      ['spec', 'web-1 to ubuntu'],
    ]);
    expect(entries[0]).toMatchObject({ commit: { hash: initial }, osBefore: null, osAfter: 'debian11_64' });
    expect(entries[1]).toMatchObject({
      commit: { hash: toDebian12, author: { name: 'Alice' } },
      osBefore: 'debian11_64',
      osAfter: 'debian12_64',
    });
    expect(entries[2]).toMatchObject({
      tasks: ['4242'],
      specCommits: ['abc123'],
      result: 'ns1.example.net: reinstall done (debian12_64)',
    });
    expect(entries[3]).toMatchObject({
      commit: { hash: toUbuntu },
      osBefore: 'debian12_64',
      osAfter: 'ubuntu2404_64',
    });
    const text = renderHistory('ns1.example.net', entries);
    expect(text.split('\n')[0]).toBe('History of ns1.example.net (oldest first)');
    expect(text).toContain(
      'operatingSystem debian11_64 -> debian12_64  by Alice <alice@example.com>  "web-1 to debian12"',
    );
    expect(text).toContain('status  ns1.example.net: reinstall done (debian12_64)  task 4242  spec abc123');
  });

  it('renders an empty timeline as one line', () => {
    expect(renderHistory('ns9.example.net', [])).toBe(
      'ns9.example.net: no spec change or status commit in the history\n',
    );
  });
});

describe('history cost', () => {
  it('reads spec file contents only for commits that touched the spec, not for each status commit', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    for (let i = 0; i < 12; i++)
      await repo.commitStatus(request({ 'status/ns1.example.net.yaml': `state: applied ${i}\n` }));
    w.humanCommit('servers/web-1.yaml', SPEC('ns1.example.net', 'ubuntu2404_64'), 'web-1 to ubuntu');
    await repo.sync();
    const reads: string[] = [];
    const counting: HistoryGit = {
      logNow: (revs, paths) => repo.logNow(revs, paths),
      readFile: (rev, file) => {
        reads.push(rev);
        return repo.readFile(rev, file);
      },
    };

    const entries = await collectHistory(
      counting,
      'ns1.example.net',
      ['servers/web-1.yaml'],
      'HEAD',
      'HEAD',
      'status',
    );

    expect(entries.filter((e) => e.kind === 'status')).toHaveLength(12);
    expect(entries.filter((e) => e.kind === 'spec').map((e) => e.commit.subject)).toEqual([
      'initial fleet',
      'web-1 to ubuntu',
    ]);
    // The initial commit (no parent: one read) and the human commit (itself and its parent).
    expect(reads).toHaveLength(3);
  });
});
