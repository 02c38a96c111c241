/**
 * The made-up status of devices.test.ts (docs/dashboard.md, "Accessibility and devices"): a
 * running task with its steps and time left, a plan with a halt, cohorts, batches, erasures and
 * deferrals, cycles (one failed, one skipped), failed, unhealthy and waiting servers, labels,
 * long OVHcloud names; and the fixed answer of `/api/servers/<name>`.
 */
import type { CycleTimelineEntry } from '../../../src/daemon/cycle-timeline.js';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import type { DashboardPlanEntry } from '../../../src/daemon/ui/dashboard-plan.js';
import type { ServerDetail } from '../../../src/daemon/ui/server-detail.js';
import type { HistoryEntry } from '../../../src/git/git-repo.js';
import { renderHistory } from '../../../src/git/history.js';
import { record, spec } from '../../plan/helpers.js';

/** Real OVHcloud names are long: they are what overflows a phone's screen. */
export const RUNNING = 'ns5012345.ip-51-79-123.eu';
export const FAILED = 'ns5012346.ip-51-79-124.eu';
export const SICK = 'ns5012347.ip-51-79-125.eu';
export const WAITING = 'ns5012348.ip-51-79-126.eu';
export const READY = Array.from(
  { length: 30 },
  (_, i) => `ns50130${String(i).padStart(2, '0')}.ip-51-79-${i}.eu`,
);
const AT = '2026-12-03T10:00:00.000Z';
const ERASES = [
  {
    diskGroupId: 1,
    description: '2 X Disk SSD 480 GB, JBOD',
    numberOfDisks: 2,
    diskSize: { unit: 'GB', value: 480 },
  },
];

function cycle(i: number): CycleTimelineEntry {
  const startedAt = new Date(Date.parse(AT) + i * 300_000).toISOString();
  return {
    id: `c-${String(i).padStart(4, '0')}`,
    trigger: i % 3 === 0 ? 'webhook' : 'schedule',
    result: i === 4 ? 'error' : i === 5 ? 'skipped' : 'success',
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + (3 + (i % 4) * 20) * 1000).toISOString(),
    head: 'a'.repeat(40),
    planHash: null,
    statusCommit: null,
    block: null,
    error: i === 4 ? { code: 'api-unavailable', message: 'HTTP 503 from OVHcloud', next: 'retry' } : null,
    apiRequests: 6 + i,
    requestsPerMinute: 60,
  };
}

function entry(name: string, over: Partial<DashboardPlanEntry>): DashboardPlanEntry {
  return {
    serviceName: name,
    file: `servers/${name}.yaml`,
    action: 'reinstall',
    reason: 'spec-changed',
    message: 'the spec changed since the last reinstall (2 field(s))',
    batch: 1,
    from: { operatingSystem: 'debian12_64' },
    to: { operatingSystem: 'ubuntu2404-server_64' },
    erases: ERASES,
    notBefore: null,
    changes: [
      { path: '/customizations/postInstallationScript', from: null, to: '(sha256:1a2b3c4d5e6f7a8b)' },
      { path: '/operatingSystem', from: 'debian12_64', to: 'ubuntu2404-server_64' },
    ],
    cohort: 'ubuntu2404-server_64/advance-2/role=web',
    canary: false,
    waitsFor: [],
    ...over,
  };
}

