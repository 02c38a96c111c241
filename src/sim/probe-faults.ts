/**
 * Probe faults per server: a server's own settings (`POST /_sim/servers/{serviceName}` with
 * `probeFault`, `probeLateSec`, `probeFlapSec`) override, key by key, the fleet-wide ones of
 * `/_sim/faults`. A null value removes the server's own setting. Kept in memory only, like the
 * fleet-wide faults: a restarted simulator starts without them.
 */
import { configError } from '../core/errors.js';
import { validateFaults } from './faults.js';
import type { ProbeFaultSettings } from './probe-state.js';
import type { FaultConfig, SimProbeFaultPatch } from './types.js';

/** The keys of a probe fault, fleet-wide or per server. */
export const PROBE_FAULT_KEYS: readonly (keyof ProbeFaultSettings)[] = [
  'probeFault',
  'probeLateSec',
  'probeFlapSec',
];

/** Splits a `POST /_sim/servers/{serviceName}` body into its probe-fault keys and the rest. */
export function splitProbePatch(body: Record<string, unknown>): {
  probe: SimProbeFaultPatch | null;
  rest: Record<string, unknown>;
} {
  const rest: Record<string, unknown> = {};
  let probe: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(body)) {
    if ((PROBE_FAULT_KEYS as readonly string[]).includes(key)) (probe ??= {})[key] = value;
    else rest[key] = value;
  }
  return { probe: probe as SimProbeFaultPatch | null, rest };
}

/** The per-server probe faults of one simulator. */
export class ProbeFaultBook {
  private readonly own = new Map<string, Partial<ProbeFaultSettings>>();

  /** Checks and applies a patch to a server's own settings (throws config-invalid). */
  update(serviceName: string, patch: SimProbeFaultPatch): void {
    const next: Partial<ProbeFaultSettings> = { ...this.own.get(serviceName) };
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(patch)) {
      if (!(PROBE_FAULT_KEYS as readonly string[]).includes(key))
        throw configError(
          'config-invalid',
          `unknown probe fault "${key}" (known: ${PROBE_FAULT_KEYS.join(', ')})`,
        );
      if (value === null) delete next[key as keyof ProbeFaultSettings];
      else set[key] = value;
    }
    Object.assign(next, validateFaults(set));
    if (Object.keys(next).length === 0) this.own.delete(serviceName);
    else this.own.set(serviceName, next);
  }

  /** The server's own settings only. */
  overrides(serviceName: string): Partial<ProbeFaultSettings> {
    return { ...this.own.get(serviceName) };
  }

  /** The settings in force for a server: its own, else the fleet-wide ones. */
  settingsOf(serviceName: string, fleet: FaultConfig): ProbeFaultSettings {
    return {
      probeFault: fleet.probeFault,
      probeLateSec: fleet.probeLateSec,
      probeFlapSec: fleet.probeFlapSec,
      ...this.own.get(serviceName),
    };
  }
}
