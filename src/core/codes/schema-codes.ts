import type { CodeTable } from './registry.js';

/** Diagnostics of schema and catalog validation (src/validate). */
export const SCHEMA_CODES = {} as const satisfies CodeTable;
