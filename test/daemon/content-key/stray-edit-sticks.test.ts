/**
 * Fixed since (src/git/clone-memo.ts `cleanKey`: a sync that resets gives a new content key;
 * src/records/read-records.ts: a read with overlaid records proves nothing). Found by a
 * hostile review of the cycle work (a3da0f8): the content key ("the commit the clean clone is proven to
 * hold") is trusted for files that were read under it while the clone did NOT hold that commit.
 *
 * The daemon's load step (src/daemon/steps-load.ts) reads with
 *   contentKey = () => (git.cleanHead() === head ? head : undefined)
 * and cleanHead() is set by every sync, also after a sync that had to RESET the clone because it
 * held a stray change. A stray change made to the clone after a sync (a human on the host, an
 * editor's swap/save, anything outside the GitRepo) and read by the first load under a new head is
 * therefore remembered as "the content of that commit": the next sync discards the change (git
 * status is clean, the file on disk is the committed one again), but every later cycle under the
 * same head plans on the stray bytes, without a stat, until the spec branch moves. Before h10 the
 * next cycle's stat saw the rewritten file and read the committed content again.
 *
 * With a separate status branch, the daemon's own status commits do not move the spec head, so
 * this lasts until the next human spec commit.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentKeyOf } from '../../../src/daemon/content-key.js';
import { AppliedRecordCache, readApplied } from '../../../src/records/read-records.js';
import { serializeStatusRecord } from '../../../src/records/status-record.js';
import { ReadCache } from '../../../src/specs/read-cache.js';
import { readFleet } from '../../../src/specs/read-fleet.js';
import { git, makeTemplate, makeWorld, request, SPEC } from '../../git/helpers.js';
import { record, spec as planSpec } from '../../plan/helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

const STRAY_OS = 'ubuntu2404-server_64';

describe('a stray edit read under a head outlives the reset that discarded it', () => {
  it('readFleet under the daemon key keeps planning on a spec edit that sync already reset', async () => {
    const w = makeWorld(template);
    const repo = w.repo({ statusBranch: 'fleet-status' });
    await repo.ensureClone();
    const cache = new ReadCache();

    // Cycle 1: a human pushes a new spec commit; the daemon syncs to it.
    const head = w.humanCommit('servers/web-1.yaml', SPEC('ns1.example.net', 'debian12_64'), 'os');
    expect(await repo.sync()).toBe(head);
    const key = contentKeyOf(repo, head);
    // Someone edits the daemon's clone right after that sync (not a commit).
    writeFileSync(join(w.clone, 'servers/web-1.yaml'), SPEC('ns1.example.net', STRAY_OS));
    const first = await readFleet(w.clone, { cache, contentKey: key, parallel: false });
    // (This cycle planning on the stray edit is the pre-existing window; not what is tested.)
    expect(first.specs.find((s) => s.serviceName === 'ns1.example.net')?.operatingSystem).toBe(STRAY_OS);
    // The record step of cycle 1: a status commit on the separate status branch.
    await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'phase: ready\n' }));

    // Cycle 2: the sync sees the stray change and discards it: the clone is the commit exactly.
    expect(await repo.sync()).toBe(head);
    expect(repo.cleanHead()).toBe(head);
    expect(git(w.clone, ['status', '--porcelain', '--ignored', '--untracked-files=all'], w.env)).toBe('');
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toContain('debian12_64');

    const second = await readFleet(w.clone, { cache, contentKey: key, parallel: false });
    // The committed spec says debian12_64; h10 answers the stray edit from its memo.
    expect(second.specs.find((s) => s.serviceName === 'ns1.example.net')?.operatingSystem).toBe(
      'debian12_64',
    );
  });

  it('readApplied under the daemon key keeps a status record edit that sync already reset', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    const cache = new AppliedRecordCache();
    const name = 'ns1.example.net';
    const committed = serializeStatusRecord(record(name, planSpec(name, { operatingSystem: 'debian11_64' })));
    const stray = serializeStatusRecord(record(name, planSpec(name, { operatingSystem: STRAY_OS })));

    // Cycle 1: a commit brings the record; the daemon syncs to it.
    const head = w.humanCommit(`status/${name}.yaml`, committed, 'record');
    expect(await repo.sync()).toBe(head);
    const key = contentKeyOf(repo, head);
    mkdirSync(join(w.clone, 'status'), { recursive: true });
    writeFileSync(join(w.clone, `status/${name}.yaml`), stray);
    const first = await readApplied(w.clone, cache, undefined, key);
    expect(first.applied.get(name)?.lastApplied?.operatingSystem).toBe(STRAY_OS);

    // Cycle 2: the sync discards the edit; the record file is the committed one again.
    expect(await repo.sync()).toBe(head);
    expect(readFileSync(join(w.clone, `status/${name}.yaml`), 'utf8')).toBe(committed);

    const second = await readApplied(w.clone, cache, undefined, key);
    // The plan compares the spec's digest with this record's lastApplied: it must be git's record.
    expect(second.applied.get(name)?.lastApplied?.operatingSystem).toBe('debian11_64');
  });
});
