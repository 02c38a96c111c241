/**
 * The OVHcloud API simulator (`ovh-fleet sim`, DESIGN.md §6): the public entry other stages use.
 */
export { startSimulator } from './server.js';
export { buildCatalog, type Catalog } from './catalog.js';
export { DEFAULT_CREDENTIALS, signRequest } from './auth.js';
export { DEFAULT_FAULTS, parseFaultSpec } from './faults.js';
export { DEFAULT_REQUEST_LOG_CAPACITY } from './request-log.js';
export {
  SIM_PROBE_MAX_SERVERS,
  simProbeHost,
  simProbeProtocol,
  simProbeTarget,
  type SimProbeMap,
  type SimProbeMapEntry,
  type SimProbePorts,
  type SimProbeTarget,
} from './probe-map.js';
export {
  PROBE_FAULTS,
  probeStateAt,
  type ProbeCondition,
  type ProbeFault,
  type ProbeFaultSettings,
  type ProbeState,
} from './probe-state.js';
export { sshBannerFor } from './probe-answers.js';
export { INSTALL_STEPS, REINSTALL_DURATION_MS, TASK_RETENTION_MS } from './tasks.js';
export type {
  FaultConfig,
  ForeignTaskOptions,
  RunningSimulator,
  SimControl,
  SimCredentials,
  SimDedicatedServer,
  SimRequestRecord,
  SimServer,
  SimProbeFaultPatch,
  SimProbeServer,
  SimServerPatch,
  SimulatorOptions,
} from './types.js';
