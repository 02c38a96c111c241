// The state-lock test's child, on the BUILT code (dist/). Modes:
//   hold DIR             take the lock, print "held", then wait until killed;
//   race DIR ROUNDS      ROUNDS times: try to take the lock; while holding it, create DIR/holder
//                        with O_EXCL (EEXIST means two holders at once), then remove it and
//                        release. Prints {"held":n,"refused":n,"violations":n} at the end.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireStateLock } from '../../dist/apply/state-lock.js';

const [mode, dir, rounds] = process.argv.slice(2);
if (mode === 'hold') {
  await acquireStateLock(dir, { purpose: 'apply' });
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
} else {
  const counts = { held: 0, refused: 0, violations: 0 };
  const marker = join(dir, 'holder');
  for (let i = 0; i < Number(rounds); i++) {
    let lock;
    try {
      lock = await acquireStateLock(dir, { purpose: 'apply' });
    } catch (error) {
      if (error.code !== 'state-dir-locked') throw error;
      counts.refused++;
      continue;
    }
    counts.held++;
    try {
      const handle = await open(marker, 'wx');
      await handle.close();
      // Hold a little while, so that the other racer tries while we hold.
      for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
      await rm(marker);
    } catch (error) {
      if (error.code === 'EEXIST') counts.violations++;
      else throw error;
    }
    await lock.release();
  }
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}
