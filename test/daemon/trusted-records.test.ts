/**
 * The trust-records part of the load step (src/daemon/trusted-records.ts), with its result
 * written as the record step writes it, on a real directory, as a property: for any records in
 * the working tree (kept, edited, unknown, missing) and any kept texts, after the step the
 * working tree holds exactly the kept records, and every record put back is marked
 * repaired (so the status step commits it). Without verification, nothing is touched. And the git
 * history the daemon recovers lost records from, under verification: only kept texts come back.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { NOTHING_RESTORED, writeRestored, type Restored } from '../../src/daemon/restored-records.js';
import { trustedRecordHistory, trustRecords } from '../../src/daemon/trusted-records.js';
import { emptyAppliedRecords } from '../../src/records/read-records.js';
import { recoverLostRecords, type RecordHistory } from '../../src/plan/recover-records.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { record, spec } from '../plan/helpers.js';

const silent = { warn: () => undefined } as unknown as Logger;

/** The trust-records part of the load step, then the record step's write of what it put back. */
async function trustAndWrite(
  root: string,
  kept: Map<string, string> | null,
  verifying: boolean,
): Promise<{ state: { repaired: Restored['repaired'] } }> {
  const deps = { root, config: { verify: { allowedSignersFile: verifying ? '/signers' : null } } };
  const restored = await trustRecords(deps, { kept, restored: NOTHING_RESTORED }, silent);
  await writeRestored(root, restored, silent);
  return { state: { repaired: restored.repaired } };
}

function treeRecords(root: string): Map<string, string> {
  const dir = join(root, 'status');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'ack-rewrite.yaml')
      .map((f) => [f.slice(0, -5), readFileSync(join(dir, f), 'utf8')]),
  );
}

const name = fc.constantFrom('ns1.example.net', 'ns2.example.net', 'ns3.example.net', 'web-4');
const text = fc.constantFrom('phase: ready\n', 'phase: failed\n', 'lastApplied: {digest: sha256:0}\n', '');
const records = fc.dictionary(name, text, { maxKeys: 4 });

describe('trust-records', () => {
  it('leaves exactly the kept records in the working tree, marking each one put back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(records, records, async (inTree, keptObj) => {
        const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-trusted-'));
        try {
          mkdirSync(join(root, 'status'));
          for (const [n, t] of Object.entries(inTree)) writeFileSync(join(root, 'status', `${n}.yaml`), t);
          writeFileSync(join(root, 'status', 'ack-rewrite.yaml'), 'kind: RewriteAck\n');
          const kept = new Map(Object.entries(keptObj));

          const ctx = await trustAndWrite(root, kept, true);

          expect(treeRecords(root)).toEqual(kept);
          for (const [n, t] of kept) expect(ctx.state.repaired.has(n)).toBe(inTree[n] !== t);
          expect(readFileSync(join(root, 'status', 'ack-rewrite.yaml'), 'utf8')).toBe('kind: RewriteAck\n');
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 80 },
    );
  });

  it('touches nothing without verification, or before the first records are kept', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-trusted-'));
    mkdirSync(join(root, 'status'));
    writeFileSync(join(root, 'status', 'ns1.example.net.yaml'), 'edited\n');

    await trustAndWrite(root, new Map([['ns1.example.net', 'kept\n']]), false);
    await trustAndWrite(root, null, true);

    expect(treeRecords(root)).toEqual(new Map([['ns1.example.net', 'edited\n']]));
    rmSync(root, { recursive: true, force: true });
  });
});

describe('git history under verification (trustedRecordHistory)', () => {
  const names = ['ns1.example.net', 'ns2.example.net', 'ns3.example.net'] as const;
  const textOf = (n: string, phase: 'ready' | 'drifted' | 'failed'): string =>
    serializeStatusRecord(record(n, spec(n), { phase }));
  const version = fc.constantFrom<'ready' | 'drifted' | 'failed' | null>('ready', 'drifted', 'failed', null);

  it('brings back only the text the daemon kept; a record it never kept is first sight (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), fc.array(version, { maxLength: 4 }), { maxKeys: 3 }),
        fc.dictionary(
          fc.constantFrom(...names),
          fc.constantFrom<'ready' | 'drifted' | 'failed'>('ready', 'drifted', 'failed'),
          {
            maxKeys: 3,
          },
        ),
        async (historyObj, keptObj) => {
          // Newest first: the versions of status/<name>.yaml, commit ids `<name>@<i>` (null: deleted).
          const versions = new Map(
            Object.entries(historyObj).map(([n, v]) => [n, v.map((p) => (p === null ? null : textOf(n, p)))]),
          );
          const nameOf = (file: string): string => file.slice('status/'.length, -'.yaml'.length);
          const history: RecordHistory = {
            everCommitted: (files) =>
              Promise.resolve(new Set(files.filter((f) => (versions.get(nameOf(f))?.length ?? 0) > 0))),
            commitsTouching: (file, limit) =>
              Promise.resolve(
                (versions.get(nameOf(file)) ?? []).slice(0, limit).map((_, i) => `${nameOf(file)}@${i}`),
              ),
            readAt: (commit, file) =>
              Promise.resolve(versions.get(nameOf(file))?.[Number(commit.split('@')[1])] ?? null),
          };
          const kept = new Map(Object.entries(keptObj).map(([n, p]) => [n, textOf(n, p)]));
          const records = emptyAppliedRecords();
          await recoverLostRecords(records, names, trustedRecordHistory(history, kept));
          for (const n of names) {
            if (!kept.has(n)) {
              // Never written by the daemon: first sight, whatever history holds.
              expect(records.applied.has(n)).toBe(false);
              expect(records.lost.has(n)).toBe(false);
              continue;
            }
            const recovered = records.applied.get(n);
            if (recovered) expect(serializeStatusRecord(recovered)).toBe(kept.get(n));
            else expect(records.lost.has(n) || !(versions.get(n)?.length ?? 0)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is the history as it is on first use (nothing kept yet)', () => {
    const history = {} as RecordHistory;
    expect(trustedRecordHistory(history, null)).toBe(history);
  });
});
