import type { CodeTable } from './registry.js';

/** Diagnostics of reading the repository: YAML hazards, references, duplicates (src/specs). */
export const SPEC_CODES = {} as const satisfies CodeTable;
