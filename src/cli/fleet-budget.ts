/**
 * fleet.yaml's `api` section for a command's request budget, read cheaply before anything else:
 * one file, no spec, no schema compilation. `plan`, `validate`, `apply` and `status` spend the
 * fleet's budget (`api.requestsPerMinute`, and `api.steadyStateShare` for background reads), not
 * OVHcloud's default of 60 per minute (docs/configuration.md#the-request-budget-of-commands).
 *
 * A missing fleet.yaml gives the defaults. A value that is invalid gives its default, as the
 * policy does (buildPolicy); the command's own reading of fleet.yaml then reports the problem.
 */
import { readConfined } from '../core/confined-file.js';
import { buildPolicy, defaultPolicy } from '../specs/build-policy.js';
import { MAX_YAML_BYTES, parseFleetFile } from '../specs/parse-file.js';
import type { FleetPolicy } from '../specs/types.js';

/** The budget settings of a command, and where they came from. */
export interface FleetBudget {
  api: FleetPolicy['api'];
  /** `fleet.yaml` when the file was read, `default` when there is none or it cannot be read. */
  source: 'fleet.yaml' | 'default';
}

/** Reads `<root>/fleet.yaml` (never through a link) for its `api` section. */
export function readFleetBudget(root: string): FleetBudget {
  const read = readConfined(root, 'fleet.yaml', MAX_YAML_BYTES);
  if (!read.ok) return { api: { ...defaultPolicy().api }, source: 'default' };
  const parsed = parseFleetFile('fleet.yaml', read.bytes);
  return { api: { ...buildPolicy(parsed).policy.api }, source: 'fleet.yaml' };
}
