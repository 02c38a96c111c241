/**
 * Issue 11 through the REAL daemon process (`node dist/cli/main.js daemon`) with
 * verify.allowedSignersFile: after a restart, an unsigned hand edit of a status record
 * (`lastApplied.digest`) plans no reinstall; the daemon commits its own record again. The
 * restart checks only the commits since the verified head it persisted (the old key is gone).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, World } from './helpers.js';
import { allowSigners, commitUnsigned, makeSigners, signInitialCommit } from './signed-fleet.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null)
    await daemon.kill('SIGKILL');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

describe('the daemon process with signature verification', () => {
  it(
    'ignores an unsigned hand-edited status record after a restart, and does not re-verify old history',
    { timeout: 120_000 },
    async () => {
      world = await World.create({ count: 1 });
      const w = world;
      const [m] = w.managed as [World['managed'][0]];
      const signers = makeSigners(w);
      signInitialCommit(w);
      const config = `verify:\n  allowedSignersFile: ${signers}\nschedule: "* * * * * *"\n`;
      daemon = DaemonProcess.start(w, config);
      await w.until(
        () => (w.originFile(`status/${m.name}.yaml`) ?? '').includes('reason: in-sync'),
        'the adoption, then a cycle in sync',
        30_000,
      );
      const kept = w.originFile(`status/${m.name}.yaml`)!;
      await daemon.kill('SIGTERM');

      // Keys rotate (the signer of all history so far leaves the file) and a human edits a record.
      allowSigners(w, ['next']);
      w.pull();
      const edited = parse(kept) as { lastApplied: { digest: string } };
      edited.lastApplied.digest = `sha256:${'0'.repeat(64)}`;
      w.write(`status/${m.name}.yaml`, stringify(edited));
      commitUnsigned(w, 'hand edit of a status record');
      daemon = DaemonProcess.start(w, config);
      await w.until(
        () => w.originFile(`status/${m.name}.yaml`) === kept,
        'the kept record to be committed again',
        30_000,
      );
      const run = daemon;
      await w.until(() => run.cycles >= 2, 'a second cycle', 30_000);

      expect(w.posts(m.name)).toBe(0);
      expect(run.stderr).toContain('status-record-untrusted');
      expect(run.stderr).not.toContain('"code":"signature-invalid"');
    },
  );
});
