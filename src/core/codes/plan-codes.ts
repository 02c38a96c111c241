import type { CodeTable } from './registry.js';

/** Reason codes of plan entries (DESIGN.md section 2). Filled by the plan stage. */
export const PLAN_CODES = {} as const satisfies CodeTable;
