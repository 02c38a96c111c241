import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimProbeServer } from '../../src/sim/index.js';
import { httpGet, httpsGet, openSession, readBanner, tcpConnect } from './probe-client.js';
import { call, serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const TASK_MS = 665_000;

describe('probe listeners of the simulated servers', () => {
  let sim: RunningSimulator;
  let sn: string;
  beforeEach(async () => {
    sim = await startSimulator({ startTime: START, servers: 6 });
    sn = serverName(sim, 0);
  });
  afterEach(() => sim.close());

  const probe = async (name = sn): Promise<SimProbeServer> =>
    (await call(sim, 'GET', `/_sim/servers/${name}`)).body as SimProbeServer;

  it('answers TCP, an SSH banner and HTTP on a server never reinstalled', async () => {
    const server = await probe();
    const os = sim.control.account()[0]?.server.os ?? '';

    const tcp = await tcpConnect(server.host, server.ports.ssh);
    const banner = await readBanner(server.host, server.ports.ssh);
    const page = await httpGet(server.host, server.ports.http);
    const missing = await httpGet(server.host, server.ports.http, '/nothing');

    expect(server.host).toBe('127.1.0.1');
    expect(server.state).toMatchObject({ ssh: 'up', http: 'up', condition: 'never-reinstalled' });
    expect(tcp).toBe('open');
    expect(banner).toMatch(/^SSH-2\.0-OpenSSH_\S+/);
    expect(page).toEqual({ status: 200, body: `${sn} running ${os}\n` });
    expect(missing).toMatchObject({ status: 404 });
  });

  it('answers HTTPS on the http port too, with the simulator certificate', async () => {
    const server = await probe();

    const secure = await httpsGet(server.host, server.ports.http, sim.caCert);
    const plain = await httpGet(server.host, server.ports.http);

    expect(secure).toEqual(plain);
    expect(secure.status).toBe(200);
  });

  it('is down while the posted reinstall runs and up with the new OS once the task is done', async () => {
    const server = await probe();
    const posted = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'ubuntu2404-server_64' },
    });

    const during = await probe();
    const downSsh = await tcpConnect(server.host, server.ports.ssh);
    const downHttp = await httpGet(server.host, server.ports.http);
    sim.control.advanceClock(TASK_MS - 10_000); // the sim clock also runs in real time: 10 s of margin
    const stillDown = await probe();
    const stillRefused = await tcpConnect(server.host, server.ports.ssh);
    sim.control.advanceClock(10_000);
    const after = await probe();
    const banner = await readBanner(server.host, server.ports.ssh);
    const page = await httpGet(server.host, server.ports.http);

    expect(posted.status).toBe(200);
    expect(during.state).toMatchObject({ ssh: 'down', http: 'down', condition: 'installing' });
    expect([downSsh, downHttp]).toEqual(['refused', 'refused']);
    expect(stillDown.state.condition).toBe('installing');
    expect(stillRefused).toBe('refused');
    expect(after.state).toMatchObject({ ssh: 'up', http: 'up', condition: 'up' });
    expect(banner).toBe('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5');
    expect(page).toEqual({ status: 200, body: `${sn} running ubuntu2404-server_64\n` });
  });

  it('comes back on its own when the task ends in real time, without a clock jump', async () => {
    await sim.close();
    sim = await startSimulator({ startTime: START, servers: 3, speed: TASK_MS / 300 });
    sn = serverName(sim, 1);
    const server = await probe();
    sim.control.startForeignTask(sn, { operatingSystem: 'debian12_64' });
    const during = await probe();

    let seen = await tcpConnect(server.host, server.ports.ssh);
    while (seen === 'refused') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await tcpConnect(server.host, server.ports.ssh);
    }

    expect(during.state.condition).toBe('installing');
    expect(server.host).toBe('127.1.0.2');
    expect((await probe()).state.condition).toBe('up');
  });

  it('stays down after a failed reinstall', async () => {
    const server = await probe();
    sim.control.startForeignTask(sn, { outcome: 'ovhError' });
    sim.control.advanceClock(TASK_MS);

    const after = await probe();

    expect(after.state).toMatchObject({ ssh: 'down', http: 'down', condition: 'install-failed' });
    expect(await tcpConnect(server.host, server.ports.http)).toBe('refused');
  });

  it('cuts open connections when the server goes down', async () => {
    const server = await probe();
    const session = openSession(server.host, server.ports.ssh);
    await session.firstData;

    sim.control.startForeignTask(sn);

    await session.closed;
    expect(await tcpConnect(server.host, server.ports.ssh)).toBe('refused');
  });

  it('maps a reported ip or reverse to the server over GET /_sim/probe-target, and refuses unknowns', async () => {
    const reported = (await call(sim, 'GET', `/dedicated/server/${sn}`)).body as {
      ip: string;
      reverse: string;
    };

    const byIp = await call(sim, 'GET', `/_sim/probe-target?target=${reported.ip}&port=22`);
    const byReverse = await call(sim, 'GET', `/_sim/probe-target?target=${reported.reverse}&port=80`);
    const unknown = await call(sim, 'GET', '/_sim/probe-target?target=203.0.113.9&port=22');
    const badPort = await call(sim, 'GET', `/_sim/probe-target?target=${sn}&port=0`);
    const unknownServer = await call(sim, 'GET', '/_sim/servers/ns0.ip-0-0-0.eu');

    expect(reported.ip).not.toMatch(/^127\./);
    expect(byIp.body).toEqual({
      serviceName: sn,
      host: '127.1.0.1',
      port: sim.probePorts.ssh,
      protocol: 'ssh',
    });
    expect(byReverse.body).toEqual({
      serviceName: sn,
      host: '127.1.0.1',
      port: sim.probePorts.http,
      protocol: 'http',
    });
    expect(await tcpConnect('127.1.0.1', sim.probePorts.http)).toBe('open');
    expect([unknown.status, badPort.status, unknownServer.status]).toEqual([404, 400, 404]);
  });

  it('after a restart from a state file, already listens for the servers reinstalled before it, on new ports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-probe-state-'));
    const statePath = join(dir, 'state.json');
    await sim.close();
    sim = await startSimulator({ statePath, startTime: START, servers: 4 });
    const before = sim.probePorts;
    sim.control.startForeignTask(serverName(sim, 2), { operatingSystem: 'debian13_64' });
    sim.control.advanceClock(TASK_MS);
    await sim.close();

    sim = await startSimulator({ statePath });
    const entry = sim.control.probeMap().servers[2];
    const banner = await readBanner(entry?.host ?? '', sim.probePorts.ssh);
    rmSync(dir, { recursive: true, force: true });

    expect(entry?.host).toBe('127.1.0.3');
    expect(sim.probePorts).not.toEqual(before);
    expect(banner).toBe('SSH-2.0-OpenSSH_10.0p2 Debian-7');
  });
});
