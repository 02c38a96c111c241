import type { CodeTable } from './registry.js';
import { SCHEMA_CODES } from './schema-codes.js';
import { SPEC_CODES } from './spec-codes.js';

/** Codes of validation diagnostics (`ovh-fleet validate`): reading problems and schema/catalog checks. */
export const DIAGNOSTIC_CODES = { ...SPEC_CODES, ...SCHEMA_CODES } as const satisfies CodeTable;
