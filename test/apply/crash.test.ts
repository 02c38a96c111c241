/**
 * The crash test: a real child process applies a plan against the simulator and is SIGKILLed at
 * random moments (before the POST, right after it, while following), then restarted on the same
 * state directory, over at least 50 kills. The simulator's request log must show no (server,
 * round) reinstall accepted twice, and the journal must end with every task recorded finished.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import { systemClock } from '../../src/core/clock.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { tempStateDir } from './helpers.js';

const CHILD = new URL('./crash-child.mjs', import.meta.url).pathname;
const ROUNDS = 10;
const KILLS_PER_ROUND = 5;
const SERVERS = 4;

let sim: RunningSimulator;

beforeAll(async () => {
  // The child runs the BUILT code in dist/: `npm test` builds it first (pretest), as .ci/run does.
  sim = await startSimulator({ servers: 12, seed: 7, speed: 1200 });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

/** A seeded PRNG (mulberry32) so a failing run can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runChild(
  config: object,
  killAfterMs: number | null,
): Promise<{ done: boolean; killed: boolean; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, CRASH_CHILD_CONFIG: JSON.stringify(config) },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ done: stdout.includes('APPLY-DONE'), killed: signal === 'SIGKILL', stdout });
    });
  });
}

describe('crash safety of the executor', () => {
  it(`never posts a (server, digest) twice over ${ROUNDS * KILLS_PER_ROUND} SIGKILLs, and records every task`, async () => {
    const random = prng(42);
    const stateDir = await tempStateDir();
    const account = sim.control.account();
    const eligible = account.filter(
      (s) =>
        s.server.os !== '' &&
        s.compatibleTemplates.ovh.filter((t) => /^(debian12|ubuntu2404|alma9|rocky9)/.test(t)).length >= 2,
    );
    const chosen = eligible.slice(0, SERVERS);
    expect(chosen).toHaveLength(SERVERS);
    let kills = 0;
    // Kill moments are drawn below maxDelay; a run that ends before its kill shrinks the range, so
    // the test reaches its count of kills on a slow or a fast machine alike.
    let maxDelay = 1650;
    for (let round = 1; round <= ROUNDS; round++) {
      const servers = chosen.map((s) => {
        const oses = s.compatibleTemplates.ovh.filter((t) => /^(debian12|ubuntu2404|alma9|rocky9)/.test(t));
        return { serviceName: s.server.name, os: oses[round % 2] as string };
      });
      const config = { url: sim.url, certPath: sim.certPath, ...sim.credentials, stateDir, round, servers };
      for (let k = 0, tries = 0; k < KILLS_PER_ROUND && tries < 40; tries++) {
        const result = await runChild(config, Math.floor(100 + random() * (maxDelay - 100)));
        if (result.done) maxDelay = Math.max(300, Math.floor(maxDelay * 0.7));
        else if (result.killed) {
          k++;
          kills++;
        }
      }
      // A run right after a kill may find an intent not settled yet (APPLY-UNSETTLED): run again.
      let final = await runChild(config, null);
      for (let i = 0; !final.done && i < 20; i++) final = await runChild(config, null);
      expect(final.done, final.stdout).toBe(true);
    }

    const posts = sim.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path.endsWith('/reinstall') && r.status === 200);
    const pairs = posts.map((r) => `${r.path} ${JSON.stringify(r.body)}`);
    const { entries, problems } = await new IntentJournal(stateDir, systemClock).read();

    expect(kills).toBeGreaterThanOrEqual(ROUNDS * KILLS_PER_ROUND);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(posts.length).toBe(ROUNDS * SERVERS);
    expect(problems).toEqual([]);
    expect(entries.filter((e) => ['intended', 'posted', 'ambiguous'].includes(e.state))).toEqual([]);
    const finished = entries.filter((e) => e.state === 'finished');
    expect(new Set(finished.map((e) => `${e.serviceName}#${e.taskId}`)).size).toBe(ROUNDS * SERVERS);
    expect(finished.every((e) => e.outcome?.result === 'done')).toBe(true);
  }, 600_000);
});
