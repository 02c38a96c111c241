/** What every probe runner receives, and the shape of a runner. */
import type { CommandProbe, ProbeSpec } from '../../specs/verify-types.js';
import type { TargetRules } from '../targets.js';
import type { ProbeTransport } from '../transport.js';
import type { ProbeOutcome, ServerFacts } from '../verification-state.js';
import type { CommandHost } from '../../config/probe-commands.js';

/** The environment of one probe run. */
export interface ProbeContext {
  facts: ServerFacts;
  targets: TargetRules;
  /** Already guarded (guardedTransport) when the endpoint is the simulator. */
  transport: ProbeTransport;
  /** Where command probes come from and whether they may run; undefined: command probes are refused. */
  commands: CommandHost | undefined;
  /** Aborted when the probe's timeout passes: the runner releases what it holds. */
  signal: AbortSignal;
  /** The probe's timeout (a command is killed after it). */
  timeoutMs: number;
}

/** What a runner gives (the probe's name is added by the caller). */
export interface RunnerResult {
  outcome: ProbeOutcome;
  reason?: string;
}

/** Runs one probe of its type. Never rejects: every problem is a failure or inconclusive result. */
export type ProbeRunner<P extends ProbeSpec = ProbeSpec> = (
  probe: P,
  ctx: ProbeContext,
) => Promise<RunnerResult>;

export type { CommandProbe };
