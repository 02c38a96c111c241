/** Builders of specs, plans and executor deps for the apply tests. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyDeps } from '../../src/apply/apply-types.js';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import type { Clock } from '../../src/core/clock.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { Plan, PlanServer, PlanAction, PlanReason } from '../../src/plan/types.js';
import { DEFAULT_POLICY, type FleetPolicy, type ServerSpec } from '../../src/specs/types.js';

export function makeSpec(
  serviceName: string,
  operatingSystem = 'debian12_64',
  extra: Partial<ServerSpec> = {},
): ServerSpec {
  return {
    file: `servers/${serviceName}.yaml`,
    serviceName,
    labels: {},
    operatingSystem,
    customizations: { hostname: { kind: 'literal', value: `${serviceName.split('.')[0]}.example.com` } },
    storage: undefined,
    reinstall: { generation: 1, protect: false },
    positions: {},
    ...extra,
  };
}

export function digestOf(serviceName: string, generation = 1): string {
  const hex = Buffer.from(`${serviceName}:${generation}`).toString('hex').padEnd(64, '0').slice(0, 64);
  return `sha256:${hex}`;
}

export function entry(
  serviceName: string,
  action: PlanAction = 'reinstall',
  reason: PlanReason = 'spec-changed',
  extra: Partial<PlanServer> = {},
): PlanServer {
  return {
    serviceName,
    file: `servers/${serviceName}.yaml`,
    action,
    reason,
    message: reason,
    digest: digestOf(serviceName),
    from: { operatingSystem: 'debian11_64' },
    to: { operatingSystem: 'debian12_64' },
    changes: [],
    erases: [],
    notBefore: null,
    batch: action === 'reinstall' ? 1 : action === 'deferred' ? 2 : null,
    labels: {},
    ...extra,
  };
}

export function planOf(servers: PlanServer[], planHash = 'sha256:plan'): Plan {
  const summary = { reinstall: 0, adopt: 0, follow: 0, none: 0, deferred: 0, invalid: 0 };
  for (const s of servers) summary[s.action]++;
  return {
    formatVersion: 1,
    planHash,
    revision: 'abc123',
    generatedAt: new Date(0).toISOString(),
    summary,
    servers,
    diagnostics: [],
  };
}

export function policyWith(
  rollout: Partial<FleetPolicy['rollout']> = {},
  extra: Partial<FleetPolicy> = {},
): FleetPolicy {
  return {
    ...DEFAULT_POLICY,
    rollout: { ...DEFAULT_POLICY.rollout, maxConcurrent: 10, maxPerHour: 100, ...rollout },
    api: { requestsPerMinute: 6000, steadyStateShare: 0.5 },
    ...extra,
  };
}

export async function tempStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ovh-fleet-apply-'));
}

export async function makeDeps(
  api: OvhApi,
  clock: Clock,
  specs: ServerSpec[],
  extra: Partial<ApplyDeps> = {},
  stateDir?: string,
): Promise<ApplyDeps> {
  const dir = stateDir ?? (await tempStateDir());
  return {
    api,
    clock,
    journal: new IntentJournal(dir, clock),
    specs: new Map(specs.map((s) => [s.serviceName, s])),
    env: {},
    policy: policyWith(),
    ...extra,
  };
}

/** Follower timings in virtual milliseconds that keep the tests short. */
export const FAST_FOLLOW = {
  slowIntervalMs: 5_000,
  intervalMs: 3_000,
  minIntervalMs: 1_000,
  stuckAfterMs: 60_000,
  timeoutMs: 2 * 3_600_000,
};
export const FAST_POST = { ambiguityDelayMs: 1_000 };
