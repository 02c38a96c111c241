/**
 * The daemon verifies what it reinstalls (docs/verification.md, "How the daemon runs it"), end to
 * end with real components: the simulator over HTTPS, its loopback probe listeners, a bare git
 * origin. A spec change goes reinstalling → verifying → ready in git; a server that never comes
 * back goes unhealthy and is not reinstalled again; a restarted daemon resumes a verification from
 * its saved state instead of starting over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulatorProbes } from '../../src/cli/sim-probes.js';
import type { StatusRecord } from '../../src/records/types.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

const FLEET = (verify: string): string =>
  `apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n${verify}`;
const VERIFY = (failureLimit: number, interval = '1s', deadline = '5m'): string =>
  `verify:\n  probes:\n    - {name: ssh, type: ssh, port: 22}\n  initialDelay: 0s\n  interval: ${interval}\n  timeout: 1s\n  successes: 1\n  failureLimit: ${failureLimit}\n  deadline: ${deadline}\n`;

function recordOf(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parse(text) as StatusRecord);
}

/** The phases of `name`'s record in the origin's history, oldest first, repeats folded. */
function phaseHistory(w: World, name: string): string[] {
  const commits = w.git(w.origin, ['log', '--reverse', '--format=%H', 'main', '--', `status/${name}.yaml`]);
  const phases: string[] = [];
  for (const c of commits.split('\n').filter(Boolean)) {
    const r = parse(w.git(w.origin, ['show', `${c}:status/${name}.yaml`])) as StatusRecord;
    const label = r.verification ? `${r.phase}/${r.verification.result}` : r.phase;
    if (phases.at(-1) !== label) phases.push(label);
  }
  return phases;
}

/** Starts the daemon with the simulator's probe mapping (as `ovh-fleet daemon` does). */
async function startVerifying(w: World): Promise<void> {
  await w.start({ probes: simulatorProbes(w.sim.control.probeMap()) });
}

async function changeSpec(w: World, m: World['managed'][number]): Promise<void> {
  w.pull();
  w.write(m.file, spec(m.name, m.other));
  w.commit(`move ${m.name} to ${m.other}`);
  await w.daemon!.trigger('manual');
}

/** GET `path` of the daemon's HTTP listener, as text. */
async function httpGet(w: World, path: string): Promise<string> {
  const { host, port } = w.daemon!.address!;
  const res = await fetch(`http://${host}:${port}${path}`);
  return res.text();
}

function dump(w: World): (e: unknown) => never {
  return (e) => {
    console.log(w.logs.filter((l) => !l.includes('"level":"debug"')).join(''));
    throw e;
  };
}

describe('the daemon verifies what it reinstalls', () => {
  it('goes reinstalling → verifying → ready, each phase in git, with the verdict in the record', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    w.write('fleet.yaml', FLEET(VERIFY(3)));
    w.commit('verify after reinstalls');
    await startVerifying(w);
    const [m] = w.managed as [World['managed'][number]];

    await changeSpec(w, m);
    await w
      .until(() => recordOf(w, m.name)?.verification?.result === 'healthy', 'the healthy verdict', 60_000)
      .catch(dump(w));

    const record = recordOf(w, m.name)!;
    expect(record).toMatchObject({
      phase: 'ready',
      reason: 'in-sync',
      lastApplied: { result: 'done', operatingSystem: m.other },
      verification: { result: 'healthy', digest: record.lastApplied!.digest },
    });
    expect(record.verification!.finishedAt).not.toBeNull();
    const history = phaseHistory(w, m.name);
    // The reinstalling record may be overtaken by the task's end on a loaded machine; the
    // verifying one never is: the verdict comes from rounds run after it was recorded.
    expect(history.slice(-2)).toEqual(['verifying/running', 'ready/healthy']);
    const before = history.slice(0, -2);
    expect(before.every((p) => p === 'ready' || p === 'pending' || p === 'reinstalling')).toBe(true);
    expect(w.posts(m.name)).toBe(1);
    // The cycle that pushed the verdict has ended (its memory is what /api/status shows).
    await w.daemon!.trigger('manual');
    const status = JSON.parse(await httpGet(w, '/api/status')) as { servers: StatusRecord[] };
    expect(status.servers.find((r) => r.serviceName === m.name)).toMatchObject({
      phase: 'ready',
      verification: { result: 'healthy' },
    });
    expect(await httpGet(w, '/metrics')).toMatch(/^ovh_fleet_servers\{phase="verifying"\} 0$/m);
    // Verified and recorded: its saved state is removed.
    await w.until(() => !existsSync(join(w.stateDir, 'verify', `${m.name}.json`)), 'the saved state removed');
  }, 120_000);

  it('records a server that never comes back unhealthy, and the next plans do not reinstall it again', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    w.sim.control.setServerProbeFaults(m.name, { probeFault: 'never-comes-back' });
    // A server that never answered is unhealthy at the deadline (failureLimit counts only once
    // it has come back): a short one.
    w.write('fleet.yaml', FLEET(VERIFY(2, '1s', '5s')));
    w.commit('verify after reinstalls');
    await startVerifying(w);

    await changeSpec(w, m);
    await w
      .until(() => recordOf(w, m.name)?.phase === 'unhealthy', 'the unhealthy verdict', 60_000)
      .catch(dump(w));
    await w.daemon!.trigger('manual');
    await w.daemon!.trigger('manual');

    const record = recordOf(w, m.name)!;
    expect(record).toMatchObject({
      phase: 'unhealthy',
      reason: 'last-attempt-failed',
      verification: { result: 'unhealthy' },
    });
    expect(record.verification!.message).toMatch(/^never answered by the deadline \(5s\): .*failed/);
    expect(phaseHistory(w, m.name).slice(-2)).toEqual(['verifying/running', 'unhealthy/unhealthy']);
    expect(w.posts(m.name)).toBe(1);
    expect(await httpGet(w, '/metrics')).toMatch(/^ovh_fleet_servers\{phase="unhealthy"\} 1$/m);
  }, 120_000);

  it('resumes a verification after a restart from its saved state: the rounds go on, nothing is posted again', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    // Never up, and many rounds allowed: the verification is still running when the daemon stops.
    w.sim.control.setServerProbeFaults(m.name, { probeFault: 'never-comes-back' });
    w.write('fleet.yaml', FLEET(VERIFY(100)));
    w.commit('verify after reinstalls');
    await startVerifying(w);
    const file = join(w.stateDir, 'verify', `${m.name}.json`);
    const rounds = (): number =>
      existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as { state: { rounds: { total: number } } }).state.rounds
            .total
        : 0;

    await changeSpec(w, m);
    await w.until(() => rounds() >= 2, 'two rounds saved', 60_000).catch(dump(w));
    await w.daemon!.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      state: { endedAt: string; rounds: { total: number } };
    };
    expect(recordOf(w, m.name)?.verification?.result).toBe('running');

    await startVerifying(w);
    await w
      .until(() => rounds() > saved.state.rounds.total, 'a round after the restart', 60_000)
      .catch(dump(w));

    const resumed = JSON.parse(readFileSync(file, 'utf8')) as { state: { endedAt: string } };
    expect(resumed.state.endedAt).toBe(saved.state.endedAt);
    expect(w.logs.join('')).toContain('verification resumed');
    expect(w.posts(m.name)).toBe(1);
  }, 120_000);
});
