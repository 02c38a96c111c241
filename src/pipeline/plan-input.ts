/**
 * The planner's input assembled from the stages before it (load → observe → validate), and
 * gatherPlanInput, which runs those stages in order for a command that plans once (`ovh-fleet
 * plan`, `apply`). The daemon runs the same stage functions one by one (src/daemon/cycle.ts).
 */
import type { Clock } from '../core/clock.js';
import type { ObserveResult } from '../observe/observe-fleet.js';
import type { PlanInput } from '../plan/types.js';
import { loadFleet, type Loaded, type LoadOptions } from './load.js';
import { observeLoaded, type Observed, type ObserveStageOptions } from './observe.js';
import { validateObserved, type Validated } from './validate.js';

/** The planner's input and what observing cost. */
export interface GatheredPlanInput {
  input: PlanInput;
  observation: ObserveResult;
  /** Number of API calls that failed (each is also an error diagnostic of the plan). */
  apiErrors: number;
  /** Servers whose record was taken from git history (the daemon commits them back). */
  recoveredRecords: ReadonlyMap<string, string>;
}

/** Assembles the PlanInput (pure). `now` is the time the stages ran at, `revision` the specs' commit. */
export function planInputOf(
  loaded: Loaded,
  observed: Observed,
  validated: Validated,
  at: { now: number; revision: string },
): GatheredPlanInput {
  const { observation } = observed;
  const { records } = loaded;
  const input: PlanInput = {
    specs: validated.fleet.specs,
    invalid: validated.invalid,
    policy: validated.fleet.policy,
    observed: observation.observed,
    applied: records.applied,
    lostRecords: records.lost,
    catalog: observation.catalog,
    now: at.now,
    revision: at.revision,
    diagnostics: validated.diagnostics,
  };
  return { input, observation, apiErrors: observation.errors.length, recoveredRecords: records.recovered };
}

/** Options of {@link gatherPlanInput}: those of each stage, and the specs' commit. */
export interface GatherOptions extends LoadOptions, Omit<ObserveStageOptions, 'clock'> {
  clock: Clock;
  /** Git commit of the specs (or a placeholder outside git). */
  revision: string;
}

/** Runs load → observe → validate and assembles the planner's input. */
export async function gatherPlanInput(options: GatherOptions): Promise<GatheredPlanInput> {
  const loaded = await loadFleet(options);
  const now = options.clock.now();
  const observed = await observeLoaded(loaded, options);
  const validated = await validateObserved(loaded, observed, now);
  return planInputOf(loaded, observed, validated, { now, revision: options.revision });
}
