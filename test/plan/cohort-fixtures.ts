/**
 * Builders for the cohort tests (canaries, halts): servers in a chosen state of their cohort's
 * rollout, as specs, observations and status records the planner reads.
 */
import { recordAttempt } from '../../src/apply/resolve-shared-intents.js';
import { canonicalizeSpec, digestOfCanonical } from '../../src/plan/digest.js';
import type { Observation, PlanInput } from '../../src/plan/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import type { FleetPolicy, ServerSpec } from '../../src/specs/types.js';
import { input, observed, policy, record, spec, verifiedRecord } from './helpers.js';

/** Where a built server stands. */
export type ServerKind =
  | 'candidate' // its spec changed since the last reinstall
  | 'in-sync' // runs its applied spec
  | 'canary-ready' // in sync, and its record marks it as its cohort's canary
  | 'canary-running' // its record marks it as a canary; its reinstall task runs
  | 'canary-task-ended' // marked canary whose task ended done; no status commit says verifying or ready yet
  | 'running' // a reinstall task runs (no mark)
  | 'verifying' // reinstalled at its digest; health checks run
  | 'unhealthy' // found unhealthy at its digest
  | 'inconclusive' // verification at its digest could not tell
  | 'failed'; // its reinstall at this digest failed

/** One server to build. */
export interface ServerPlan {
  name: string;
  kind: ServerKind;
  /** Declared template. Default debian12_64. */
  os?: string;
  /** commercialRange. Default `advance`. */
  range?: string;
  labels?: Record<string, string>;
}

/** The digest of a spec. */
export function digestOf(s: ServerSpec): string {
  return digestOfCanonical(canonicalizeSpec(s));
}

/** The cohort key of a built server (no cohortLabel). */
export function cohortKey(os = 'debian12_64', range = 'advance'): string {
  return `${os}/${range}`;
}

const RUNNING = { taskId: 5, status: 'doing' as const, startDate: '2026-11-27T11:30:00.000Z' };

/** Spec, observation and record of one server. */
export function buildServer(
  p: ServerPlan,
  /** fleet.yaml `rollout.cohortLabel`: a canary mark names the cohort the planner would. */
  cohortLabel?: string,
): {
  spec: ServerSpec;
  observation: Observation;
  record: StatusRecord;
} {
  const os = p.os ?? 'debian12_64';
  const range = p.range ?? 'advance';
  const s = spec(p.name, { operatingSystem: os, labels: p.labels ?? {} });
  const cohort = cohortLabel
    ? `${cohortKey(os, range)}/${cohortLabel}=${p.labels?.[cohortLabel] ?? ''}`
    : cohortKey(os, range);
  const o = (over: Partial<Observation> = {}): Observation =>
    observed({ os, commercialRange: range, ...over });
  const digest = digestOf(s);
  const attempt = (result: 'running' | 'failed') => ({
    digest,
    result,
    startedAt: '2026-11-27T11:30:00.000Z',
    finishedAt: result === 'failed' ? '2026-11-27T11:50:00.000Z' : null,
    taskId: 5,
    message: result === 'failed' ? 'the install failed' : null,
  });
  const mark = { rollout: { cohort, canary: true } };
  switch (p.kind) {
    case 'candidate': {
      const old = { ...s, reinstall: { generation: 0, protect: false } };
      return { spec: s, observation: o(), record: record(p.name, old) };
    }
    case 'in-sync':
      return { spec: s, observation: o(), record: record(p.name, s) };
    case 'canary-ready':
      return { spec: s, observation: o(), record: record(p.name, s, mark) };
    case 'canary-running':
    case 'running': {
      const old = { ...s, reinstall: { generation: 0, protect: false } };
      const over = {
        phase: 'reinstalling' as const,
        lastAttempt: attempt('running'),
        ...(p.kind === 'canary-running' ? mark : {}),
      };
      return { spec: s, observation: o({ runningTask: RUNNING }), record: record(p.name, old, over) };
    }
    case 'canary-task-ended': {
      // As the plan step's reading of the shared record of intent leaves it (recordAttempt).
      const old = { ...s, reinstall: { generation: 0, protect: false } };
      const running = record(p.name, old, {
        phase: 'reinstalling',
        lastAttempt: attempt('running'),
        ...mark,
      });
      const intent = {
        formatVersion: 1 as const,
        serviceName: p.name,
        attemptId: `attempt-${p.name}`,
        writer: 'daemon@host#1-abc',
        digest,
        operatingSystem: os,
        planHash: `sha256:${'1'.repeat(64)}`,
        revision: '2'.repeat(40),
        recordedAt: '2026-11-27T11:29:59.000Z',
        spec: canonicalizeSpec(s),
      };
      const ended = { ...RUNNING, function: 'reinstallServer', status: 'done' as const, comment: null };
      const doneAt = '2026-11-27T11:40:00.000Z';
      const task = { ...ended, doneDate: doneAt, lastUpdate: doneAt };
      return {
        spec: s,
        observation: o(),
        record: recordAttempt(running, intent, task, os, Date.parse(doneAt)),
      };
    }
    case 'verifying':
      return { spec: s, observation: o(), record: verifiedRecord(p.name, s, 'running') };
    case 'unhealthy':
      return { spec: s, observation: o(), record: verifiedRecord(p.name, s, 'unhealthy') };
    case 'inconclusive':
      return { spec: s, observation: o(), record: verifiedRecord(p.name, s, 'inconclusive') };
    case 'failed': {
      const old = { ...s, reinstall: { generation: 0, protect: false } };
      return {
        spec: s,
        observation: o(),
        record: record(p.name, old, { phase: 'failed', lastAttempt: attempt('failed') }),
      };
    }
  }
}

/** A plan input of these servers under `rollout` (over a permissive default policy). */
export function fleetOf(
  servers: readonly ServerPlan[],
  rollout: Partial<FleetPolicy['rollout']> = {},
  rest: Partial<FleetPolicy> = {},
): PlanInput {
  const built = servers.map((s) => buildServer(s, rollout.cohortLabel ?? undefined));
  return input({
    specs: built.map((b) => b.spec),
    observed: new Map(built.map((b) => [b.spec.serviceName, b.observation])),
    applied: new Map(built.map((b) => [b.spec.serviceName, b.record])),
    policy: policy({ maxFailures: 100, ...rollout }, rest),
  });
}

/** `count` servers named `<prefix>01`… of one kind. */
export function many(
  prefix: string,
  count: number,
  kind: ServerKind,
  over: Partial<ServerPlan> = {},
): ServerPlan[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${String(i + 1).padStart(2, '0')}`,
    kind,
    ...over,
  }));
}
