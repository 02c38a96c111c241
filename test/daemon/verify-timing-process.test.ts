/**
 * The real daemon process (dist/, wired by the command line: src/cli/sim-probes.ts) verifies
 * servers that come back badly, end to end with the simulator's probe listeners and a real git
 * remote (issue 15, "Tests and figures"):
 * - a late server turns `ready` within its deadline, after more failing rounds than `failureLimit`
 *   (rounds before it first answers count only toward the deadline), and the status record in git
 *   carries the deciding round's probe results and the round counts; it is posted once;
 * - a flapping server is never `ready` on fewer passes in a row than `successes`: the complete
 *   trail of its rounds (the daemon's debug log, one line per round) decides, by the rule, the
 *   verdict the record in git shows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseStatusRecord } from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon) await daemon.kill('SIGKILL');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function fleetYaml(verify: string): string {
  return `apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\nverify:\n${verify}`;
}

/** The origin's status record of `name`, or null. */
function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parseStatusRecord(text, `status/${name}.yaml`).record ?? null);
}

/** The saved verification state of `name` (written after each round), or null. */
function saved(w: World, name: string): { rounds: { failure: number }; verdict: string } | null {
  const file = join(w.stateDir, 'verify', `${name}.json`);
  try {
    return existsSync(file)
      ? (
          JSON.parse(readFileSync(file, 'utf8')) as {
            state: { rounds: { failure: number }; verdict: string };
          }
        ).state
      : null;
  } catch {
    return null; // between the write and the rename: read again
  }
}

/** Starts the daemon, waits for its first cycle, and merges a spec change that reinstalls `m`. */
async function reinstall(w: World, m: World['managed'][number]): Promise<DaemonProcess> {
  // Debug: the daemon logs every round (its number and outcome), the trail the flapping test reads.
  const d = DaemonProcess.start(w, '', { OVH_FLEET_LOG_LEVEL: 'debug' });
  await w.until(() => d.cycles >= 1, 'the first cycle', 90_000);
  w.pull();
  w.write(m.file, spec(m.name, m.other));
  w.commit(`move ${m.name} to ${m.other}`);
  return d;
}

/** Waits until the record in git carries a verdict (no longer `running`). */
async function verdictInGit(w: World, d: DaemonProcess, name: string): Promise<StatusRecord> {
  let found: StatusRecord | null = null;
  await w
    .until(
      () => {
        found = record(w, name);
        const result = found?.verification?.result;
        return result !== undefined && result !== 'running';
      },
      'the verdict in git',
      180_000,
    )
    .catch((e: unknown) => {
      console.log(d.stderr.split('\n').slice(-30).join('\n'));
      throw e;
    });
  return found!;
}

/** The outcomes of `name`'s rounds in order, from the daemon's debug log (one line per round). */
function roundTrail(stderr: string, name: string): { round: number; outcome: string }[] {
  return stderr
    .split('\n')
    .filter((l) => l.includes('"msg":"round"') && l.includes(`"serviceName":"${name}"`))
    .map((l) => JSON.parse(l) as { round: number; outcome: string });
}

