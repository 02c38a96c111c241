/**
 * A saved verification state is resumed only for the reinstall it belongs to: the same digest and
 * the same task end (docs/verification.md, "Restarts"). A file left by an earlier reinstall of the
 * same digest must never lend its rounds or its verdict to a later one (property over any pair of
 * task ends and digests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readVerifyFile, writeVerifyFile } from '../../src/daemon/verify-files.js';
import { startVerification } from '../../src/verify/index.js';

const stateDir = mkdtempSync(join(tmpdir(), 'ovh-fleet-verify-files-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const SETTINGS = {
  probes: [{ name: 'port', type: 'tcp' as const, port: 22 }],
  initialDelayMs: 0,
  intervalMs: 1_000,
  timeoutMs: 500,
  successes: 1,
  failureLimit: 3,
  deadlineMs: 60_000,
};
const time = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });
/** How far the record's task end is from the saved one: often none, else any, even 1 ms. */
const shift = fc.oneof(fc.constant(0), fc.constantFrom(-1, 1), fc.integer({ min: -1e9, max: 1e9 }));
const digest = fc.constantFrom(`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`);

describe('readVerifyFile', () => {
  it('resumes a saved state only for the same digest and the same task end (property)', async () => {
    await fc.assert(
      fc.asyncProperty(time, shift, digest, digest, async (savedEnd, by, savedDigest, recordDigest) => {
        const recordEnd = savedEnd + by;
        const state = startVerification(
          SETTINGS,
          { serviceName: 'ns1.eu', ip: '192.0.2.1', reverse: null },
          savedEnd,
        );
        await writeVerifyFile(stateDir, 'ns1.eu', savedDigest, state);

        const read = await readVerifyFile(stateDir, 'ns1.eu', recordDigest, recordEnd);

        const same = savedEnd === recordEnd && savedDigest === recordDigest;
        expect(read.state !== null).toBe(same);
        if (same) expect(read.state).toEqual(state);
      }),
      { numRuns: 60 },
    );
  });
});
