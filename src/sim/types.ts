/**
 * The public shapes of the OVHcloud API simulator: options of `startSimulator()`, the running
 * handle, the in-process control surface (same powers as the HTTP `/_sim/` endpoints) and the
 * records it keeps. Other stages (contract tests, executor tests, benchmark, demo) code against
 * these; keep them additive.
 */
import type { ExpandedAnswerFault } from './expanded-listing.js';
import type { SimProbeMap, SimProbePorts, SimProbeTarget } from './probe-map.js';
import type { ProbeFault, ProbeFaultSettings, ProbeState } from './probe-state.js';
import type {
  CompatibleTemplates,
  DedicatedServer,
  HardwareSpecifications,
  ReinstallBody,
  TaskStatus,
} from '../ovh/types.js';

/** Options of {@link startSimulator}; every field is optional. */
export interface SimulatorOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 = any free port. */
  port?: number;
  /** Where cert.pem/key.pem are written; default a fresh temporary directory. */
  tlsDir?: string;
  /** Number of servers of a freshly seeded account; default 12. */
  servers?: number;
  /** PRNG seed; same seed => same account, byte for byte. Default 1. */
  seed?: number;
  /** Time scale of reinstall tasks: 1 = realistic (~11 min), 600 = ~1 s. Default 1. */
  speed?: number;
  /** State file: loaded if present, written (temp + rename) after changes and on close. */
  statePath?: string;
  /** Credentials the simulator accepts; defaults are {@link DEFAULT_CREDENTIALS}. */
  credentials?: Partial<SimCredentials>;
  /** Faults injected from the start; defaults are {@link DEFAULT_FAULTS} (no faults). */
  faults?: Partial<FaultConfig>;
  /** Initial simulator clock (ms epoch); default Date.now(). Ignored when a state file is loaded. */
  startTime?: number;
  /** Maximum number of request records kept (oldest dropped first); default 200,000. */
  requestLogCapacity?: number;
}

/** The application key set the simulator accepts. */
export interface SimCredentials {
  appKey: string;
  appSecret: string;
  /** A consumer key granted every call. */
  consumerKey: string;
  /** A consumer key granted GET calls only; anything else gets 403 NOT_GRANTED_CALL. */
  readOnlyConsumerKey: string;
  /**
   * More consumer keys, each granted only the calls its access rules match (OVHcloud's
   * `accessRules` of POST /auth/credential: a method and a path where `*` matches anything,
   * slashes included). A signed call such a key makes is checked even on the unauthenticated
   * catalog routes (the cautious reading: whether OVHcloud checks them there is not recorded).
   */
  accessRules?: Record<string, readonly SimAccessRule[]>;
}

/** One access rule of a consumer key. */
export interface SimAccessRule {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Without the /1.0 prefix, e.g. `/dedicated/server/*`. */
  path: string;
}

/**
 * Faults injected on demand. Shares are probabilities in [0, 1] drawn from a PRNG seeded with the
 * simulator's seed, so a given sequence of requests meets the same faults on every run.
 */
