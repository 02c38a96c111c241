/**
 * Verification after a reinstall (docs/verification.md): what the daemon calls.
 * - `verifySettingsFor(policy.verify, labels)`: the settings of a server (undefined: no verification).
 * - `startVerification(settings, facts, endedAt)`: the state when its task ended.
 * - `nextProbeAt(state)`: when the next round is due (undefined once decided).
 * - `runRound(state, env)`: runs one round now and returns the new state (`recordRound` is its pure part).
 * - `state.verdict` / `state.reason`: `verifying`, `ready`, `unhealthy` or `inconclusive`, and why.
 * - `readVerificationState(value)`: a state read back from a status record, checked.
 */
export { verifySettingsFor } from './settings-for.js';
export { startVerification, recordRound, nextProbeAt, deadlineOf, roundOutcome } from './verdict-machine.js';
export { runRound, runProbes, type ProbeEnvironment } from './run-round.js';
export {
  identityTarget,
  isLoopbackAddress,
  isSimulatorEndpoint,
  resolveTarget,
  type MapTarget,
  type ProbeTarget,
  type TargetRules,
} from './targets.js';
export {
  createNetTransport,
  netTransport,
  guardedTransport,
  TargetRefusedError,
  type ProbeTransport,
  type ConnectRequest,
} from './transport.js';
export { parseCommandAllowList, type CommandAllowEntry, type CommandHost } from '../config/probe-commands.js';
export { readVerificationState } from './read-state.js';
export { serverFactsOf } from './verification-state.js';
export type {
  ProbeOutcome,
  ProbeResult,
  RoundRecord,
  ServerFacts,
  Verdict,
  VerificationState,
} from './verification-state.js';
