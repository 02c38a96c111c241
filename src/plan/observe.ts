/**
 * Observation: what the OVHcloud API shows about the fleet, gathered for the planner (the public
 * surface of src/plan/observe/). docs/plan.md, "Observation and caching", explains the rules.
 */
export {
  observeFleet,
  type ObserveError,
  type ObserveOptions,
  type ObserveResult,
  type ObserveStats,
} from './observe/observe-fleet.js';
export { REINSTALL_FUNCTION, type ActionOf } from './observe/observe-server.js';
export {
  CACHE_FILE_NAME,
  FileObservationCache,
  MemoryObservationCache,
  openFileObservationCache,
  type ObservationCache,
  type Stamped,
} from './observe/cache.js';
export { DEFAULT_LIFETIMES, type ObserveLifetimes } from './observe/cached-values.js';
export { emptyCallCounts, totalCalls, type CallCounts, type ObserveMethod } from './observe/counting-api.js';
