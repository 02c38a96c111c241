/** Builders of planner inputs for the tests: small, explicit, with overridable defaults. */
import { canonicalizeSpec, digestOfCanonical } from '../../src/plan/digest.js';
import type { Observation, PlanInput } from '../../src/plan/types.js';
import { DEFAULT_POLICY, type FleetPolicy, type ServerSpec } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';

export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
export const CATALOG = ['debian12_64', 'ubuntu2404-server_64', 'rocky9_64', 'alma9_64'];

export function spec(name: string, over: Partial<ServerSpec> = {}): ServerSpec {
  return {
    file: `servers/${name}.yaml`,
    serviceName: name,
    labels: {},
    operatingSystem: 'debian12_64',
    customizations: { hostname: { kind: 'literal', value: `${name}.example.com` } },
    storage: undefined,
    reinstall: { generation: 1, protect: false },
    positions: {},
    ...over,
  };
}

export function observed(over: Partial<Observation> = {}): Observation {
  return {
    presence: 'present',
    os: 'debian12_64',
    state: 'ok',
    runningTask: null,
    diskGroups: [
      {
        diskGroupId: 1,
        numberOfDisks: 2,
        diskSize: { unit: 'GB', value: 480 },
        diskType: 'SSD',
        description: '2 X Disk SSD 480 GB, JBOD',
        raidController: null,
        defaultHardwareRaidSize: null,
        defaultHardwareRaidType: null,
      },
    ],
    ...over,
  };
}

/** A record saying `applied` was applied (done) and nothing else happened. */
export function record(
  name: string,
  applied: ServerSpec | null,
  over: Partial<StatusRecord> = {},
): StatusRecord {
  const canonical = applied ? canonicalizeSpec(applied) : null;
  return {
    serviceName: name,
    phase: 'ready',
    reason: 'in-sync',
    message: '',
    since: '2026-11-01T00:00:00.000Z',
    spec: { file: `servers/${name}.yaml`, commit: 'c0ffee' },
    desiredDigest: canonical ? digestOfCanonical(canonical) : null,
    observedOs: canonical?.operatingSystem ?? null,
    task: null,
    lastApplied: canonical
      ? {
          digest: digestOfCanonical(canonical),
          operatingSystem: canonical.operatingSystem,
          planHash: 'sha256:' + '0'.repeat(64),
          specCommit: 'c0ffee',
          taskId: 41,
          startedAt: '2026-11-01T00:00:00.000Z',
          finishedAt: '2026-11-01T00:20:00.000Z',
          result: 'done',
          spec: canonical,
        }
      : null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
    ...over,
  };
}

/**
 * A record of a server reinstalled at `applied`'s digest whose verification then ended with
 * `result` (phase `unhealthy` for unhealthy, `verifying` otherwise but for healthy: `ready`).
 */
export function verifiedRecord(
  name: string,
  applied: ServerSpec,
  result: 'running' | 'healthy' | 'unhealthy' | 'inconclusive',
  over: Partial<StatusRecord> = {},
): StatusRecord {
  const digest = digestOfCanonical(canonicalizeSpec(applied));
  const phase = result === 'unhealthy' ? 'unhealthy' : result === 'healthy' ? 'ready' : 'verifying';
  return record(name, applied, {
    phase,
    lastAttempt: {
      digest,
      result: 'done',
      startedAt: '2026-11-27T10:00:00.000Z',
      finishedAt: '2026-11-27T10:20:00.000Z',
      taskId: 77,
      message: null,
    },
    verification: {
      digest,
      result,
      startedAt: '2026-11-27T10:20:00.000Z',
      finishedAt: result === 'running' ? null : '2026-11-27T10:40:00.000Z',
      message: null,
    },
    ...over,
  });
}

export function policy(
  over: Partial<FleetPolicy['rollout']> = {},
  rest: Partial<FleetPolicy> = {},
): FleetPolicy {
  return {
    ...DEFAULT_POLICY,
    rollout: { ...DEFAULT_POLICY.rollout, maxFleetFraction: 1, maxConcurrent: 100, maxPerHour: 100, ...over },
    ...rest,
  };
}

export function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    specs: [],
    invalid: [],
    policy: policy(),
    observed: new Map(),
    applied: new Map(),
    catalog: CATALOG,
    now: NOW,
    revision: 'abc123',
    diagnostics: [],
    ...over,
  };
}

/** A deterministic pseudo-random generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random but valid fleet of `n` servers. */
export function generateFleet(seed: number, n: number): PlanInput {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const specs: ServerSpec[] = [];
  const observedMap = new Map<string, Observation>();
  const applied = new Map<string, StatusRecord>();
  for (let i = 0; i < n; i++) {
    const name = `ns${String(100000 + i)}.ip-1-2-3.eu`;
    const s = spec(name, {
      operatingSystem: pick(CATALOG),
      labels: { rack: `r${Math.floor(rnd() * 5)}` },
      reinstall: { generation: 1 + Math.floor(rnd() * 3), protect: rnd() < 0.05 },
    });
    specs.push(s);
    const roll = rnd();
    const appliedSpec = roll < 0.5 ? s : roll < 0.8 ? { ...s, operatingSystem: pick(CATALOG) } : null;
    const os = rnd() < 0.9 ? (appliedSpec?.operatingSystem ?? pick(CATALOG)) : pick(['', 'custom-image']);
    const task =
      rnd() < 0.05 ? { taskId: i, status: 'doing' as const, startDate: '2026-11-27T11:00:00Z' } : null;
    observedMap.set(name, observed({ os, runningTask: task }));
    if (appliedSpec) {
      const failed = rnd() < 0.05;
      applied.set(
        name,
        record(name, appliedSpec, {
          attempts: rnd() < 0.1 ? [new Date(NOW - Math.floor(rnd() * 3_600_000)).toISOString()] : [],
          lastAttempt: failed
            ? {
                digest: 'sha256:' + 'f'.repeat(64),
                result: 'failed',
                startedAt: '2026-11-27T10:00:00.000Z',
                finishedAt: null,
                taskId: 9,
                message: 'boom',
              }
            : null,
        }),
      );
    }
  }
  return input({
    specs,
    observed: observedMap,
    applied,
    policy: policy({
      maxConcurrent: 1 + Math.floor(rnd() * 5),
      maxPerHour: 1 + Math.floor(rnd() * 10),
      maxConcurrentPerLabel: { rack: 2 },
      maxFleetFraction: 1,
    }),
  });
}
