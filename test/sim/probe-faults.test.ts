import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseFaultSpec,
  startSimulator,
  type RunningSimulator,
  type SimProbeServer,
} from '../../src/sim/index.js';
import { httpGet, readBanner, tcpConnect } from './probe-client.js';
import { call, serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const TASK_MS = 665_000;

describe('probe faults', () => {
  let sim: RunningSimulator;
  let sn: string;
  let other: string;
  beforeEach(async () => {
    sim = await startSimulator({ startTime: START, servers: 6 });
    sn = serverName(sim, 0);
    other = serverName(sim, 1);
  });
  afterEach(() => sim.close());

  const probe = async (name = sn): Promise<SimProbeServer> =>
    (await call(sim, 'GET', `/_sim/servers/${name}`)).body as SimProbeServer;
  /** What answers on ssh and http, through real sockets, after the listeners caught up. */
  const answers = async (name = sn): Promise<[string, string]> => {
    const server = await probe(name);
    const page = await httpGet(server.host, server.ports.http);
    return [await tcpConnect(server.host, server.ports.ssh), page === 'refused' ? page : `${page.status}`];
  };
  const reinstall = (name = sn): void => {
    sim.control.startForeignTask(name, { operatingSystem: 'debian12_64' });
    sim.control.advanceClock(TASK_MS);
  };
  const setServer = (name: string, body: unknown): ReturnType<typeof call> =>
    call(sim, 'POST', `/_sim/servers/${name}`, { body });

  it('never-comes-back: nothing answers after the reinstall, for good', async () => {
    await setServer(sn, { probeFault: 'never-comes-back' });

    reinstall();
    const after = await answers();
    sim.control.advanceClock(7 * 24 * 3_600_000);
    const weekLater = await answers();

    expect(after).toEqual(['refused', 'refused']);
    expect(weekLater).toEqual(['refused', 'refused']);
    expect((await probe()).state.condition).toBe('never-comes-back');
    expect(await answers(other)).toEqual(['open', '200']);
  });

  it('late: comes back probeLateSec seconds of sim time after the task ends', async () => {
    await setServer(sn, { probeFault: 'late', probeLateSec: 600 });

    // The sim clock also runs in real time: 10 s of margin around the instant it comes back.
    reinstall();
    const atEnd = await answers();
    sim.control.advanceClock(590_000);
    const justBefore = await answers();
    sim.control.advanceClock(10_000);
    const back = await answers();

    expect(atEnd).toEqual(['refused', 'refused']);
    expect(justBefore).toEqual(['refused', 'refused']);
    expect(back).toEqual(['open', '200']);
  });

  it('ssh-up-http-down: the SSH banner answers, HTTP is refused', async () => {
    await setServer(sn, { probeFault: 'ssh-up-http-down' });

    reinstall();
    const server = await probe();
    const banner = await readBanner(server.host, server.ports.ssh);

    expect(await answers()).toEqual(['open', 'refused']);
    expect(banner).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3');
  });

  it('flapping: up for probeFlapSec, down as long, up again, counted from the task end', async () => {
    await setServer(sn, { probeFault: 'flapping', probeFlapSec: 30 });
    reinstall();
    sim.control.advanceClock(15_000); // the middle of each phase: the clock also runs in real time

    const seen: [string, string][] = [];
    for (let i = 0; i < 4; i++) {
      seen.push(await answers());
      sim.control.advanceClock(30_000);
    }

    expect(seen).toEqual([
      ['open', '200'],
      ['refused', 'refused'],
      ['open', '200'],
      ['refused', 'refused'],
    ]);
  });

  it('fleet-wide through POST /_sim/faults; a server’s own setting wins and null removes it', async () => {
    const fleet = await call(sim, 'POST', '/_sim/faults', { body: { probeFault: 'never-comes-back' } });
    await setServer(other, { probeFault: 'none' });
    reinstall(sn);
    reinstall(other);

    const withOverride = await answers(other);
    const cleared = await setServer(other, { probeFault: null });
    const withoutOverride = await answers(other);

    expect(fleet.body).toMatchObject({ probeFault: 'never-comes-back', probeLateSec: 60, probeFlapSec: 10 });
    expect(await answers(sn)).toEqual(['refused', 'refused']);
    expect(withOverride).toEqual(['open', '200']);
    expect(cleared.status).toBe(200);
    expect(withoutOverride).toEqual(['refused', 'refused']);
    expect((await probe(other)).overrides).toEqual({});
  });

  it('applies at once, also to a server that came back before the fault was set', async () => {
    reinstall();
    const before = await answers();

    sim.control.setFaults({ probeFault: 'ssh-up-http-down' });

    expect(before).toEqual(['open', '200']);
    expect(await answers()).toEqual(['open', 'refused']);
  });

  it('leaves a server never reinstalled up whatever the fault', async () => {
    sim.control.setFaults({ probeFault: 'never-comes-back' });

    expect(await answers(other)).toEqual(['open', '200']);
    expect((await probe(other)).state.condition).toBe('never-reinstalled');
  });

  it('refuses bad probe faults with 400 and changes nothing', async () => {
    const os = sim.control.account()[0]?.server.os;
    const badKind = await setServer(sn, { probeFault: 'sometimes', os: 'debian13_64' });
    const badLate = await setServer(sn, { probeLateSec: -1 });
    const badFlap = await call(sim, 'POST', '/_sim/faults', { body: { probeFlapSec: 0 } });

    expect([badKind.status, badLate.status, badFlap.status]).toEqual([400, 400, 400]);
    expect(badKind.body).toMatchObject({ message: expect.stringMatching(/never-comes-back/) as string });
    expect(sim.control.account()[0]?.server.os).toBe(os);
    expect((await probe()).overrides).toEqual({});
  });

  it('reads probe faults from --faults', () => {
    expect(parseFaultSpec('probeFault=late,probeLateSec=120')).toEqual({
      probeFault: 'late',
      probeLateSec: 120,
    });
  });
});
