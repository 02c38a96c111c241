import type { CodeTable } from './registry.js';

/** Codes of OVHcloud API errors, as the adapter classifies them. Filled by the ovh stage. */
export const API_CODES = {} as const satisfies CodeTable;
