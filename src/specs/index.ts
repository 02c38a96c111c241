/** Reading the fleet repository: the public surface of src/specs. */
export type * from './types.js';
export { DEFAULT_POLICY } from './types.js';
export {
  parseFleetFile,
  kindOfPath,
  hashBytes,
  MAX_YAML_BYTES,
  MAX_ALIAS_COUNT,
  MAX_DEPTH,
} from './parse-file.js';
export { pointerSegments, escapeSegment } from './positions.js';
export { buildServerSpec, type BuildResult } from './build-spec.js';
export { buildPolicy, parseDuration, isValidTimeZone, INVALID_POLICY_REASON } from './build-policy.js';
export {
  createRepoFiles,
  normalizeRefPath,
  MAX_REF_BYTES,
  type RepoFiles,
  type RefRead,
} from './repo-files.js';
export { ENV_NAME, BASE64_FIELDS, MAX_BASE64_REF_BYTES } from './refs.js';
export { ReadCache } from './read-cache.js';
export { readFleet, type ReadFleetOptions } from './read-fleet.js';
