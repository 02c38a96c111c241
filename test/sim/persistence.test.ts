import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import type { TaskResponse } from '../../src/ovh/types.js';
import { call, serverName } from './sim-client.js';

describe('simulator state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('continues account, tasks and clock after a restart', async () => {
    const statePath = join(dir, 'state.json');
    const first = await startSimulator({ statePath, servers: 4, startTime: Date.UTC(2026, 0, 1) });
    const sn = serverName(first, 1);
    first.control.updateServer(serverName(first, 0), { os: 'alma9_64' });
    const { taskId } = (
      await call(first, 'POST', `/dedicated/server/${sn}/reinstall`, {
        body: { operatingSystem: 'debian13_64' },
      })
    ).body as TaskResponse;
    first.control.advanceClock(100_000);
    const clockBefore = first.control.now();
    await first.close();

    const second = await startSimulator({ statePath, servers: 9, seed: 99 });
    const account = second.control.account();
    const running = await call(second, 'GET', `/dedicated/server/${sn}/task/${taskId}`);
    second.control.advanceClock(600_000);
    const done = await call(second, 'GET', `/dedicated/server/${sn}/task/${taskId}`);
    await second.close();

    expect(account).toHaveLength(4);
    expect(account[0]?.server.os).toBe('alma9_64');
    expect(second.control.now()).toBeGreaterThanOrEqual(clockBefore + 600_000);
    expect(running.body).toMatchObject({ status: 'doing' });
    expect(done.body).toMatchObject({ status: 'done' });
    expect(account[1]?.server.os).not.toBe('debian13_64');
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ formatVersion: 1 });
  });

  it('writes the state after a change without waiting for close', async () => {
    const statePath = join(dir, 'state.json');
    const sim = await startSimulator({ statePath, servers: 2 });

    sim.control.updateServer(serverName(sim, 0), { os: 'rocky9_64' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { servers: { server: { os: string } }[] };
    await sim.close();

    expect(saved.servers[0]?.server.os).toBe('rocky9_64');
  });
});
