import type { CodeTable } from './registry.js';

/** Codes of validation diagnostics (`ovh-fleet validate`). Filled by the specs and validate stages. */
export const DIAGNOSTIC_CODES = {} as const satisfies CodeTable;
