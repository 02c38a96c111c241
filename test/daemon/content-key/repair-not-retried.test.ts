/**
 * Fixed since (src/git/clone-memo.ts `cleanKey`: a sync that resets gives a new content key;
 * src/records/read-records.ts: a read with overlaid records proves nothing). Found by a
 * hostile review of the cycle work (a3da0f8): after a status commit that failed, the record the daemon put
 * back (restored from its memory because git's file is corrupted) is never put back again.
 *
 * restoreRecords (src/daemon/steps-load.ts) now skips a record when
 * `recordCache.unchangedUnder(name, key)` answers: "the file was read (or found unchanged) under
 * that key by the last read". But the last read under the key took that record from the OVERLAY
 * (the restored text), not from the file: the cache's per-file entry still holds the hash of the
 * valid file of an older commit, so lastRead() answers the old valid record for a file that, at
 * this commit, is corrupted in the tree and in git. The repair is then neither overlaid nor marked
 * `repaired`; the record step finds the tree's (cached) record equal to the built one and commits
 * nothing: git keeps the corrupted record for as long as the spec head does not move. Before h10,
 * the stat of the reset file differed and the file was read again, found corrupted and restored.
 *
 * No human edit of the clone is needed: a commit that corrupts a record, and one status push that
 * fails (network, a rejecting hook, a protected branch rule for a moment).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { DEFAULT_SECRET_RULE } from '../../../src/core/secret-rule.js';
import { restoreRecords } from '../../../src/daemon/steps-load.js';
import { writeRestored } from '../../../src/daemon/restored-records.js';
import type { CycleDeps } from '../../../src/daemon/types.js';
import { contentKeyOf } from '../../../src/daemon/content-key.js';
import { AppliedRecordCache, readApplied } from '../../../src/records/read-records.js';
import { serializeStatusRecord } from '../../../src/records/status-record.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { makeTemplate, makeWorld, request } from '../../git/helpers.js';
import { record, spec as planSpec } from '../../plan/helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

const log = createLogger({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));

describe('a record repair after a failed status push', () => {
  it('is restored (and committed as repaired) again in the next cycle under the same head', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const name = 'ns1.example.net';
    const r0: StatusRecord = record(name, planSpec(name, { operatingSystem: 'debian11_64' }));
    const text0 = serializeStatusRecord(r0);
    w.humanCommit(`status/${name}.yaml`, text0, 'record of ns1');
    const k0 = await repo.ensureClone();

    const recordCache = new AppliedRecordCache();
    const deps = {
      config: { status: { branch: null }, repository: { branch: 'main' } },
      git: repo,
      root: w.clone,
      cloneDir: w.clone,
      prefix: '',
      recordCache,
      secretRule: DEFAULT_SECRET_RULE,
    } as unknown as CycleDeps;
    const keyOf = (head: string) => contentKeyOf(repo, head);

    // A steady cycle under k0: the valid record is read from the tree.
    const known = new Map([[name, r0]]);
    const steady = await restoreRecords(deps, known, log, keyOf(k0));
    const read0 = await readApplied(w.clone, recordCache, steady.overlay, keyOf(k0));
    expect(read0.applied.get(name)).toBeDefined();

    // A human commit corrupts the record; the daemon syncs to it.
    const k1 = w.humanCommit(`status/${name}.yaml`, 'phase: [not yaml\n', 'oops');
    expect(await repo.sync()).toBe(k1);

    // Cycle N: the record is restored from memory (as before h10).
    const cycleN = await restoreRecords(deps, known, log, keyOf(k1));
    expect(cycleN.repaired.has(name)).toBe(true);
    expect(cycleN.overlay.get(name)).toBe(text0);
    await readApplied(w.clone, recordCache, cycleN.overlay, keyOf(k1));
    // Record step of cycle N: the restored file is written and committed, but the push fails.
    await writeRestored(w.clone, cycleN, log);
    const hook = join(w.origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "remote: temporarily refused" >&2\nexit 1\n', { mode: 0o755 });
    await expect(repo.commitStatus(request({ [`status/${name}.yaml`]: text0 }))).rejects.toThrow();
    rmSync(hook);

    // Cycle N+1: sync puts the clone back at k1, where the record is corrupted (in git, too).
    expect(await repo.sync()).toBe(k1);
    expect(readFileSync(join(w.clone, `status/${name}.yaml`), 'utf8')).toBe('phase: [not yaml\n');
    // Control: the same step without the content key (the pre-h10 path) restores it.
    expect((await restoreRecords(deps, known, log)).repaired.has(name)).toBe(true);
    const cycleN1 = await restoreRecords(deps, known, log, keyOf(k1));
    // Git's record is still corrupted: it must be restored and committed again.
    expect(cycleN1.repaired.has(name)).toBe(true);
    expect(cycleN1.overlay.get(name)).toBe(text0);
  });
});
