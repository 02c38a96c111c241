/**
 * buildStatusRecords: the one place that turns a cycle's plan, the executor's outcomes and the
 * follower's progress into `status/<serviceName>.yaml` records (format: docs/status-format.md).
 * Pure: the time is an input; nothing here reads, writes or logs. A record only changes when what
 * it says changes (`since` moves only with phase or reason), so a quiet fleet makes no commit.
 */
import type { ApplyOutcome, FollowProgress } from '../records/outcomes.js';
import { rolloutReasons } from '../core/codes/plan-codes.js';
import type { ErrorCode } from '../core/codes/registry.js';
import { profileOf, unobservedTemplate, verificationOf } from '../plan/cohorts.js';
import type { Observation, Plan, PlanServer } from '../plan/types.js';
import type {
  AttemptRecord,
  CanonicalSpec,
  ErrorRecord,
  StatusPhase,
  StatusRecord,
  TaskProgress,
  VerificationProbeResult,
  VerificationRounds,
} from '../records/types.js';

/** Why a whole cycle started nothing new (the plan's reinstalls show this reason). */
export interface CycleBlock {
  reason: 'history-rewritten' | 'signature-invalid';
  message: string;
}

/** Everything the records are made of. */
export interface BuildRecordsInput {
  plan: Plan;
  /** This cycle's apply outcomes (empty when nothing was applied). */
  outcomes: readonly ApplyOutcome[];
  /** The follower's latest progress per server (between cycles). */
  progress: ReadonlyMap<string, FollowProgress>;
  /** The last known record per server: what the daemon wrote, else the valid file of the repository. */
  previous: ReadonlyMap<string, StatusRecord>;
  observed: ReadonlyMap<string, Observation>;
  /** Canonical specs by digest, for `lastApplied.spec` (the daemon keeps those of its plans). */
  canonical: ReadonlyMap<string, CanonicalSpec>;
  /** The last commit that changed each server's spec file. */
  specCommits: ReadonlyMap<string, string>;
  /** Milliseconds since the epoch. */
  now: number;
  block?: CycleBlock | null;
  /**
   * Servers whose fleet.yaml asks for health checks after a reinstall (`verifySettingsFor`
   * defined): a task that ends `done` makes them `verifying`, not `ready`. Absent: none.
   */
  verifies?: ReadonlySet<string>;
  /** Verdicts the daemon's verification reached since the records were last written, per server. */
  verdicts?: ReadonlyMap<string, VerificationVerdict>;
}

/** A verification's verdict, as the daemon's verification watch reached it (src/daemon/verify-watch.ts). */
export interface VerificationVerdict {
  /** The digest of the reinstall it verified. */
  digest: string;
  result: 'healthy' | 'unhealthy' | 'inconclusive';
  finishedAt: string;
  message: string;
  /** Rounds run, by outcome (absent: a verdict reached without probing, e.g. not checked). */
  rounds?: VerificationRounds;
  /** The probe results of the deciding round. */
  probes?: VerificationProbeResult[];
}

const DAY_MS = 86_400_000;

/** Outcome codes that mean the spec cannot be applied as it is (phase `invalid`). */
const SPEC_PROBLEMS = new Set([
  'secret-missing',
  'env-not-allowed',
  'spec-missing',
  'preflight-os-incompatible',
  'preflight-template-ended',
  'preflight-server-missing',
]);

/**
 * Codes an apply outcome carries when the rollout gate held a reinstall back at start: the
 * policy's holds and limits (from the registry), and a rewritten history.
 */
const HOLD_REASONS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...rolloutReasons('hold'),
  ...rolloutReasons('limit'),
  'history-rewritten',
]);

/** One record per server of the plan (invalid files that name no server have none). */
export function buildStatusRecords(input: BuildRecordsInput): Map<string, StatusRecord> {
  const out = new Map<string, StatusRecord>();
  const outcomes = new Map(input.outcomes.map((o) => [o.serviceName, o]));
  for (const entry of input.plan.servers) {
    if (entry.serviceName === null) continue;
    out.set(entry.serviceName, buildOne(entry, outcomes.get(entry.serviceName), input));
  }
  return out;
}

interface Draft {
  phase: StatusPhase;
  reason: string;
  message: string;
  task: TaskProgress | null;
}

