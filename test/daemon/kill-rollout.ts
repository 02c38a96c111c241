/**
 * The SIGKILL rollout, shared by test/daemon/crash-restart.test.ts (restarts on the same state
 * directory) and test/daemon/shared-intents-restart.test.ts (restarts on an EMPTY one): the REAL
 * daemon process is killed with SIGKILL at chosen moments during a rollout of 20 reinstalls;
 * nothing may be posted twice and no status may be lost. The kill moments come from a seeded PRNG
 * (printed, `CRASH_SEED` replays it).
 */
import { existsSync, readdirSync, renameSync, rmSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SimRequestRecord } from '../../src/sim/index.js';
import type { StatusRecord } from '../../src/records/types.js';
import { seeded } from '../plan/helpers.js';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, useSimulatorOptions, World } from './helpers.js';

const SERVERS = 20;

/** How one SIGKILL rollout test runs. */
export interface KillRollout {
  describe: string;
  /** Kills during the rollout. */
  kills: number;
  /** The daemon configuration's schedule (and settings). */
  schedule: string;
  /** Delete the state directory after each kill (a lost disk, a new host). */
  loseStateDir: boolean;
  /** How long a kill waits at most for its event, and the random delay of a `random` kill. */
  strikeWithinMs: number;
  randomDelayMs: { min: number; span: number };
  /** Waits: the rollout's end after the last restart, and the whole test. */
  rolloutTimeoutMs: number;
  testTimeoutMs: number;
}

let world: World | null = null;
let daemon: DaemonProcess | null = null;

/** Registers the test (call at the top level of a test file). */
export function describeKillRollout(o: KillRollout): void {
  // speed 250: a reinstall task lasts about 2.7 s; 5 at a time make 4 waves of reinstalls.
  useSimulatorOptions({ servers: 40, seed: 7, speed: 250, faults: { latencyMs: 5, latencyJitterMs: 25 } });
  afterEach(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null)
      await daemon.kill('SIGKILL');
    daemon = null;
    await world?.close();
    world = null;
  });
  afterAll(closeSimulator);
  describe(o.describe, () => {
    it(
      `is killed ${o.kills} times during a rollout of ${SERVERS} reinstalls${o.loseStateDir ? ' and loses its state each time' : ''}: nothing is posted twice, no status is lost`,
      () => killRollout(o),
      o.testTimeoutMs,
    );
  });
}

function records(w: World): Map<string, StatusRecord | null> {
  const files = w.originFiles(w.managed.map((m) => `status/${m.name}.yaml`));
  const out = new Map<string, StatusRecord | null>();
  for (const m of w.managed) {
    const text = files.get(`status/${m.name}.yaml`);
    out.set(m.name, text ? (parse(text) as StatusRecord) : null);
  }
  return out;
}

function rolledOut(w: World): boolean {
  const all = records(w);
  return w.managed.every((m) => {
    const r = all.get(m.name);
    return (
      r?.phase === 'ready' &&
      r.reason === 'in-sync' &&
      r.lastApplied?.operatingSystem === m.other &&
      r.lastApplied.result === 'done'
    );
  });
}

/** Kills that may follow the planned ones until one lands while the rollout is under way. */
const EXTRA_KILLS = 6;

/** Whether a kill (`kind@Tms:before->after`) struck with some reinstalls posted and some not. */
function midRollout(kill: string): boolean {
  const counts = /:(\d+)->(\d+)/.exec(kill)!.slice(1).map(Number);
  return counts.some((n) => n > 0 && n < SERVERS);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * When a kill strikes: `random` at a random time after the spawn (start-up, clone, any step);
 * `intent` as soon as a new intent file appears (between the durable intent and the POST's
 * answer); `posted` at a random time within 800 ms after a reinstall task was tracked (between the
 * POST and the status commit). Each waits at most `strikeWithinMs` for its event, then strikes anyway.
 */
type Moment = 'random' | 'intent' | 'posted';
const MOMENTS: readonly Moment[] = ['random', 'intent', 'posted'];

async function killMoment(
  kind: Moment,
  d: DaemonProcess,
  w: World,
  random: () => number,
  o: KillRollout,
): Promise<number> {
  const spawned = Date.now();
  const deadline = spawned + o.strikeWithinMs;
  if (kind === 'random') {
    await sleep(o.randomDelayMs.min + Math.floor(random() * o.randomDelayMs.span));
  } else if (kind === 'intent') {
    const known = new Set(intentFiles(w));
    const dir = join(w.stateDir, 'intents');
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearInterval(poll);
        watcher?.close();
        resolve();
      };
      const check = (): void => {
        if (Date.now() > deadline || intentFiles(w).some((f) => !known.has(f))) done();
      };
      const watcher = existsSync(dir) ? watch(dir, check) : null;
      const poll = setInterval(check, 20);
    });
  } else {
    const tracked = d.stderr.split('"msg":"reinstall task tracked"').length;
    while (Date.now() < deadline && d.stderr.split('"msg":"reinstall task tracked"').length === tracked)
      await sleep(10);
    await sleep(Math.floor(random() * 800));
  }
  return Date.now() - spawned;
}

