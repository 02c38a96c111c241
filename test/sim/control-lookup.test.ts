/**
 * `POST /_sim/servers/{serviceName}` checks that the server exists with a read-only lookup: the
 * old check was `control.updateServer(name, {})`, an empty change that still counts as a change
 * (the state file is saved), even when the patch is then refused or changes only probe faults,
 * which are kept in memory and never saved (found by a review of src/sim/control.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleControl } from '../../src/sim/control.js';
import { startSimulator, type RunningSimulator, type SimControl } from '../../src/sim/index.js';
import { serverName } from './sim-client.js';

describe('POST /_sim/servers/{serviceName}', () => {
  let sim: RunningSimulator;
  let sn: string;
  let updates: string[];
  let control: SimControl;
  beforeEach(async () => {
    sim = await startSimulator({ servers: 2 });
    sn = serverName(sim, 0);
    updates = [];
    control = {
      ...sim.control,
      updateServer: (name, patch) => {
        updates.push(`${name} ${JSON.stringify(patch)}`);
        return sim.control.updateServer(name, patch);
      },
    };
  });
  afterEach(() => sim.close());

  const post = (name: string, body: unknown) =>
    handleControl(control, 'POST', `/_sim/servers/${name}`, new URLSearchParams(), body);

  it('refuses a bad probe fault without changing the server', async () => {
    const answer = await post(sn, { probeFault: 'melting' });

    expect(answer.status).toBe(400);
    expect(updates).toEqual([]);
  });

  it('sets a probe fault alone without changing the server, and answers the server', async () => {
    const answer = await post(sn, { probeFault: 'late', probeLateSec: 30 });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ server: { name: sn } });
    expect(updates).toEqual([]);
    expect((await sim.control.probeServer(sn)).overrides).toEqual({ probeFault: 'late', probeLateSec: 30 });
  });

  it('answers 404 for an unknown server, changing nothing', async () => {
    const answer = await post('ns-none.eu', { probeFault: 'late' });

    expect(answer.status).toBe(404);
    expect(updates).toEqual([]);
  });

  it('still applies a server patch', async () => {
    const answer = await post(sn, { reverse: 'patched.example.net' });

    expect(answer.status).toBe(200);
    expect(updates).toEqual([`${sn} {"reverse":"patched.example.net"}`]);
    expect(sim.control.account()[0]?.server.reverse).toBe('patched.example.net');
  });
});