export interface FaultConfig {
  /** Requests per minute allowed per consumer key (fixed windows of the sim clock); 0 = no limit. */
  rateLimitPerMinute: number;
  /** Share of API requests answered 500 or 503 instead of being served. */
  errorRate: number;
  /** Added latency on every API answer, in real milliseconds. */
  latencyMs: number;
  /** Random extra latency in [0, latencyJitterMs) real milliseconds. */
  latencyJitterMs: number;
  /** Share of API requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** Share of reinstall tasks that end in customerError or ovhError. */
  taskFailureRate: number;
  /**
   * When true, a 5xx or drop drawn for `POST …/reinstall` strikes AFTER the task was created:
   * the reinstall runs but the client sees a 500 or a dropped connection.
   */
  ambiguousWrites: boolean;
  /** Accepted distance between X-Ovh-Timestamp and the sim clock, in seconds; 0 = not checked. */
  timestampToleranceSec: number;
  /**
   * Lag of the task list: `GET …/task` leaves out tasks created less than this many ms of sim
   * time ago (a stale cached list). `GET …/task/{id}`, TaskAlreadyExists and install/status
   * still see them. 0 = no lag.
   */
  taskListLagMs: number;
  /**
   * Share of `POST …/reinstall` whose task IS created but whose answer is lost (the connection is
   * dropped): an ambiguous write on its own, without touching other requests.
   */
  lostReinstallAnswers: number;
  /**
   * Expanded listing (`X-Pagination-Mode: CachedObjectList-Pages`): how old, in ms of sim time,
   * the cached object list may be when a request comes without `Pragma: no-cache`. 0 = always
   * current. Default 60,000 (the simulator's choice: OVHcloud's staleness is not confirmed).
   */
  expandedCacheMs: number;
  /** Largest `X-Pagination-Size` accepted (400 beyond it); default 10,000 (real limit unconfirmed). */
  expandedPageSizeLimit: number;
  /**
   * Spoils expanded answers of `GET /dedicated/server` and `GET …/task` for fallback tests:
   * `ids` (the header is ignored: plain ids, no pagination headers), `missing-object`,
   * `extra-object`, `malformed-object`, `wrong-total`, `shifting-list` (the list changes between
   * pages); `faithful` (default) = no fault. See src/sim/expanded-listing.ts.
   */
  expandedAnswer: ExpandedAnswerFault;
  /**
   * How servers come back on the network after a reinstall that ended `done`, fleet-wide (a
   * server's own setting, `POST /_sim/servers/{serviceName}`, wins): `none` (default),
   * `never-comes-back`, `late`, `ssh-up-http-down`, `flapping`. See src/sim/probe-state.ts.
   */
  probeFault: ProbeFault;
  /** `late`: seconds of sim time after the task's end before the server answers; default 60. */
  probeLateSec: number;
  /** `flapping`: seconds of sim time of each up and each down phase; default 10. */
  probeFlapSec: number;
}

/** A server's own probe faults: a value overrides the fleet-wide one, null removes the override. */
export type SimProbeFaultPatch = { [K in keyof ProbeFaultSettings]?: ProbeFaultSettings[K] | null };

/** A server as probes see it (`GET /_sim/servers/{serviceName}`). */
export interface SimProbeServer {
  serviceName: string;
  /** What the API reports. */
  ip: string;
  reverse: string | null;
  os: string;
  /** Its loopback address and the simulator's two probe ports. */
  host: string;
  ports: SimProbePorts;
  /** What answers now, and why. */
  state: ProbeState;
  /** The probe faults in force for this server (its own, else the fleet-wide ones). */
  faults: ProbeFaultSettings;
  /** Only the server's own settings. */
  overrides: Partial<ProbeFaultSettings>;
  /**
   * Why the simulator could not listen on the server's address, per protocol, or null. Seen on
   * systems where only 127.0.0.1 is a loopback address (macOS: EADDRNOTAVAIL).
   */
  listenErrors: Record<keyof SimProbePorts, string | null>;
}

/** One API request the simulator received (never `/_sim/` requests). */
export interface SimRequestRecord {
  /** Sim clock (ms epoch) when the request arrived. */
  time: number;
  method: string;
  /** Path without the /1.0 (or /v1) prefix, with the query string. */
  path: string;
  /** Parsed JSON body, or null when there was none (or it was not JSON: then the raw text). */
  body: unknown;
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number;
  /** X-Ovh-Consumer header (or `bearer:<client>` for OAuth2), null when absent. */
  consumerKey: string | null;
  /** The X-Ovh-QueryID sent back. */
  queryId: string;
  /**
   * Present only when the request carried `X-Pagination-Mode` (expanded listing): the raw
   * header values (null when absent) and whether `Pragma: no-cache` was sent.
   */
  pagination?: { mode: string; number: string | null; size: string | null; noCache: boolean };
}

/** A full `dedicated.server.DedicatedWithIAM` object as the simulator serves it. */
export interface SimDedicatedServer extends DedicatedServer {
  bootScript: string | null;
  rescueSshKey: string | null;
}

/** One server of the simulated account, with what the API shows about it. */
export interface SimServer {
  server: SimDedicatedServer;
  hardware: HardwareSpecifications;
  compatibleTemplates: CompatibleTemplates;
}

