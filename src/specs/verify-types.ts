/**
 * fleet.yaml `verify`: the health checks run on a server after its reinstall task ends
 * (docs/verification.md). Plain data only (numbers, strings, arrays): a verification in
 * progress keeps a copy of its settings in its state, which must round-trip through JSON and YAML.
 */

/** Open a TCP connection to the server's address on `port`; connected = healthy. */
export interface TcpProbe {
  name: string;
  type: 'tcp';
  port: number;
}

/** Open a TCP connection and read a first line starting with `SSH-` within the timeout. */
export interface SshProbe {
  name: string;
  type: 'ssh';
  /** Default 22. */
  port: number;
}

/**
 * One HTTP(S) request. `url` is a template: `{address}`, `{reverse}` and `{serviceName}` are
 * replaced by the server's values. Redirects are never followed: a 301 is just a status.
 */
export interface HttpProbe {
  name: string;
  type: 'http' | 'https';
  url: string;
  /** The status that means healthy (default 200). */
  expectStatus: number;
  /** Literal text the body's first 64 KiB must contain (not a regular expression); null: any body. */
  bodyContains: string | null;
}

/**
 * An executable of the fleet repository (`command[0]`, repository-relative), run on the daemon
 * host with the server's name and addresses in its environment; exit 0 = healthy. It runs only
 * when the daemon's own configuration allows it (docs/verification.md, "Command probes").
 */
export interface CommandProbe {
  name: string;
  type: 'command';
  /** `[path, ...arguments]`; the arguments are passed as written (no shell, no templating). */
  command: string[];
}

export type ProbeSpec = TcpProbe | SshProbe | HttpProbe | CommandProbe;

/** Every probe type, in the order docs list them. */
export const PROBE_TYPES: readonly ProbeSpec['type'][] = ['tcp', 'ssh', 'http', 'https', 'command'];

/** The checks and timing of one server's verification, every default applied. */
export interface VerifySettings {
  /** Every probe runs in every round; a round passes only when all pass. */
  probes: ProbeSpec[];
  /** From the task's end to the first round. May be 0. */
  initialDelayMs: number;
  /** Between the starts of two rounds. */
  intervalMs: number;
  /** How long one probe may take; at most `intervalMs`. */
  timeoutMs: number;
  /** Passing rounds in a row that make the server `ready`. */
  successes: number;
  /** Failing rounds in a row that make it `unhealthy`. */
  failureLimit: number;
  /** From the task's end to the last round: no verification outlives it. */
  deadlineMs: number;
}

/** A `verify.byLabel` entry: servers whose labels include all of `labels` use `settings`. */
export interface VerifyOverride {
  labels: Record<string, string>;
  settings: VerifySettings;
}

/** fleet.yaml `verify`, read. Absent from the policy: no verification (task done → ready). */
export interface VerifyPolicy {
  /** The fleet's settings. */
  settings: VerifySettings;
  /** In file order; the first entry whose labels all match a server wins. */
  byLabel: VerifyOverride[];
}

/**
 * The timing defaults (docs/verification.md, "Why these defaults"): Kubernetes' probe
 * conventions (no initial delay, one pass is enough, three failures in a row), so that a server
 * is `ready` within one interval of answering; a late server is covered by the deadline.
 */
export const VERIFY_DEFAULTS = {
  initialDelayMs: 0,
  intervalMs: 15_000,
  timeoutMs: 5_000,
  successes: 1,
  failureLimit: 3,
  deadlineMs: 30 * 60_000,
} as const;

/** Default port of an ssh probe. */
export const DEFAULT_SSH_PORT = 22;
/** Default expected status of an http(s) probe. */
export const DEFAULT_EXPECT_STATUS = 200;
