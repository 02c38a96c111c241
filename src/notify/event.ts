/**
 * The notification event (docs/notifications.md, "Event format"): Flux notification-controller's
 * fields (`involvedObject`, `severity`, `reason`, `message`, `metadata.revision`) plus ovh-fleet's
 * own (`serviceName`, `phase`, `taskId`, `planHash`, `specCommit`, `timestamp`,
 * `idempotencyKey`). Built only from fields that cannot hold a secret: names checked as service
 * names, phases, reason codes checked against a code pattern, commits and hashes checked as hex,
 * task ids as numbers. Never a record's free-text `message` or an error's text, which repeat what
 * OVHcloud or a probe said. Pure.
 */
import { isServiceName } from '../core/service-name.js';
import type { NotifySeverity } from '../config/notify-config.js';
import type { StatusPhase, StatusRecord } from '../records/types.js';

/** The phases that make an event; `halted` is a rollout's (a cohort or the fleet). */
export type NotifyPhase =
  | Extract<StatusPhase, 'pending' | 'reinstalling' | 'verifying' | 'ready' | 'unhealthy' | 'failed'>
  | 'halted';

/** The status phases that make an event when a server enters them. */
export const NOTIFIED_PHASES: ReadonlySet<StatusPhase> = new Set<StatusPhase>([
  'pending',
  'reinstalling',
  'verifying',
  'ready',
  'unhealthy',
  'failed',
]);

/** One event, as the generic webhook posts it. */
export interface NotificationEvent {
  /** Flux: what the event is about. A server, or a rollout (`fleet` or a cohort key) for a halt. */
  involvedObject: { kind: 'Server' | 'Rollout'; name: string };
  severity: NotifySeverity;
  /** A stable code: the status record's reason, the error code of a failure, or `rollout-halted`. */
  reason: string;
  /** One line made from the fields below; never free text from a record or an API. */
  message: string;
  /** Flux: string metadata; `revision` is the spec commit (the branch head for a halt). */
  metadata: { revision: string };
  /** The server; null for a halt. */
  serviceName: string | null;
  phase: NotifyPhase;
  taskId: number | null;
  planHash: string | null;
  /** The commit that last changed the server's spec; null for a halt. */
  specCommit: string | null;
  /** ISO time the daemon saw the transition. */
  timestamp: string;
  /** `ovh-fleet:<subject>:<revision>:<phase>`: the same for every delivery of this event. */
  idempotencyKey: string;
  /** Always `ovh-fleet` (Flux: reportingController). */
  reportingController: 'ovh-fleet';
}

/** What a cycle adds to the server's record to make its event. */
export interface EventContext {
  planHash: string | null;
  now: number;
}

const HEX = /^[0-9a-f]{7,64}$/;
const HASH = /^sha256:[0-9a-f]{64}$/;
const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The key of (subject, revision, phase): what is never enqueued twice. */
export function idempotencyKeyOf(subject: string, revision: string, phase: NotifyPhase): string {
  return `ovh-fleet:${subject}:${revision}:${phase}`;
}

/** The revision of a record's event: its spec commit, or `none`. */
export function revisionOf(record: Pick<StatusRecord, 'spec'>): string {
  const commit = record.spec?.commit;
  return commit && HEX.test(commit) ? commit : 'none';
}

/** The event of a server that entered `record.phase` (one of NOTIFIED_PHASES); null when its name is not a service name. */
export function serverEvent(record: StatusRecord, context: EventContext): NotificationEvent | null {
  if (!isServiceName(record.serviceName) || !NOTIFIED_PHASES.has(record.phase)) return null;
  const name = record.serviceName;
  const phase = record.phase as NotifyPhase;
  const revision = revisionOf(record);
  const reason = reasonOf(record);
  const taskId = taskIdOf(record);
  const severity: NotifySeverity = phase === 'failed' || phase === 'unhealthy' ? 'error' : 'info';
  const parts = [`${name} is ${phase} (${reason})`];
  if (revision !== 'none') parts.push(`spec commit ${revision.slice(0, 12)}`);
  if (taskId !== null) parts.push(`task ${taskId}`);
  return {
    involvedObject: { kind: 'Server', name },
    severity,
    reason,
    message: parts.join(', '),
    metadata: { revision },
    serviceName: name,
    phase,
    taskId,
    planHash: context.planHash && HASH.test(context.planHash) ? context.planHash : null,
    specCommit: revision === 'none' ? null : revision,
    timestamp: new Date(context.now).toISOString(),
    idempotencyKey: idempotencyKeyOf(name, revision, phase),
    reportingController: 'ovh-fleet',
  };
}

/** A halt of the rollout, fleet-wide (`cohort` null) or of one cohort, with the servers it counts. */
export interface HaltView {
  cohort: string | null;
  servers: readonly string[];
}

/** The event of a rollout that halted at `revision` (the branch head). */
export function haltEvent(halt: HaltView, revision: string, context: EventContext): NotificationEvent {
  const name = halt.cohort === null ? 'fleet' : cohortName(halt.cohort);
  const rev = HEX.test(revision) ? revision : 'none';
  const count = halt.servers.filter(isServiceName).length;
  return {
    involvedObject: { kind: 'Rollout', name },
    severity: 'error',
    reason: 'rollout-halted',
    message: `rollout halted (${halt.cohort === null ? 'fleet-wide' : `cohort ${name}`}): ${count} unhealthy server(s); no new reinstall starts`,
    metadata: { revision: rev },
    serviceName: null,
    phase: 'halted',
    taskId: null,
    planHash: context.planHash && HASH.test(context.planHash) ? context.planHash : null,
    specCommit: null,
    timestamp: new Date(context.now).toISOString(),
    idempotencyKey: idempotencyKeyOf(`rollout/${name}`, rev, 'halted'),
    reportingController: 'ovh-fleet',
  };
}

/** A failure's error code when it has one (it says why), else the record's reason code. */
function reasonOf(record: StatusRecord): string {
  const code = record.phase === 'failed' ? record.lastError?.code : undefined;
  if (code && CODE.test(code)) return code;
  return CODE.test(record.reason) ? record.reason : 'unknown';
}

function taskIdOf(record: StatusRecord): number | null {
  const id = record.task?.id ?? record.lastAttempt?.taskId ?? null;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

/** A cohort key as the planner makes it (OS, plan, labels); anything else is replaced. */
function cohortName(cohort: string): string {
  return /^[A-Za-z0-9._/=,:-]{1,200}$/.test(cohort) ? cohort : 'cohort';
}