/** Out-of-band change of a server (`POST /_sim/servers/{serviceName}`). */
export type SimServerPatch = Partial<Omit<SimDedicatedServer, 'name'>> & {
  /** Replaces the `ovh` list of install/compatibleTemplates. */
  compatibleTemplates?: string[];
};

/** A reinstall task started out of band, as if another tool had posted it. */
export interface ForeignTaskOptions {
  /** Template the task installs; default the server's current OS (or debian12_64). */
  operatingSystem?: string;
  /** How long ago (sim ms) the task started; default 0. */
  startedAgoMs?: number;
  /** Final status; default `done`. */
  outcome?: 'done' | 'customerError' | 'ovhError';
}

/** What a reinstall task is, stored; its status is computed from the clock when read. */
export interface SimTask {
  taskId: number;
  serviceName: string;
  function: 'reinstallServer';
  /** Sim clock when the task was created. */
  createdAt: number;
  /** Sim ms from creation to the end of the task. */
  durationMs: number;
  body: ReinstallBody;
  /** How the task ends. */
  outcome: TaskOutcome;
  /** Set once the end of the task was applied to the server (os, efiBootloaderPath). */
  applied: boolean;
  /** True when started through the control surface rather than POST /reinstall. */
  foreign: boolean;
}

/** The end of a task, decided when it is created. */
export type TaskOutcome =
  | { status: 'done' }
  | { status: 'customerError' | 'ovhError'; failedStep: number; comment: string; error: string };

/** A task's state at one instant. */
export interface TaskView {
  status: TaskStatus;
  comment: string;
  lastUpdate: number;
  doneAt: number | null;
}

/** In-process equivalent of the HTTP `/_sim/` endpoints. */
export interface SimControl {
  /** Every API request received, oldest first (bounded by requestLogCapacity). */
  requests(): SimRequestRecord[];
  clearRequests(): void;
  /** Merges a partial fault configuration; returns the whole configuration now in force. */
  setFaults(partial: Partial<FaultConfig>): FaultConfig;
  faults(): FaultConfig;
  /** Moves the sim clock forward by `ms`; returns the new sim time. */
  advanceClock(ms: number): number;
  /** The sim clock (ms epoch). */
  now(): number;
  /** A deep copy of one server; changes nothing. Throws SimNotFoundError for an unknown service name. */
  server(serviceName: string): SimServer;
  /** Changes a server out of band; throws SimNotFoundError for an unknown service name. */
  updateServer(serviceName: string, patch: SimServerPatch): SimServer;
  /** Starts a reinstall task nobody posted through the API; returns its id. */
  startForeignTask(serviceName: string, options?: ForeignTaskOptions): number;
  /** A deep copy of every server, with hardware, compatible templates and current os. */
  account(): SimServer[];
  /** Where every server answers probes (the documented rule, applied). Opens no listener. */
  probeMap(): SimProbeMap;
  /**
   * A server as probes see it; opens its listeners (when it is up) before resolving. Throws
   * SimNotFoundError for an unknown service name.
   */
  probeServer(serviceName: string): Promise<SimProbeServer>;
  /**
   * Where to probe TCP `port` of `target` (service name, reported ip or reverse); opens the
   * server's listeners (when it is up) before resolving. Throws SimNotFoundError when no server
   * has that name or address.
   */
  probeTarget(target: string, port: number): Promise<SimProbeTarget>;
  /** Sets or clears a server's own probe faults; returns the settings now in force for it. */
  setServerProbeFaults(serviceName: string, patch: SimProbeFaultPatch): ProbeFaultSettings;
}

/** A simulator that listens; see {@link startSimulator}. */
export interface RunningSimulator {
  /** Exactly https://127.0.0.1:PORT/1.0 (the host is the listening host). */
  url: string;
  port: number;
  /** PEM of the self-signed certificate (also written to tlsDir/cert.pem). */
  caCert: string;
  certPath: string;
  credentials: SimCredentials;
  control: SimControl;
  /** The simulator's two probe ports, the same on every server's loopback address. */
  probePorts: SimProbePorts;
  /** Stops listening (API and every probe listener) and persists state when statePath is set. */
  close(): Promise<void>;
}
