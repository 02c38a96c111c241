/**
 * A state file write that fails in the debounced saver's timer (out of descriptors, disk full) is
 * said and tried again; thrown from the timer it ended the simulator (found by a hostile review,
 * with the probe listeners holding the descriptors).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DebouncedSaver, SAVE_DEBOUNCE_MS } from '../../src/sim/persistence.js';
import type { SimSnapshot } from '../../src/sim/sim-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SNAPSHOT = {
  formatVersion: 1,
  seed: 1,
  simNow: 0,
  realNow: 0,
  nextTaskId: 1,
  servers: [],
  tasks: [],
} as unknown as SimSnapshot;

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('DebouncedSaver', () => {
  it('says a failed write and writes once the cause is gone, without throwing from its timer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saver-'));
    dirs.push(dir);
    const blocker = join(dir, 'state'); // a file where the state's folder should be: mkdir fails
    writeFileSync(blocker, 'not a folder');
    const errors: string[] = [];
    const saver = new DebouncedSaver(
      join(blocker, 'sim.json'),
      () => SNAPSHOT,
      (e) => errors.push(e.message),
    );

    saver.schedule();
    while (errors.length === 0) await wait(SAVE_DEBOUNCE_MS);
    rmSync(blocker);
    let written: string | null = null;
    while (written === null) {
      await wait(SAVE_DEBOUNCE_MS);
      try {
        written = readFileSync(join(blocker, 'sim.json'), 'utf8');
      } catch {
        written = null;
      }
    }

    expect(errors[0]).toMatch(/EEXIST|ENOTDIR/);
    expect(JSON.parse(written)).toMatchObject({ formatVersion: 1 });
  });
});