function buildOne(
  entry: PlanServer,
  outcome: ApplyOutcome | undefined,
  input: BuildRecordsInput,
): StatusRecord {
  const name = entry.serviceName as string;
  const prev = input.previous.get(name) ?? null;
  const observation = input.observed.get(name);
  const progress = input.progress.get(name);
  const at = new Date(input.now).toISOString();
  const unmanaged = entry.reason === 'unmanaged';
  const specCommit = input.specCommits.get(name) ?? prev?.spec?.commit ?? input.plan.revision;

  let lastApplied = prev?.lastApplied ?? null;
  let lastAttempt = prev?.lastAttempt ?? null;
  let lastError: ErrorRecord | null = prev?.lastError ?? null;
  const attempts = new Set(prev?.attempts ?? []);
  let draft = fromPlan(entry, observation, progress, prev, input.block ?? null);
  // The verification is kept as it was unless a task ends done (below) or a verdict arrives.
  let verification = prev?.verification ?? null;
  const verdict = input.verdicts?.get(name);
  if (verdict && verification?.result === 'running' && verification.digest === verdict.digest) {
    verification = { ...verification, ...verdict };
    if (!outcome && entry.action === 'none' && entry.digest === verdict.digest) draft = fromVerdict(verdict);
  }

  if (entry.action === 'adopt' && entry.digest && entry.to) {
    const spec = input.canonical.get(entry.digest);
    if (spec) {
      lastApplied = {
        digest: entry.digest,
        operatingSystem: entry.to.operatingSystem,
        planHash: input.plan.planHash,
        specCommit,
        taskId: null,
        startedAt: at,
        finishedAt: at,
        result: 'adopted',
        spec,
      };
    }
  }

  if (outcome) {
    if (outcome.posted && outcome.startedAt) attempts.add(outcome.startedAt);
    const ours = outcome.digest !== null && !outcome.adopted;
    const attempt = (result: AttemptRecord['result'], message: string | null): AttemptRecord => ({
      digest: outcome.digest as string,
      result,
      startedAt: outcome.startedAt ?? at,
      finishedAt: result === 'running' ? null : (outcome.endedAt ?? at),
      taskId: outcome.taskId,
      message,
    });
    switch (outcome.result) {
      case 'done': {
        const spec = outcome.digest ? input.canonical.get(outcome.digest) : undefined;
        if (ours && spec) {
          lastApplied = {
            digest: outcome.digest as string,
            operatingSystem: spec.operatingSystem,
            planHash: outcome.planHash,
            specCommit,
            taskId: outcome.taskId,
            startedAt: outcome.startedAt ?? at,
            finishedAt: outcome.endedAt ?? at,
            result: 'done',
            spec,
          };
          lastAttempt = attempt('done', null);
          lastError = null;
        }
        const reinstalled = `reinstalled: task ${outcome.taskId ?? '?'} done (${outcome.observedOs ?? spec?.operatingSystem ?? 'os unknown'})`;
        draft = { phase: 'ready', reason: 'in-sync', message: reinstalled, task: null };
        if (ours && spec && input.verifies?.has(name)) {
          // fleet.yaml asks for health checks: ready only once they pass (docs/verification.md).
          verification = {
            digest: outcome.digest as string,
            result: 'running',
            startedAt: outcome.endedAt ?? at,
            finishedAt: null,
            message: 'health checks run after the reinstall',
          };
          draft = { ...draft, phase: 'verifying', message: `${reinstalled}; health checks run` };
        }
        break;
      }
      case 'failed':
        if (ours) lastAttempt = attempt('failed', outcome.message);
        lastError = { code: outcome.code, message: outcome.message, at: outcome.endedAt ?? at };
        draft = {
          phase: 'failed',
          reason: ours ? 'last-attempt-failed' : entry.reason,
          message: outcome.message,
          task: null,
        };
        break;
      case 'running':
        if (ours) lastAttempt = attempt('running', null);
        draft = {
          phase: 'reinstalling',
          reason: entry.action === 'reinstall' ? entry.reason : 'task-in-progress',
          message: `reinstall task ${outcome.taskId ?? '?'} runs at OVHcloud`,
          task: taskOf(outcome.taskId, progress, observation, outcome.startedAt ?? at, prev),
        };
        break;
      case 'not-started':
        if (HOLD_REASONS.has(outcome.code)) {
          draft = {
            phase: 'pending',
            reason: input.block?.reason ?? outcome.code,
            message: input.block?.message ?? outcome.message,
            task: null,
          };
        } else {
          lastError = { code: outcome.code, message: outcome.message, at };
          draft = {
            phase: SPEC_PROBLEMS.has(outcome.code) ? 'invalid' : 'pending',
            reason: entry.reason,
            message: outcome.message,
            task: null,
          };
        }
        break;
    }
  }

  // A verification still running when another reinstall of the server runs is over: dropped (the
  // new reinstall gets its own when its task ends).
  if (
    draft.phase === 'reinstalling' &&
    verification?.result === 'running' &&
    verification.digest !== entry.digest
  )
    verification = null;
  const recent = [...attempts].filter((t) => Date.parse(t) >= input.now - DAY_MS).sort();
  const unchanged = prev !== null && prev.phase === draft.phase && prev.reason === draft.reason;
  return {
    serviceName: name,
    phase: draft.phase,
    reason: draft.reason,
    message: draft.message,
    since: unchanged ? prev.since : at,
    spec: unmanaged || entry.file === null ? null : { file: entry.file, commit: specCommit },
    desiredDigest: entry.digest,
    observedOs: outcome?.observedOs ?? observation?.os ?? prev?.observedOs ?? null,
    task: draft.task,
    lastApplied,
    lastAttempt,
    attempts: recent,
    lastError,
    ...(verification ? { verification } : {}),
    ...rolloutOf(entry, observation, prev),
  };
}

