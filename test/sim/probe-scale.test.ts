import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSimulator, simProbeTarget } from '../../src/sim/index.js';
import { listeningSockets, tcpConnect } from './probe-client.js';

const TASK_MS = 665_000;

describe('probe listeners at scale', () => {
  it('starts a 10,000-server simulator with three listening sockets and closes every one', async () => {
    const baseline = listeningSockets();

    const sim = await startSimulator({ servers: 10_000 });
    const atStart = listeningSockets() - baseline;
    const map = sim.control.probeMap();
    const last = map.servers[9_999];
    const lastIp = last?.ip ?? '';
    const target = await sim.control.probeTarget(lastIp, 22);
    const afterOne = listeningSockets() - baseline;
    for (const entry of map.servers.slice(0, 50)) sim.control.startForeignTask(entry.serviceName);
    await sim.control.probeServer(map.servers[0]?.serviceName ?? '');
    const during = listeningSockets() - baseline;
    sim.control.advanceClock(TASK_MS);
    await Promise.all(map.servers.slice(0, 50).map((s) => sim.control.probeServer(s.serviceName)));
    const after = listeningSockets() - baseline;
    const open = await tcpConnect(target.host, target.port);
    await sim.close();
    // libuv releases a closed handle in a later turn of the loop; a leak hangs here (test timeout).
    while (listeningSockets() > baseline) await new Promise((resolve) => setImmediate(resolve));
    const closed = listeningSockets() - baseline;

    expect(atStart).toBe(3); // the API and the two probe ports
    expect(map.servers).toHaveLength(10_000);
    expect(last?.host).toBe('127.1.39.16');
    expect(simProbeTarget(map, lastIp, 22)).toEqual(target);
    expect(target).toMatchObject({ host: '127.1.39.16', port: sim.probePorts.ssh });
    expect(afterOne).toBe(5);
    expect(during).toBe(5); // the 50 reinstalling servers have no listener
    expect(after).toBe(5 + 2 * 50);
    expect(open).toBe('open');
    expect(closed).toBe(0);
    expect(await tcpConnect(target.host, target.port)).toBe('refused');
  }, 60_000);

  it('leaves no handle behind: a process that started, probed and closed a simulator exits on its own', async () => {
    // dist/ is built by `npm test`'s pretest step (and by .ci/run before the tests).
    const entry = pathToFileURL(`${process.cwd()}/dist/sim/index.js`).href;
    const script = `
      import { get } from 'node:https';
      import { connect } from 'node:net';
      import { startSimulator } from ${JSON.stringify(entry)};
      const sim = await startSimulator({ servers: 20, speed: ${TASK_MS / 200} });
      const names = sim.control.probeMap().servers.map((s) => s.serviceName);
      const first = await sim.control.probeServer(names[0]);
      sim.control.startForeignTask(names[1]);
      await sim.control.probeServer(names[1]);
      sim.control.setServerProbeFaults(names[2], { probeFault: 'flapping', probeFlapSec: 1 });
      sim.control.startForeignTask(names[2]);
      const held = connect({ host: first.host, port: first.ports.ssh });
      held.on('error', () => undefined);
      await new Promise((resolve) => held.once('data', resolve));
      const options = { host: first.host, port: first.ports.http, agent: false, rejectUnauthorized: false };
      await new Promise((resolve) => get(options, (res) => res.resume().on('end', resolve)));
      await sim.close();
      process.stdout.write('closed\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(
      () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')),
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));

    const how = await new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(`${code}/${signal}`)),
    );

    expect(out).toBe('closed\n');
    expect(how).toBe('0/null');
  }, 60_000);
});
