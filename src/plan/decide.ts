/**
 * The per-server decision of DESIGN.md section 2, before the rollout policy: one action and one
 * reason per server, in the table's precedence. A server that wants a reinstall comes out as
 * action `reinstall`; make-plan.ts then lets the policy admit or defer it. Pure.
 */
import type { FleetPolicy, ServerSpec } from '../specs/types.js';
import type { StatusRecord } from '../records/types.js';
import { diffCanonical, osChange } from './changes.js';
import { verificationOf } from './cohorts.js';
import { canonicalizeSpec, specDigest } from './digest.js';
import type { Observation, PlanErasure, PlanServer } from './types.js';

/** What decideServer needs besides the spec. */
export interface DecideContext {
  observation: Observation;
  record: StatusRecord | undefined;
  policy: FleetPolicy;
  /** Catalog template names; undefined when the catalog was not observed. */
  catalog: ReadonlySet<string> | undefined;
}

/**
 * The generation from which a spec asks for its first install when OVHcloud's `os` is unclear
 * (no applied record): above the default (0) and above the 1 that `ovh-fleet import` and the
 * examples write, so only a reviewed bump asks for it.
 */
export const FIRST_INSTALL_GENERATION = 2;

/** Whether the API's `os` is a clear answer: non-empty and (when the catalog is known) a catalog name. */
export function isKnownOs(os: string | undefined, catalog: ReadonlySet<string> | undefined): os is string {
  if (os === undefined || os.trim() === '') return false;
  return catalog === undefined || catalog.has(os);
}

/** The disk groups a reinstall erases, or null when the hardware was not observed. */
export function erasuresOf(observation: Observation | undefined): PlanErasure[] | null {
  if (!observation?.diskGroups) return null;
  return [...observation.diskGroups]
    .sort((a, b) => a.diskGroupId - b.diskGroupId)
    .map((g) => ({
      diskGroupId: g.diskGroupId,
      description: g.description,
      numberOfDisks: g.numberOfDisks,
      diskSize: { unit: g.diskSize.unit, value: g.diskSize.value },
    }));
}

/** Decides one valid spec (not the invalid or unmanaged cases: make-plan.ts handles those). */
export function decideServer(spec: ServerSpec, ctx: DecideContext): PlanServer {
  const digest = specDigest(spec);
  const { observation, record } = ctx;
  const os = observation.os;
  const base: PlanServer = {
    serviceName: spec.serviceName,
    file: spec.file,
    action: 'none',
    reason: 'in-sync',
    message: '',
    digest,
    from: { operatingSystem: os === undefined || os === '' ? null : os },
    to: { operatingSystem: spec.operatingSystem },
    changes: [],
    erases: [],
    notBefore: null,
    batch: null,
    labels: { ...spec.labels },
  };
  const entry = (over: Partial<PlanServer>): PlanServer => ({ ...base, ...over });

  if (observation.presence === 'absent') {
    return entry({
      action: 'invalid',
      reason: 'unknown-server',
      message: `${spec.serviceName} is not a server of this OVHcloud account`,
    });
  }
  if (spec.reinstall.protect) {
    return entry({ reason: 'protected', message: 'reinstall.protect is true: never reinstalled' });
  }
  if (observation.runningTask) {
    const t = observation.runningTask;
    return entry({
      action: 'follow',
      reason: 'task-in-progress',
      message: `reinstall task ${t.taskId} is ${t.status}; following it`,
    });
  }
  const attempt = record?.lastAttempt;
  if (attempt?.result === 'failed' && attempt.digest === digest) {
    return entry({
      reason: 'last-attempt-failed',
      message: `the reinstall at this digest failed${attempt.message ? `: ${attempt.message}` : ''}; change the spec or bump reinstall.generation to retry`,
    });
  }
  // The verification of the reinstall at this digest: unhealthy is a failed attempt; running or
  // inconclusive is a reinstall that happened (never posted again while it is judged).
  const verification = verificationOf(record);
  if (verification && verification.digest === digest && verification.result !== 'healthy') {
    if (verification.result === 'unhealthy') {
      return entry({
        reason: 'last-attempt-failed',
        message:
          'the server was found unhealthy after the reinstall at this digest; change the spec or bump reinstall.generation to retry',
      });
    }
    return entry({
      message:
        verification.result === 'running'
          ? 'reinstalled at this digest; its verification runs'
          : 'reinstalled at this digest; its verification was inconclusive',
    });
  }
  // Only an answer of a server observed now is clear; anything else is never taken as evidence.
  const known = observation.presence === 'present' && isKnownOs(os, ctx.catalog);
  const applied = record?.lastApplied ?? null;
  const reinstall = (
    reason: 'spec-changed' | 'drift',
    message: string,
    changes: PlanServer['changes'],
  ): PlanServer => entry({ action: 'reinstall', reason, message, changes, erases: erasuresOf(observation) });

  if (applied === null) {
    if (!known) {
      if (!asksFirstInstall(spec, observation))
        return entry({ reason: 'os-unknown', message: `${unknownOsMessage(os)}; ${FIRST_INSTALL_HINT}` });
      return reinstall(
        'spec-changed',
        `OVHcloud reports no clear OS and reinstall.generation is ${spec.reinstall.generation}: the first install is asked for`,
        osChange(base.from?.operatingSystem ?? null, spec.operatingSystem),
      );
    }
    if (os === spec.operatingSystem) {
      return entry({
        action: 'adopt',
        reason: 'adopted',
        message: `already runs ${os}: recorded as applied, no reinstall`,
      });
    }
    return reinstall(
      'spec-changed',
      `runs ${os}, the spec declares ${spec.operatingSystem}`,
      osChange(os, spec.operatingSystem),
    );
  }
  if (digest !== applied.digest) {
    const changes = diffCanonical(applied.spec, canonicalizeSpec(spec));
    return reinstall(
      'spec-changed',
      `the spec changed since the last reinstall (${changes.length} field(s))`,
      changes,
    );
  }
  if (!known) return entry({ reason: 'os-unknown', message: unknownOsMessage(os) });
  if (os !== spec.operatingSystem) {
    const message = `OVHcloud shows ${os}, the applied spec declares ${spec.operatingSystem}`;
    if (ctx.policy.drift === 'reinstall')
      return reinstall('drift', `${message}; drift: reinstall`, osChange(os, spec.operatingSystem));
    return entry({ reason: 'drift', message: `${message}; drift: report` });
  }
  return entry({ message: `runs the applied spec (${spec.operatingSystem})` });
}

const FIRST_INSTALL_HINT = `set reinstall.generation to ${FIRST_INSTALL_GENERATION} or more to ask for the first install`;

/**
 * The explicit, reviewed request for a first install over an unclear OS: the server was observed
 * (its `os` answered, empty or not a catalog name) and the spec's generation was bumped to
 * FIRST_INSTALL_GENERATION or more. Not observed (offline, a failed call) is never a request.
 */
function asksFirstInstall(spec: ServerSpec, observation: Observation): boolean {
  return (
    observation.presence === 'present' &&
    observation.os !== undefined &&
    spec.reinstall.generation >= FIRST_INSTALL_GENERATION
  );
}

function unknownOsMessage(os: string | undefined): string {
  if (os === undefined) return 'the installed OS was not observed; not taken as a difference';
  if (os.trim() === '') return 'OVHcloud reports no OS; not taken as a difference';
  return `OVHcloud reports "${os}", not a catalog template; not taken as a difference`;
}