/**
 * The cohort and canary mark follow the plan, so that the next plans keep the same canaries, and
 * a server not observed in a later cycle keeps its cohort (docs/plan.md, "Canaries and halts").
 * The profile is this cycle's observation, else the one the record kept. A cohort the plan could
 * not tell (not observed, none recorded) is not written.
 */
function rolloutOf(
  entry: PlanServer,
  observation: Observation | undefined,
  prev: StatusRecord | null,
): Pick<StatusRecord, 'rollout'> {
  const cohort = entry.cohort;
  if (!cohort || unobservedTemplate(cohort) !== null) return {};
  const observed = observation?.presence === 'present' ? profileOf(observation.commercialRange) : undefined;
  const kept = prev?.rollout?.cohort === cohort ? prev.rollout.profile : undefined;
  const profile = observed ?? kept;
  return {
    rollout: { cohort, canary: entry.canary === true, ...(profile !== undefined ? { profile } : {}) },
  };
}

/**
 * Phase and reason once a verdict arrives, the same the next plan gives (src/plan/decide.ts): so
 * `since` does not move again when that plan is recorded.
 */
function fromVerdict(verdict: VerificationVerdict): Draft {
  switch (verdict.result) {
    case 'healthy':
      return { phase: 'ready', reason: 'in-sync', message: `verified: ${verdict.message}`, task: null };
    case 'unhealthy':
      return { phase: 'unhealthy', reason: 'last-attempt-failed', message: verdict.message, task: null };
    case 'inconclusive':
      return {
        phase: 'verifying',
        reason: 'in-sync',
        message: `verification inconclusive: ${verdict.message}`,
        task: null,
      };
  }
}

/** Phase and reason from the plan entry alone (no outcome this cycle). */
function fromPlan(
  entry: PlanServer,
  observation: Observation | undefined,
  progress: FollowProgress | undefined,
  prev: StatusRecord | null,
  block: CycleBlock | null,
): Draft {
  const d = (phase: StatusPhase, reason = entry.reason as string, message = entry.message): Draft => ({
    phase,
    reason,
    message,
    task: null,
  });
  if (block && (entry.action === 'reinstall' || entry.action === 'deferred')) {
    return d('pending', block.reason, block.message);
  }
  switch (entry.action) {
    case 'invalid':
      return d('invalid');
    case 'follow': {
      const running = observation?.runningTask;
      const taskId = progress?.taskId ?? running?.taskId ?? prev?.task?.id ?? null;
      return {
        ...d('reinstalling'),
        task: taskOf(taskId, progress, observation, running?.startDate ?? null, prev),
      };
    }
    case 'reinstall':
    case 'deferred':
      return d('pending');
    case 'adopt':
      return d('ready');
    default:
      break;
  }
  // Nothing to do to the server, and its verification at this digest has no `healthy` verdict yet.
  const verification = verificationOf(prev ?? undefined);
  if (entry.action === 'none' && verification && verification.digest === entry.digest) {
    if (verification.result === 'unhealthy') return d('unhealthy');
    if (verification.result === 'running' || verification.result === 'inconclusive') return d('verifying');
  }
  switch (entry.reason) {
    case 'unmanaged':
      return d('unmanaged');
    case 'drift':
      return d('drifted');
    case 'last-attempt-failed':
      return d('failed');
    case 'os-unknown':
    case 'status-record-lost':
      return d('unknown');
    case 'protected':
      return d(observation?.os && observation.os === entry.to?.operatingSystem ? 'ready' : 'unknown');
    default:
      return d('ready');
  }
}

function taskOf(
  taskId: number | null,
  progress: FollowProgress | undefined,
  observation: Observation | undefined,
  startedAt: string | null,
  prev: StatusRecord | null,
): TaskProgress | null {
  if (taskId === null) return null;
  const since = prev?.task?.id === taskId ? prev.task.startedAt : null;
  const start = since ?? startedAt ?? observation?.runningTask?.startDate ?? new Date(0).toISOString();
  if (progress && progress.taskId === taskId) {
    return {
      id: taskId,
      status: progress.taskStatus,
      step: progress.step,
      steps: progress.steps,
      currentStep: progress.currentStep,
      elapsedSeconds: Math.round(progress.elapsedMs / 1000),
      startedAt: start,
    };
  }
  const running = observation?.runningTask?.taskId === taskId ? observation.runningTask : null;
  const kept = prev?.task?.id === taskId ? prev.task : null;
  return {
    id: taskId,
    status: running?.status ?? kept?.status ?? 'todo',
    step: kept?.step ?? null,
    steps: kept?.steps ?? null,
    currentStep: kept?.currentStep ?? null,
    elapsedSeconds: kept?.elapsedSeconds ?? null,
    startedAt: start,
  };
}
