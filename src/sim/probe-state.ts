/**
 * Whether a simulated server answers probes at one instant, computed from the sim clock, like
 * task states (tasks.ts): no timer decides it, so clock jumps move every server consistently.
 * The network shell (probe-network.ts) opens and closes listeners to match it.
 *
 * A server never reinstalled is up. During a reinstall it is down. After a failed reinstall it
 * stays down. After a reinstall that ended `done`, the probe fault in force decides:
 * `none` (up), `never-comes-back` (down for good), `late` (down for `probeLateSec` seconds of sim
 * time after the task's end, then up), `ssh-up-http-down`, `flapping` (up for `probeFlapSec`
 * seconds, down as long, up again…, counted from the task's end). Faults act on the window
 * after the last reinstall only, and are read when asked: changing one takes effect at once.
 */

/** The probe faults, in `--faults`, `POST /_sim/faults` and `POST /_sim/servers/{serviceName}`. */
export const PROBE_FAULTS = ['none', 'never-comes-back', 'late', 'ssh-up-http-down', 'flapping'] as const;
export type ProbeFault = (typeof PROBE_FAULTS)[number];

/** How a server comes back after a reinstall. */
export interface ProbeFaultSettings {
  probeFault: ProbeFault;
  /** `late`: seconds of sim time between the task's end and the server answering. */
  probeLateSec: number;
  /** `flapping`: seconds of sim time of each up and each down phase. */
  probeFlapSec: number;
}

/** The last reinstall of a server, as the probe state needs it. */
export interface ReinstallFacts {
  /** Sim ms when the task was created. */
  createdAt: number;
  /** Sim ms when the task reaches its final status. */
  endsAt: number;
  outcome: 'done' | 'customerError' | 'ovhError';
}

/** Why a server is up or down. */
export type ProbeCondition =
  | 'never-reinstalled'
  | 'installing'
  | 'install-failed'
  | 'up'
  | 'never-comes-back'
  | 'late'
  | 'ssh-up-http-down'
  | 'flapping-up'
  | 'flapping-down';

/** What answers on a server at one instant. */
export interface ProbeState {
  ssh: 'up' | 'down';
  http: 'up' | 'down';
  condition: ProbeCondition;
  /** Sim ms of the next change, or null when nothing changes without a new event. */
  changesAt: number | null;
}

function both(state: 'up' | 'down', condition: ProbeCondition, changesAt: number | null = null): ProbeState {
  return { ssh: state, http: state, condition, changesAt };
}

/** The probe state of a server at sim time `now`. */
export function probeStateAt(
  reinstall: ReinstallFacts | undefined,
  settings: ProbeFaultSettings,
  now: number,
): ProbeState {
  if (!reinstall) return both('up', 'never-reinstalled');
  const end = reinstall.endsAt;
  if (now < end) return both('down', 'installing', end);
  if (reinstall.outcome !== 'done') return both('down', 'install-failed');
  switch (settings.probeFault) {
    case 'none':
      return both('up', 'up');
    case 'never-comes-back':
      return both('down', 'never-comes-back');
    case 'late': {
      const back = end + settings.probeLateSec * 1000;
      return now < back ? both('down', 'late', back) : both('up', 'up');
    }
    case 'ssh-up-http-down':
      return { ssh: 'up', http: 'down', condition: 'ssh-up-http-down', changesAt: null };
    case 'flapping': {
      const phaseMs = Math.max(1, settings.probeFlapSec * 1000);
      const phase = Math.floor((now - end) / phaseMs);
      const changesAt = end + (phase + 1) * phaseMs;
      return phase % 2 === 0
        ? both('up', 'flapping-up', changesAt)
        : both('down', 'flapping-down', changesAt);
    }
  }
}