const running: LiveRecord = {
  ...record(RUNNING, spec(RUNNING), { phase: 'reinstalling', reason: 'task-running' }),
  message: 'reinstall task running',
  task: {
    id: 561472500,
    status: 'doing',
    step: 9,
    steps: 21,
    currentStep: 'Installing the operating system on the logical volumes',
    elapsedSeconds: 400,
    startedAt: AT,
    etaSeconds: 300,
    expectedEndAt: '2026-12-03T10:12:00.000Z',
  },
};
export const servers: LiveRecord[] = [
  running,
  record(FAILED, spec(FAILED), {
    phase: 'failed',
    reason: 'install-failed',
    message: 'install/status reported an error at step 14 (Setting up logical volumes)',
  }),
  record(SICK, spec(SICK), {
    phase: 'unhealthy',
    reason: 'verification-failed',
    message: 'ssh to port 22 refused after the reinstall',
  }),
  record(WAITING, spec(WAITING), { phase: 'pending', reason: 'budget-exhausted', message: 'held back' }),
  ...READY.map((n) => record(n, spec(n))),
];
export const status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: cycle(11),
  lastGoodCycleAt: cycle(11).endedAt,
  tasksInFlight: 1,
  cycles: Array.from({ length: 12 }, (_, i) => cycle(i)),
  servers,
  declared: Object.fromEntries(
    servers.map((r, i) => [
      r.serviceName,
      {
        operatingSystem: 'ubuntu2404-server_64',
        labels: { role: ['web', 'db', 'cache'][i % 3]!, dc: i % 2 ? 'gra3' : 'rbx8', team: 'platform-ops' },
      },
    ]),
  ),
  plan: {
    planHash: `sha256:${'ab'.repeat(32)}`,
    revision: 'f00dfeed'.repeat(5),
    generatedAt: AT,
    summary: { reinstall: 2, adopt: 0, follow: 1, deferred: 6, invalid: 0, none: 28 },
    halts: [
      {
        scope: 'cohort',
        cohort: 'debian12_64/scale-1',
        reason: 'rollout-halted',
        message: 'cohort debian12_64/scale-1 halted: 1 unhealthy, limit 1',
        servers: [SICK],
        acknowledge: [`${SICK}@sha256:${'cd'.repeat(32)}`],
      },
    ],
    cohorts: [
      {
        cohort: 'debian12_64/scale-1',
        servers: 4,
        candidates: 0,
        canaries: [],
        waitsFor: [],
        state: 'halted',
      },
      {
        cohort: 'ubuntu2404-server_64/advance-2/role=web',
        servers: 8,
        candidates: 8,
        canaries: [READY[0]!],
        waitsFor: [],
        state: 'canaries',
      },
    ],
    entries: [
      entry(READY[0]!, { canary: true }),
      entry(READY[1]!, { erases: null }),
      ...READY.slice(2, 8).map((n, i) =>
        entry(n, {
          action: 'deferred',
          reason: 'budget-exhausted',
          message: 'the spec changed since the last reinstall (2 field(s)); held back: budget-exhausted',
          batch: 2 + Math.floor(i / 3),
          notBefore: '2026-12-03T12:10:00.000Z',
        }),
      ),
    ],
  },
};

/** The fixed answer of `/api/servers/<name>` for a server of the status. */
export function detail(name: string): ServerDetail {
  const commit = (hash: string, subject: string, minutes: number): HistoryEntry['commit'] => ({
    hash: hash.repeat(40 / hash.length),
    author: { name: 'Ann Operator', email: 'ann@example.com' },
    date: new Date(Date.parse(AT) - minutes * 60_000).toISOString().replace('.000Z', '+00:00'),
    subject,
  });
  const entries: HistoryEntry[] = [
    {
      kind: 'spec',
      commit: commit('1a2b', 'Add the web servers of rbx8', 9000),
      file: `servers/${name}.yaml`,
      osBefore: null,
      osAfter: 'debian12_64',
    },
    {
      kind: 'status',
      commit: commit('3c4d', 'ovh-fleet: reinstall 1 server', 7),
      tasks: ['561472500'],
      specCommits: ['5e6f'.repeat(10)],
      result: `${name}: reinstall started (ubuntu2404-server_64)`,
    },
  ];
  return {
    serviceName: name,
    revisions: { spec: 'a'.repeat(40), status: '3c4d'.repeat(10) },
    plan: { revision: 'a'.repeat(40), generatedAt: AT },
    planEntry: {
      serviceName: name,
      file: `servers/${name}.yaml`,
      action: 'follow',
      reason: 'task-in-progress',
      message: 'reinstall task 561472500 is running (step 9 of 21)',
      digest: `sha256:${'e'.repeat(64)}`,
      from: { operatingSystem: 'debian12_64' },
      to: { operatingSystem: 'ubuntu2404-server_64' },
      changes: [],
      erases: null,
      notBefore: null,
      batch: null,
      labels: { role: 'web' },
    },
    history: { entries, text: renderHistory(name, entries) },
  };
}
