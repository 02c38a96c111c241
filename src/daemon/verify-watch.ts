/**
 * Runs the health checks of reinstalled servers BETWEEN cycles (docs/verification.md, "How the
 * daemon runs it"), like the task watch follows tasks: for each status record whose
 * `verification.result` is `running`, it holds the src/verify state, runs a round whenever one is
 * due (injected clock), saves the state after each round in `<stateDir>/verify/<serviceName>.json`
 * (verify-files.ts) so that a restarted daemon resumes it, and when a verdict is reached puts it on
 * its board (`verdicts`) and asks for a cycle: that cycle's record step writes the verdict.
 *
 * It never posts and never writes status: the only API call is one `GET /dedicated/server/{sn}`
 * (priority `follow`) when a verification starts with no saved state, for the server's addresses;
 * when it fails it is tried again once per interval until the deadline, after which the
 * verification ends `inconclusive` (verify-facts.ts).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { StatusRecord } from '../records/types.js';
import type { VerifySettings } from '../specs/verify-types.js';
import type { VerificationVerdict } from '../status/build-records.js';
import {
  nextProbeAt,
  runRound,
  startVerification,
  type ProbeEnvironment,
  type VerificationState,
  verifySettingsFor,
} from '../verify/index.js';
import type { FleetRepository } from '../specs/types.js';
import { readFactsByDeadline } from './verify-facts.js';
import { readVerifyFile, removeVerifyFilesExcept, writeVerifyFile } from './verify-files.js';

/** What the watch needs. */
export interface VerifyWatchDeps {
  api: OvhApi;
  clock: Clock;
  log: Logger;
  stateDir: string;
  probes: ProbeEnvironment;
  /**
   * The settings fleet.yaml gives the server now (read when a verification starts without a saved
   * state): `{settings: undefined}` when it asks for none, null when it cannot tell now (no cycle
   * read a valid fleet.yaml yet): the verification then waits for a later cycle.
   */
  settingsFor: (serviceName: string) => { settings: VerifySettings | undefined } | null;
  /** A verdict is on the board: the daemon runs a cycle. */
  onVerdict: (serviceName: string) => void;
}

interface Running {
  digest: string;
  controller: AbortController;
  done: Promise<void>;
}

/** The verifications in progress; `update` after each cycle, `stop` on shutdown. */
export class VerifyWatch {
  /** Verdicts reached and not yet in a record written by a cycle, per server. */
  readonly verdicts = new Map<string, VerificationVerdict>();
  private readonly running = new Map<string, Running>();
  private cleaning: Promise<void> = Promise.resolve();
  /**
   * Whether `<stateDir>/verify/` may hold files to remove: a verification ran (or runs) since the
   * last cleaning that left none. Until one runs the folder is never touched: a daemon that never
   * verifies makes no filesystem call for it (a file left by an earlier run is removed by the first
   * cleaning after a verification of this run, and is never resumed for another task's end).
   */
  private mayHoldFiles = false;

  constructor(private readonly deps: VerifyWatchDeps) {}

  /** Number of verifications running now. */
  get size(): number {
    return this.running.size;
  }

  /**
   * Verifies exactly the records whose verification runs: starts the new ones, stops the others,
   * forgets the verdicts the records now carry and removes the state files of finished ones.
   */
  update(records: Iterable<StatusRecord>): void {
    const wanted = new Map<string, { digest: string; startedAt: number }>();
    for (const r of records) {
      const v = r.verification;
      if (v?.result === 'running')
        wanted.set(r.serviceName, { digest: v.digest, startedAt: Date.parse(v.startedAt) });
    }
    for (const [name, verdict] of this.verdicts)
      if (wanted.get(name)?.digest !== verdict.digest) this.verdicts.delete(name);
    for (const [name, r] of this.running) {
      if (wanted.get(name)?.digest !== r.digest) {
        r.controller.abort(new Error('no longer verified'));
        this.running.delete(name);
      }
    }
    for (const [name, w] of wanted) {
      if (this.running.has(name) || this.verdicts.has(name)) continue;
      this.start(name, w.digest, Number.isFinite(w.startedAt) ? w.startedAt : null);
    }
    if (!this.mayHoldFiles) return;
    const keep = new Set(wanted.keys());
    this.cleaning = this.cleaning.then(() => removeVerifyFilesExcept(this.deps.stateDir, keep));
    // Files of wanted servers stay until their verdicts are recorded; a runner stopped just now may
    // still write one: it marks the folder again when it settles (start).
    this.mayHoldFiles = keep.size > 0 || this.running.size > 0;
  }

  /** Stops verifying (the saved states stay for the next start) and waits for the runners. */
  async stop(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    for (const r of all) r.controller.abort(new Error('shutting down'));
    await Promise.allSettled([...all.map((r) => r.done), this.cleaning]);
  }

