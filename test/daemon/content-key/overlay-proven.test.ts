/**
 * Fixed since (src/git/clone-memo.ts `cleanKey`: a sync that resets gives a new content key;
 * src/records/read-records.ts: a read with overlaid records proves nothing). Found by a
 * hostile review of the cycle work (a3da0f8): readApplied marks a content key "proven" ("every file of the
 * listing was checked under key") although the records laid over by the overlay (records taken
 * from a separate status branch, from the daemon's memory, from its kept texts) were NOT read
 * from the tree. Its per-file memo still holds the hash of the file as read under an OLDER key;
 * the next read under the same key, without that overlay entry, answers the old record for a file
 * whose bytes changed with the new commit.
 *
 * Status branch scenario: the spec branch's status/ holds records (it was merged from the status
 * branch, or status once lived there). Commit k1 changes status/ns1.eu.yaml in the tree. Cycle N:
 * the status branch still has the old text, so it is laid over. Cycle N+1, same spec head: another
 * writer (another daemon, `ovh-fleet apply`) has recorded on the status branch the very text k1
 * holds, so nothing is laid over and the tree's file is the record... and h10 answers the OLD one.
 * The old record's lastApplied digest differs from the spec: the planner sees "spec-changed".
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppliedRecordCache, readApplied } from '../../../src/records/read-records.js';
import { serializeStatusRecord } from '../../../src/records/status-record.js';
import { record, spec as planSpec } from '../../plan/helpers.js';
import { makeRepo, removeRepos } from '../../specs/temp-repo.js';

afterAll(removeRepos);

const key = (value: string) => (): string | undefined => value;

describe('readApplied under a content key after an overlay', () => {
  it('reads the tree file that changed with the commit once the overlay no longer covers it', async () => {
    const name = 'ns1.eu';
    const oldText = serializeStatusRecord(record(name, planSpec(name, { operatingSystem: 'debian11_64' })));
    const newText = serializeStatusRecord(record(name, planSpec(name, { operatingSystem: 'debian12_64' })));
    const root = makeRepo({ 'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\n' });
    mkdirSync(path.join(root, 'status'));
    const file = path.join(root, 'status', `${name}.yaml`);
    writeFileSync(file, oldText);
    const cache = new AppliedRecordCache();

    // Under k0 the tree's record is read.
    expect((await readApplied(root, cache, undefined, key('k0'))).applied.get(name)?.observedOs).toBe(
      'debian11_64',
    );
    // Commit k1 changes the record file (the sync writes it).
    writeFileSync(file, newText);
    // Cycle N under k1: the status branch still has the old text, laid over the tree.
    const cycleN = await readApplied(root, cache, new Map([[name, oldText]]), key('k1'));
    expect(cycleN.applied.get(name)?.observedOs).toBe('debian11_64');
    // Cycle N+1 under k1: nothing laid over any more; the tree's file (newText) is the record.
    const control = await readApplied(root, new AppliedRecordCache(), new Map());
    expect(control.applied.get(name)?.observedOs).toBe('debian12_64');
    const cycleN1 = await readApplied(root, cache, new Map(), key('k1'));
    expect(cycleN1.applied.get(name)?.observedOs).toBe('debian12_64');
  });
});
