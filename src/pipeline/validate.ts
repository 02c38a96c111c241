/**
 * The validate stage of the pipeline, second half: after observe, the fleet is read again with
 * the validator that also checks the API's facts (catalog dates, account, compatibility and disk
 * groups of the servers that may be reinstalled); the read reuses the load stage's parsing
 * through its ReadCache. Offline (no facts), the load stage's schema-checked read is the last.
 * Failed API calls become diagnostics of the file that names the server.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { STATUS_DIR, type AppliedRecords } from '../records/read-records.js';
import type { InvalidEntry } from '../plan/types.js';
import { readFleet } from '../specs/read-fleet.js';
import type { FleetRepository } from '../specs/types.js';
import type { CatalogFacts } from '../validate/catalog-facts.js';
import { createFileValidator } from '../validate/file-validator.js';
import type { Loaded, LoadedSpecs } from './load.js';
import type { Observed } from './observe.js';

/** The fleet as validated against the schemas and the API's facts. */
export interface Validated {
  fleet: FleetRepository;
  /** Spec, record and API diagnostics, in that order. */
  diagnostics: Diagnostic[];
  /** The spec files that cannot be planned, each with its diagnostics. */
  invalid: InvalidEntry[];
}

/** Validates the loaded fleet with what observing learned; `now` dates the catalog checks. */
export async function validateObserved(loaded: Loaded, observed: Observed, now: number): Promise<Validated> {
  const { observation } = observed;
  const { records } = loaded;
  const fleet = observation.facts ? await validateWithFacts(loaded, observation.facts, now) : loaded.fleet;
  const apiDiagnostics = observation.errors.map((e): Diagnostic => {
    const file = fileOf(fleet, records, e.serviceName);
    const where = `${e.error.method} ${e.error.path}${e.error.status === undefined ? '' : ` (HTTP ${e.error.status})`}`;
    return {
      file,
      line: 1,
      column: 1,
      severity: 'error',
      code: e.error.code,
      message: `observing ${e.serviceName ?? 'the account'}: ${where}: ${e.error.message}`,
    };
  });
  const diagnostics = [...fleet.diagnostics, ...records.diagnostics, ...apiDiagnostics];
  const invalid: InvalidEntry[] = fleet.invalid.map((i) => ({
    file: i.file,
    serviceName: i.serviceName,
    diagnostics: fleet.diagnostics.filter((d) => d.file === i.file),
  }));
  return { fleet, diagnostics, invalid };
}

/**
 * Reads the loaded fleet again with the validator that also checks `facts` (what the API says
 * of the catalog, the account and the servers), reusing the load stage's parsing.
 */
export async function validateWithFacts(
  loaded: LoadedSpecs,
  facts: CatalogFacts,
  now: number,
): Promise<FleetRepository> {
  return readFleet(loaded.repo, {
    validate: createFileValidator(loaded.schemas, facts, { now, ...loaded.compileOptions }),
    cache: loaded.readCache,
    ...loaded.readOptions,
  });
}

function fileOf(fleet: FleetRepository, records: AppliedRecords, name: string | null): string {
  if (name === null) return 'fleet.yaml';
  const spec =
    fleet.specs.find((s) => s.serviceName === name) ?? fleet.invalid.find((i) => i.serviceName === name);
  if (spec) return spec.file;
  return records.applied.has(name) ? `${STATUS_DIR}/${name}.yaml` : 'fleet.yaml';
}