  private start(serviceName: string, digest: string, endedAt: number | null): void {
    const controller = new AbortController();
    const log = this.deps.log.child({ serviceName, component: 'verify' });
    this.mayHoldFiles = true;
    const done = this.verify(serviceName, digest, endedAt, controller.signal, log).then(
      (verdict) => {
        this.mayHoldFiles = true;
        if (this.running.get(serviceName)?.controller !== controller) return;
        this.running.delete(serviceName);
        if (verdict === null) return;
        this.verdicts.set(serviceName, verdict);
        log.info({ result: verdict.result, reason: verdict.message }, 'verification decided');
        this.deps.onVerdict(serviceName);
      },
      (error: unknown) => {
        this.mayHoldFiles = true;
        if (this.running.get(serviceName)?.controller === controller) this.running.delete(serviceName);
        if (!controller.signal.aborted)
          log.warn({ err: error }, 'verification stopped on an error; the next cycle starts it again');
      },
    );
    this.running.set(serviceName, { digest, controller, done });
  }

  /**
   * Runs one verification to its verdict; null when stopped first. `endedAt` is the record's
   * `startedAt` (the task's end), null when unreadable: the clock's now, and any saved state of
   * the digest is resumed.
   */
  private async verify(
    serviceName: string,
    digest: string,
    recordedEnd: number | null,
    signal: AbortSignal,
    log: Logger,
  ): Promise<VerificationVerdict | null> {
    const { clock, stateDir } = this.deps;
    const endedAt = recordedEnd ?? clock.now();
    const saved = await readVerifyFile(stateDir, serviceName, digest, recordedEnd);
    if (saved.problem) log.warn({ problem: saved.problem }, 'saved verification state unusable; starting it');
    let state: VerificationState;
    if (saved.state) {
      state = saved.state;
      log.info({ rounds: state.rounds.total }, 'verification resumed');
    } else {
      const known = this.deps.settingsFor(serviceName);
      if (known === null) {
        log.warn('fleet.yaml cannot be read now: the verification starts at a later cycle');
        return null;
      }
      const settings = known.settings;
      if (!settings) {
        return {
          digest,
          result: 'healthy',
          finishedAt: new Date(clock.now()).toISOString(),
          message: 'not checked: fleet.yaml no longer asks for health checks for this server',
        };
      }
      const read = await readFactsByDeadline({ ...this.deps, log, serviceName, settings, endedAt, signal });
      if (read === null || signal.aborted) return null;
      if ('unreadable' in read)
        return {
          digest,
          result: 'inconclusive',
          finishedAt: new Date(clock.now()).toISOString(),
          message: read.unreadable,
        };
      state = startVerification(settings, read.facts, endedAt);
      await writeVerifyFile(stateDir, serviceName, digest, state);
      log.info({ nextAt: state.nextAt }, 'verification started');
    }
    for (;;) {
      const due = nextProbeAt(state);
      if (due === undefined) break;
      const wait = due - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      if (signal.aborted) return null;
      state = await runRound(state, this.deps.probes);
      if (signal.aborted) return null;
      await writeVerifyFile(stateDir, serviceName, digest, state);
      log.debug(
        {
          round: state.rounds.total,
          outcome: state.last?.outcome,
          verdict: state.verdict,
          cameBack: state.cameBack,
          reason: state.reason,
        },
        'round',
      );
    }
    return verdictOf(digest, state, clock.now());
  }
}

/**
 * `settingsFor` of a fleet read by a cycle: null for every server while fleet.yaml has an error
 * (an invalid `verify` section never means "no verification").
 */
export function verifySettingsOfFleet(
  fleet: Pick<FleetRepository, 'policy' | 'specs' | 'diagnostics'>,
): VerifyWatchDeps['settingsFor'] {
  if (fleet.diagnostics.some((d) => d.severity === 'error' && d.file.endsWith('fleet.yaml')))
    return () => null;
  const labels = new Map(fleet.specs.map((s) => [s.serviceName, s.labels]));
  return (serviceName) => ({
    settings: verifySettingsFor(fleet.policy.verify, labels.get(serviceName) ?? {}),
  });
}

/** The board's verdict of a decided state. */
function verdictOf(digest: string, state: VerificationState, now: number): VerificationVerdict {
  const result =
    state.verdict === 'ready' ? 'healthy' : state.verdict === 'unhealthy' ? 'unhealthy' : 'inconclusive';
  return {
    digest,
    result,
    finishedAt: state.decidedAt ?? new Date(now).toISOString(),
    message: state.reason,
    rounds: { ...state.rounds },
    probes: (state.last?.results ?? []).map((r) => ({
      probe: r.probe,
      outcome: r.outcome,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
  };
}
