/**
 * The plan's halts reach /metrics and the log (src/daemon/halt-notes.ts): the gauge
 * `ovh_fleet_rollout_halted` has one series per halt or pause of the last plan and loses a lifted
 * one; the log says a halt once when it starts (cohort, servers, limit, how to lift it), again only
 * when the servers it counts change, once when it is lifted, and nothing while it merely lasts.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { HaltNotes } from '../../src/daemon/halt-notes.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import type { PlanHalt } from '../../src/plan/types.js';

type Line = {
  level: string;
  msg: string;
  code?: string;
  cohort?: string | null;
  servers?: string[];
  lift?: string;
};

function capture(): { log: ReturnType<typeof createLogger>; lines: () => Line[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    log: createLogger({ level: 'info' }, stream),
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line),
  };
}

const COHORT = 'debian12_64/advance';
const D = 'sha256:' + 'a'.repeat(64);

function cohortHalt(servers: string[]): PlanHalt {
  return {
    scope: 'cohort',
    cohort: COHORT,
    reason: 'rollout-halted',
    message: `cohort ${COHORT} halted: ${servers.length} unhealthy server(s) (limit 1); no new reinstall starts in it`,
    servers,
    acknowledge: servers.map((s) => `${s}@${D}`),
  };
}

const fleetHalt: PlanHalt = {
  scope: 'fleet',
  cohort: null,
  reason: 'rollout-halted',
  message:
    'rollout halted fleet-wide: 2 unhealthy server(s) (limit 2), 0 failed reinstall(s) (maxFailures 2); no new reinstall starts',
  servers: ['ns1', 'ns2'],
  acknowledge: [`ns1@${D}`, `ns2@${D}`],
};

const pause: PlanHalt = {
  scope: 'cohort',
  cohort: 'alma9_64/rise',
  reason: 'canary-pending',
  message: 'cohort alma9_64/rise paused: the verification of ns9 was inconclusive; an operator decides',
  servers: ['ns9'],
  acknowledge: [`ns9@${D}`],
};

async function gauge(notes: HaltNotes): Promise<string[]> {
  const metrics = createDaemonMetrics(() => null, { halts: () => notes.current });
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((l) => l.startsWith('ovh_fleet_rollout_halted{'));
}

describe('HaltNotes', () => {
  it('warns once when a halt starts, says nothing while it lasts, and once when it lifts', () => {
    const { log, lines } = capture();
    const notes = new HaltNotes();
    notes.note([], log);
    notes.note([cohortHalt(['ns1'])], log);
    notes.note([cohortHalt(['ns1'])], log);
    notes.note([cohortHalt(['ns1'])], log);
    notes.note([], log);
    notes.note([], log);

    const said = lines();
    expect(said.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        `cohort rollout halt started: cohort ${COHORT} halted: 1 unhealthy server(s) (limit 1); no new reinstall starts in it`,
      ],
      ['info', `cohort rollout halt lifted (cohort ${COHORT}): reinstalls may start again`],
    ]);
    const [started] = said;
    expect(started).toMatchObject({ code: 'rollout-halted', cohort: COHORT, servers: ['ns1'] });
    expect(started!.lift).toContain('acknowledge.verification');
    expect(started!.lift).toContain(`ns1@${D}`);
    expect(started!.lift).toContain('commit a fixed spec for ns1');
  });

  it('warns again when the servers a halt counts change; each scope and reason on its own', () => {
    const { log, lines } = capture();
    const notes = new HaltNotes();
    notes.note([cohortHalt(['ns1'])], log);
    notes.note([fleetHalt, cohortHalt(['ns1', 'ns2']), pause], log);
    notes.note([fleetHalt, cohortHalt(['ns1', 'ns2']), pause], log);
    notes.note([cohortHalt(['ns1', 'ns2'])], log);

    expect(lines().map((l) => [l.level, l.msg.split(':')[0]])).toEqual([
      ['warn', 'cohort rollout halt started'],
      ['warn', 'fleet-wide rollout halt started'],
      ['warn', 'cohort rollout halt changed'],
      ['warn', 'cohort pause started'],
      ['info', 'fleet-wide rollout halt lifted'],
      ['info', 'cohort pause lifted (cohort alma9_64/rise)'],
    ]);
  });

  it('shows 1 per current halt or pause on /metrics, and drops a lifted one', async () => {
    const { log } = capture();
    const notes = new HaltNotes();
    expect(await gauge(notes)).toEqual([]);
    notes.note([fleetHalt, cohortHalt(['ns1']), pause], log);
    expect(await gauge(notes)).toEqual([
      'ovh_fleet_rollout_halted{scope="fleet",cohort="",reason="rollout-halted"} 1',
      `ovh_fleet_rollout_halted{scope="cohort",cohort="${COHORT}",reason="rollout-halted"} 1`,
      'ovh_fleet_rollout_halted{scope="cohort",cohort="alma9_64/rise",reason="canary-pending"} 1',
    ]);
    notes.note([cohortHalt(['ns1'])], log);
    expect(await gauge(notes)).toEqual([
      `ovh_fleet_rollout_halted{scope="cohort",cohort="${COHORT}",reason="rollout-halted"} 1`,
    ]);
    notes.note([], log);
    expect(await gauge(notes)).toEqual([]);
  });
});
