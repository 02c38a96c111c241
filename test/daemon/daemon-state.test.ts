/** daemon-state.json: written durably (temp file, fsync, rename, fsync of the directory), read back. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDaemonState, writeDaemonState } from '../../src/daemon/daemon-state.js';

const HEAD_A = 'a'.repeat(40);
const HEAD_B = 'b'.repeat(40);

describe('daemon-state.json', () => {
  it('survives overlapping writes (each through its own temporary file) and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovh-fleet-daemon-state-'));

    await Promise.all([
      writeDaemonState(dir, { formatVersion: 1, lastApplied: HEAD_A }),
      writeDaemonState(dir, { formatVersion: 1, lastApplied: HEAD_B }),
    ]);

    expect([HEAD_A, HEAD_B]).toContain((await readDaemonState(dir))?.lastApplied);
    expect(await readdir(dir)).toEqual(['daemon-state.json']);
  });
});