describe('the daemon process verifies servers that come back badly', () => {
  it('turns a late server ready within its deadline, after more failing rounds than failureLimit, and records its probes', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    // Late by much more than the test could ever wait (a day of sim time): the test itself says
    // when the server is back, below, so that failing rounds are certain whatever the load.
    w.sim.control.setServerProbeFaults(m.name, { probeFault: 'late', probeLateSec: 86_400 });
    w.write(
      'fleet.yaml',
      fleetYaml(
        '  probes:\n    - {name: ssh, type: ssh}\n    - {name: web, type: http, url: "http://{address}/"}\n' +
          '  initialDelay: 0s\n  interval: 1s\n  timeout: 1s\n  successes: 2\n  failureLimit: 3\n  deadline: 10m\n',
      ),
    );
    w.commit('verify after reinstalls');
    daemon = await reinstall(w, m);

    // More failing rounds than failureLimit: a server that has not answered yet is only late.
    await w.until(() => (saved(w, m.name)?.rounds.failure ?? 0) >= 4, 'four failing rounds', 120_000);
    expect(saved(w, m.name)?.verdict).toBe('verifying');
    // Back now: lateness shorter than the time since the task's end (the fault stays `late`).
    w.sim.control.setServerProbeFaults(m.name, { probeLateSec: 1 });
    const r = await verdictInGit(w, daemon, m.name);

    expect(r.phase).toBe('ready');
    const v = r.verification!;
    expect(v.result).toBe('healthy');
    expect(v.message).toContain('2 passing round(s) in a row');
    expect(v.probes).toEqual([
      { probe: 'ssh', outcome: 'success' },
      { probe: 'web', outcome: 'success' },
    ]);
    // Genuinely late: more rounds than failureLimit failed before the two passes that made it ready.
    expect(v.rounds!.failure).toBeGreaterThanOrEqual(4);
    expect(v.rounds!.success).toBe(2);
    expect(v.rounds!.total).toBe(v.rounds!.failure + v.rounds!.success + v.rounds!.inconclusive);
    expect(Date.parse(v.finishedAt!) - Date.parse(v.startedAt)).toBeLessThan(10 * 60_000);
    expect(w.posts(m.name)).toBe(1);
    await daemon.kill('SIGTERM');
    daemon = null;
  }, 420_000);

  it('is never ready on fewer passes in a row than `successes` while a server flaps', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    // Up 1.5 s, down 1.5 s (the simulator's clock runs at real time; its speed only shortens
    // tasks), rounds 1 s apart: three rounds in a row span at least 2 s,
    // so at the intended pace they never all land in one up phase, and a pass streak breaks after
    // one or two passes. Three passes in a row would need a round to run at least 0.5 s late at
    // the right moment; on a loaded machine it can, so the test does not pin which verdict comes:
    // it checks the rule on the complete trail of rounds. The expected case is `unhealthy` at the
    // 30 s deadline (it was seen failing and never stable); `ready` must be exactly at the round
    // that completed three passes in a row.
    w.sim.control.setServerProbeFaults(m.name, { probeFault: 'flapping', probeFlapSec: 1.5 });
    w.write(
      'fleet.yaml',
      fleetYaml(
        '  probes:\n    - {name: ssh, type: ssh}\n' +
          '  initialDelay: 0s\n  interval: 1s\n  timeout: 1s\n  successes: 3\n  failureLimit: 100\n  deadline: 30s\n',
      ),
    );
    w.commit('verify after reinstalls');
    daemon = await reinstall(w, m);

    const r = await verdictInGit(w, daemon, m.name);
    const v = r.verification!;
    const trail = roundTrail(daemon.stderr, m.name);

    // The trail is complete: every round once, in order, as many as the record counts.
    expect(trail.map((t) => t.round)).toEqual(trail.map((_, i) => i + 1));
    expect(trail.length).toBe(v.rounds!.total);
    // The rule, on that trail: ready at the first round that completes `successes` passes in a row.
    let streak = 0;
    const readyAt = trail.findIndex((t) => {
      streak = t.outcome === 'success' ? streak + 1 : t.outcome === 'failure' ? 0 : streak;
      return streak >= 3;
    });
    // It flapped: some pass was followed by a failure, and did not make it ready.
    const broken = trail.some((t, i) => t.outcome === 'success' && trail[i + 1]?.outcome === 'failure');
    expect(broken).toBe(true);
    if (readyAt === -1) {
      expect(r.phase).toBe('unhealthy');
      expect(v.result).toBe('unhealthy');
      expect(v.message).toContain('not healthy by the deadline');
    } else {
      expect(r.phase).toBe('ready');
      expect(v.result).toBe('healthy');
      expect(v.rounds!.total).toBe(readyAt + 1);
      expect(v.probes).toEqual([{ probe: 'ssh', outcome: 'success' }]);
    }
    expect(v.rounds!.failure).toBeGreaterThan(0);
    expect(w.posts(m.name)).toBe(1);
    await daemon.kill('SIGTERM');
    daemon = null;
  }, 420_000);
});
