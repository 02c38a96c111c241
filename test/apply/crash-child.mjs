// The crash test's child: applies one plan against the simulator with a state directory, on
// the BUILT code (dist/). The parent SIGKILLs it at random moments and starts it again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { applyPlan } from '../../dist/apply/apply-plan.js';
import { IntentJournal } from '../../dist/apply/intent-journal.js';
import { parseEndpoint } from '../../dist/config/endpoints.js';
import { systemClock } from '../../dist/core/clock.js';
import { createOvhApi } from '../../dist/ovh/create-ovh-api.js';
import { DEFAULT_POLICY } from '../../dist/specs/types.js';

const config = JSON.parse(process.env.CRASH_CHILD_CONFIG ?? '{}');
const api = createOvhApi(
  {
    endpoint: parseEndpoint(config.url),
    auth: {
      kind: 'application',
      applicationKey: config.appKey,
      applicationSecret: config.appSecret,
      consumerKey: config.consumerKey,
    },
    caFile: config.certPath,
    caPem: readFileSync(config.certPath, 'utf8'),
    budgetKey: 'crash-child',
  },
  { requestsPerMinute: 100_000 },
);
const hostname = `round${config.round}.example.com`;
const specs = config.servers.map(({ serviceName, os }) => ({
  file: `servers/${serviceName}.yaml`,
  serviceName,
  labels: {},
  operatingSystem: os,
  customizations: { hostname: { kind: 'literal', value: hostname } },
  storage: undefined,
  reinstall: { generation: config.round, protect: false },
  positions: {},
}));
const servers = specs.map((spec) => ({
  serviceName: spec.serviceName,
  file: spec.file,
  action: 'reinstall',
  reason: 'spec-changed',
  message: '',
  digest: `sha256:${createHash('sha256').update(`${spec.serviceName}/${config.round}`).digest('hex')}`,
  from: null,
  to: { operatingSystem: spec.operatingSystem },
  changes: [],
  erases: [],
  notBefore: null,
  batch: 1,
  labels: {},
}));
const summary = { reinstall: servers.length, adopt: 0, follow: 0, none: 0, deferred: 0, invalid: 0 };
const plan = {
  formatVersion: 1,
  planHash: `sha256:round${config.round}`,
  revision: 'r',
  generatedAt: '',
  summary,
  servers,
  diagnostics: [],
};
const report = await applyPlan(
  plan,
  {
    api,
    clock: systemClock,
    journal: new IntentJournal(config.stateDir, systemClock),
    specs: new Map(specs.map((s) => [s.serviceName, s])),
    env: {},
    policy: {
      ...DEFAULT_POLICY,
      rollout: {
        ...DEFAULT_POLICY.rollout,
        maxConcurrent: 50,
        maxPerHour: 100_000,
        maxFailures: Number.MAX_SAFE_INTEGER,
      },
      api: { requestsPerMinute: 100_000 },
    },
  },
  {
    wait: true,
    follower: { slowIntervalMs: 100, intervalMs: 80, minIntervalMs: 40 },
    // The simulator's task list does not lag (no taskListLagMs) and the POST crosses loopback:
    // a lost answer is settled after a second (test/apply/duplicate-post.test.ts covers a lag).
    post: { ambiguityDelayMs: 100, settleMs: 0 },
  },
);
// An earlier intent not settled yet: nothing was posted for it; the parent runs us again.
if (report.outcomes.some((o) => o.code === 'reinstall-unconfirmed')) {
  process.stdout.write('APPLY-UNSETTLED\n');
  process.exit(0);
}
process.stdout.write(
  `APPLY-DONE ${JSON.stringify(report.outcomes.map((o) => [o.serviceName, o.result, o.code, o.taskId]))}\n`,
);