function intentFiles(w: World): string[] {
  try {
    return readdirSync(join(w.stateDir, 'intents')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

/** ` open:N` when the journal holds intents that were not answered when the process died. */
async function openIntents(w: World): Promise<string> {
  let open = 0;
  for (const f of intentFiles(w)) {
    const entry = JSON.parse(await readFile(join(w.stateDir, 'intents', f), 'utf8')) as { state: string };
    if (entry.state === 'intended' || entry.state === 'ambiguous') open++;
  }
  return open > 0 ? ` open:${open}` : '';
}

function acceptedPostRecords(w: World): SimRequestRecord[] {
  return w.sim.control
    .requests()
    .filter((r) => r.method === 'POST' && /\/reinstall$/.test(r.path) && r.status >= 200 && r.status < 300);
}

function acceptedPosts(w: World): number {
  return acceptedPostRecords(w).length;
}

async function killRollout(o: KillRollout): Promise<void> {
  world = await World.create({ count: SERVERS });
  expect(world.managed).toHaveLength(SERVERS);
  world.write(
    'fleet.yaml',
    [
      'apiVersion: ovh-fleet/v1',
      'kind: Fleet',
      'rollout:',
      '  maxConcurrent: 5',
      '  maxPerHour: 1000',
      '  maxFailures: 100',
      '  maxFleetFraction: 1',
      'api:',
      '  requestsPerMinute: 100000',
      '',
    ].join('\n'),
  );
  world.commit('fleet policy for a fast rollout');
  const schedule = o.schedule;
  daemon = DaemonProcess.start(world, schedule);
  await world.until(
    () =>
      records(world!).size === SERVERS && [...records(world!).values()].every((r) => r?.phase === 'ready'),
    'the adoption of every server',
    30_000,
  );
  for (const m of world.managed) expect(world.posts(m.name)).toBe(0);
  world.pull();
  for (const m of world.managed) world.write(m.file, spec(m.name, m.other));
  const specCommit = world.commit(`move ${SERVERS} servers to another OS`);
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
  const random = seeded(seed);
  const kills: string[] = [];

  // On a loaded machine every planned kill may strike before the first POST (a slow start-up) or
  // after the last: then up to EXTRA_KILLS more, each after a tracked reinstall task, until one
  // lands while the rollout is under way, so that the test always proves what it claims.
  for (
    let kill = 0;
    kill < o.kills || (kill < o.kills + EXTRA_KILLS && !kills.some(midRollout) && !rolledOut(world));
    kill++
  ) {
    const kind = kill < o.kills ? MOMENTS[kill % MOMENTS.length]! : 'posted';
    const before = acceptedPosts(world);
    const at = await killMoment(kind, daemon, world, random, o);
    const exit = await daemon.kill('SIGKILL');
    kills.push(`${kind}@${at}ms:${before}->${acceptedPosts(world)}${await openIntents(world)}`);
    expect(exit.signal).toBe('SIGKILL');
    // The disk is lost. A git process of the killed daemon may still be writing there, so the
    // directory is renamed away at once (the new daemon starts empty) and removed as far as it can be;
    // what is left goes with the world's temporary root.
    if (o.loseStateDir) {
      const lost = `${world.stateDir}.lost-${kill}`;
      renameSync(world.stateDir, lost);
      try {
        rmSync(lost, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
      } catch {
        // still being written by the killed daemon's git
      }
    }
    daemon = DaemonProcess.start(world, schedule);
  }
  await world
    .until(() => rolledOut(world!), 'the rollout to end after the last restart', o.rolloutTimeoutMs)
    .catch((e: unknown) => {
      console.log(`CRASH_SEED=${seed} kills: ${kills.join(' ')}`);
      console.log(
        JSON.stringify(
          [...records(world!).values()].map((r) => [r?.serviceName, r?.phase, r?.reason, r?.lastError?.code]),
        ),
      );
      console.log(
        daemon!.stderr
          .split('\n')
          .filter((l) => /"level":(40|50)/.test(l))
          .slice(-30)
          .join('\n'),
      );
      throw e;
    });
  // SIGTERM once this run is up (the CLI handles signals from then on).
  await world.until(() => daemon!.cycles > 0, 'the first cycle of the last run', 20_000);
  const stopped = await daemon.kill('SIGTERM');

  const accepted = acceptedPostRecords(world);
  const keys = accepted.map((r) => `${r.path} ${JSON.stringify(r.body)}`);
  expect(new Set(keys).size).toBe(keys.length);
  const account = new Map(world.sim.control.account().map((s) => [s.server.name, s.server.os]));
  const final = records(world);
  for (const m of world.managed) {
    expect(accepted.filter((r) => r.path.endsWith(`/${m.name}/reinstall`))).toHaveLength(1);
    expect(account.get(m.name)).toBe(m.other);
    const tasks = await world.api.listTasks(m.name, { function: 'reinstallServer' });
    const record = final.get(m.name);
    expect(record).toMatchObject({
      phase: 'ready',
      reason: 'in-sync',
      task: null,
      lastApplied: { operatingSystem: m.other, result: 'done', specCommit, taskId: Math.max(...tasks) },
    });
  }
  expect(stopped).toEqual({ code: 0, signal: null });
  // Some kill landed while the rollout was under way (POSTs accepted before it, not all of them).
  expect(kills.filter(midRollout), kills.join(' ')).not.toEqual([]);
  console.log(`CRASH_SEED=${seed}: ${kills.join(' ')}; ${accepted.length} reinstall POSTs accepted`);
}
