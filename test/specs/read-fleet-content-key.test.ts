/**
 * readFleet and readApplied under a content key (the daemon's: the commit its clean clone is
 * proven to hold). Under a key already read, nothing is listed or stat-ed: a file changed behind
 * the key's back is not seen, which is why only a caller that can prove the content (git) gives
 * one. A new key, no key, or a key that moved while the read ran looks at every file again.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppliedRecordCache, readApplied } from '../../src/records/read-records.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { ReadCache } from '../../src/specs/read-cache.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { record, spec as planSpec } from '../plan/helpers.js';
import { makeRepo, removeRepos, spec } from './temp-repo.js';

afterAll(removeRepos);

function repo(): string {
  return makeRepo({
    'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\n',
    'servers/a.yaml': spec('a.eu'),
    'servers/b.yaml': spec('b.eu'),
  });
}

const key = (value: string | undefined) => () => value;

describe('readFleet with a content key', () => {
  it('under a key already read, looks at no file: a change behind the key is not seen', async () => {
    const root = repo();
    const cache = new ReadCache();
    await readFleet(root, { cache, contentKey: key('c1') });
    writeFileSync(path.join(root, 'servers/c.yaml'), spec('c.eu'));
    rmSync(path.join(root, 'servers/b.yaml'));

    const again = await readFleet(root, { cache, contentKey: key('c1') });

    expect(again.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b.eu']);
    // fleet.yaml alone is still stat-ed (one file); no server file is.
    expect(cache.stats).toMatchObject({ statHits: 1, misses: 0, hashHits: 0 });
  });

  it.each([
    ['a new key', key('c2')],
    ['no key', undefined],
  ])('with %s, lists and stats every file again', async (_, contentKey) => {
    const root = repo();
    const cache = new ReadCache();
    await readFleet(root, { cache, contentKey: key('c1') });
    writeFileSync(path.join(root, 'servers/c.yaml'), spec('c.eu'));
    rmSync(path.join(root, 'servers/b.yaml'));

    const again = await readFleet(root, { cache, ...(contentKey ? { contentKey } : {}) });

    expect(again.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'c.eu']);
  });

  it('does not keep the listing of a read during which the key moved', async () => {
    const root = repo();
    const cache = new ReadCache();
    let calls = 0;
    // 'c1' when the read starts, 'c2' when it ends: something wrote the tree meanwhile.
    await readFleet(root, { cache, contentKey: () => (calls++ === 0 ? 'c1' : 'c2') });
    expect(cache.proven).toBeUndefined();
    writeFileSync(path.join(root, 'servers/c.yaml'), spec('c.eu'));

    const again = await readFleet(root, { cache, contentKey: key('c1') });

    expect(again.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b.eu', 'c.eu']);
  });
});

describe('readApplied with a content key', () => {
  function statusRepo(): string {
    const root = makeRepo({ 'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\n' });
    mkdirSync(path.join(root, 'status'));
    for (const name of ['ns1.eu', 'ns2.eu'])
      writeFileSync(
        path.join(root, 'status', `${name}.yaml`),
        serializeStatusRecord(record(name, planSpec(name))),
      );
    return root;
  }

  it('under a key already read, takes the known records without looking at status/', async () => {
    const root = statusRepo();
    const cache = new AppliedRecordCache();
    const first = await readApplied(root, cache, undefined, key('c1'));
    rmSync(path.join(root, 'status', 'ns2.eu.yaml'));

    const again = await readApplied(root, cache, undefined, key('c1'));

    expect([...again.applied.keys()]).toEqual(['ns1.eu', 'ns2.eu']);
    expect(again.applied.get('ns2.eu')).toBe(first.applied.get('ns2.eu'));
    expect(cache.unchangedUnder('ns1.eu', 'c1')?.record).toBe(first.applied.get('ns1.eu'));
    expect(cache.unchangedUnder('ns1.eu', 'c2')).toBeUndefined();
  });

  it('with a new key, an overlay, or a key that moved meanwhile, reads the files again', async () => {
    const root = statusRepo();
    const cache = new AppliedRecordCache();
    await readApplied(root, cache, undefined, key('c1'));
    rmSync(path.join(root, 'status', 'ns2.eu.yaml'));

    expect([...(await readApplied(root, cache, undefined, key('c2'))).applied.keys()]).toEqual(['ns1.eu']);
    const ns3 = serializeStatusRecord(record('ns3.eu', planSpec('ns3.eu')));
    const overlaid = await readApplied(root, cache, new Map([['ns3.eu', ns3]]), key('c2'));
    expect([...overlaid.applied.keys()]).toEqual(['ns1.eu', 'ns3.eu']);

    let calls = 0;
    await readApplied(root, cache, undefined, () => (calls++ === 0 ? 'c3' : 'c4'));
    writeFileSync(
      path.join(root, 'status', 'ns2.eu.yaml'),
      serializeStatusRecord(record('ns2.eu', planSpec('ns2.eu'))),
    );
    expect([...(await readApplied(root, cache, undefined, key('c3'))).applied.keys()]).toEqual([
      'ns1.eu',
      'ns2.eu',
    ]);
  });
});
