/**
 * The I/O shell around the verdict machine: runs every probe of a verification once (in
 * parallel, each within the timeout), then folds the results in with `recordRound`. The loopback
 * guard is applied here to whatever transport is passed, so no caller can forget it.
 */
import type { Clock } from '../core/clock.js';
import type { ProbeSpec } from '../specs/verify-types.js';
import { runCommandProbe } from './probes/command-probe.js';
import type { CommandHost } from '../config/probe-commands.js';
import { runHttpProbe } from './probes/http-probe.js';
import type { ProbeContext, RunnerResult } from './probes/probe-context.js';
import { runSshProbe } from './probes/ssh-probe.js';
import { runTcpProbe } from './probes/tcp-probe.js';
import type { TargetRules } from './targets.js';
import { guardedTransport, type ProbeTransport } from './transport.js';
import { recordRound } from './verdict-machine.js';
import type { ProbeResult, ServerFacts, VerificationState } from './verification-state.js';

/** The longest reason kept in a result (status records stay small). */
export const MAX_REASON = 300;

/** What probes need from the daemon: built once by the composition root. */
export interface ProbeEnvironment {
  /** The target mapping and whether the endpoint is the simulator (then every target is loopback). */
  targets: TargetRules;
  /** netTransport in production; runRound puts the loopback guard in front of it. */
  transport: ProbeTransport;
  /** undefined: command probes are inconclusive (not allowed on this host). */
  commands: CommandHost | undefined;
  /** Times each probe's timeout and stamps each round. */
  clock: Clock;
}

/** Runs one round of `state`'s probes now and returns the state with the round recorded. */
export async function runRound(state: VerificationState, env: ProbeEnvironment): Promise<VerificationState> {
  if (state.verdict !== 'verifying') return state;
  const at = env.clock.now();
  const results = await runProbes(state.settings.probes, state.facts, state.settings.timeoutMs, env);
  return recordRound(state, at, results);
}

/** Runs `probes` once against the server of `facts`, in parallel, each within `timeoutMs`. */
export function runProbes(
  probes: readonly ProbeSpec[],
  facts: ServerFacts,
  timeoutMs: number,
  env: ProbeEnvironment,
): Promise<ProbeResult[]> {
  const transport = guardedTransport(env.transport, env.targets.simulator);
  return Promise.all(
    probes.map(async (probe) => {
      const result = await runWithin(probe, facts, timeoutMs, { ...env, transport });
      return result.reason === undefined
        ? { probe: probe.name, outcome: result.outcome }
        : { probe: probe.name, outcome: result.outcome, reason: result.reason.slice(0, MAX_REASON) };
    }),
  );
}

async function runWithin(
  probe: ProbeSpec,
  facts: ServerFacts,
  timeoutMs: number,
  env: ProbeEnvironment,
): Promise<RunnerResult> {
  const stop = new AbortController();
  const stopTimer = new AbortController();
  const ctx: ProbeContext = {
    facts,
    targets: env.targets,
    transport: env.transport,
    commands: env.commands,
    signal: stop.signal,
    timeoutMs,
  };
  const running = runProbe(probe, ctx).catch((): RunnerResult => ({
    outcome: 'inconclusive',
    reason: 'the probe failed on our side',
  }));
  const timedOut = env.clock.sleep(timeoutMs, stopTimer.signal).then(
    () => true,
    () => false,
  );
  const first = await Promise.race([running.then((r) => ({ r })), timedOut.then((t) => ({ t }))]);
  if ('r' in first) {
    stopTimer.abort();
    return first.r;
  }
  if (!first.t) return running;
  stop.abort(new Error('probe timeout'));
  return { outcome: 'failure', reason: `no answer within ${timeoutMs / 1000}s` };
}

function runProbe(probe: ProbeSpec, ctx: ProbeContext): Promise<RunnerResult> {
  switch (probe.type) {
    case 'tcp':
      return runTcpProbe(probe, ctx);
    case 'ssh':
      return runSshProbe(probe, ctx);
    case 'http':
    case 'https':
      return runHttpProbe(probe, ctx);
    case 'command':
      return runCommandProbe(probe, ctx);
  }
}
