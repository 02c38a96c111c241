/**
 * Observation: what the OVHcloud API shows about the fleet, gathered for the planner (the public
 * surface of src/observe/). docs/plan.md, "Observation and caching", explains the rules.
 */
export {
  observeFleet,
  type ObserveError,
  type ObserveOptions,
  type ObserveResult,
  type ObserveStats,
} from './observe-fleet.js';
export { REINSTALL_FUNCTION, type ActionOf, type ObservationSource } from './observe-server.js';
export type { ExpandedListing } from './read-account.js';
export { EXPANDED_PAGE_SIZE, expandedPages } from './server-list.js';
export {
  CACHE_FILE_NAME,
  FileObservationCache,
  MemoryObservationCache,
  openFileObservationCache,
  type ObservationCache,
  type Stamped,
} from './cache.js';
export { DEFAULT_LIFETIMES, type ObserveLifetimes } from './cached-values.js';
export { emptyCallCounts, totalCalls, type CallCounts, type ObserveMethod } from './counting-api.js';
