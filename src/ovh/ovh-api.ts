/**
 * The port through which everything in ovh-fleet reaches the OVHcloud API: the calls of the
 * reinstall flow and nothing else. One implementation talks to OVHcloud through the official
 * client (ovh-client-adapter.ts); every failure is an {@link OvhApiError}.
 */
import type {
  CompatibleTemplates,
  DedicatedServer,
  HardwareSpecifications,
  InstallProgress,
  ReinstallBody,
  ServerTask,
  TaskResponse,
  TaskStatus,
  Template,
  TemplateInfo,
} from './types.js';

/**
 * Who is asking, so that a shared request budget serves the urgent first: `write` (reinstall
 * posts and their preflight), `follow` (running tasks), `plan` (observing servers for a plan),
 * `background` (catalog, `status` reads). Lower in this list waits longer.
 */
export type RequestPriority = 'write' | 'follow' | 'plan' | 'background';

export interface CallOptions {
  priority?: RequestPriority;
  signal?: AbortSignal;
}

export interface TaskFilter {
  function?: string;
  status?: TaskStatus;
}

/** Options of an expanded listing (API-NOTES §5.6, `X-Pagination-Mode: CachedObjectList-Pages`). */
export interface ExpandedOptions extends CallOptions {
  /**
   * Ask for a fresh list (`Pragma: no-cache`). Without it OVHcloud may answer from a cached
   * object list of unknown age: such an answer is never proof of a server's current state.
   */
  fresh?: boolean;
}

/**
 * The answer of an expanded listing: every object, checked (`objects`), or `unavailable` when
 * the API answered plain ids (it ignored the header) or an answer that failed a check (objects
 * missing, extra or malformed, pages that changed between requests, a total that disagrees with
 * the list). `unavailable` is never an error: the caller falls back to per-object calls, and
 * `reason` is the diagnostic it logs.
 */
export type ExpandedList<T> =
  | { kind: 'objects'; objects: T[]; fresh: boolean; calls: number }
  | { kind: 'unavailable'; reason: string; calls: number };

export interface OvhApi {
  listServers(options?: CallOptions): Promise<string[]>;
  /** `GET /dedicated/server`, expanded: every server object of the account, all pages. */
  listServersExpanded(options?: ExpandedOptions): Promise<ExpandedList<DedicatedServer>>;
  /** `GET /dedicated/server/{serviceName}/task`, expanded: the task objects, filtered. */
  listTasksExpanded(
    serviceName: string,
    filter?: TaskFilter,
    options?: ExpandedOptions,
  ): Promise<ExpandedList<ServerTask>>;
  getServer(serviceName: string, options?: CallOptions): Promise<DedicatedServer>;
  getCompatibleTemplates(serviceName: string, options?: CallOptions): Promise<CompatibleTemplates>;
  getHardware(serviceName: string, options?: CallOptions): Promise<HardwareSpecifications>;
  listTemplateInfos(options?: CallOptions): Promise<TemplateInfo[]>;
  getTemplate(templateName: string, options?: CallOptions): Promise<Template>;
  /**
   * Posts a reinstall. Never retried: after an ambiguous failure (error.ambiguous) the caller
   * must look at `listTasks` before deciding anything.
   */
  reinstall(serviceName: string, body: ReinstallBody, options?: CallOptions): Promise<TaskResponse>;
  listTasks(serviceName: string, filter?: TaskFilter, options?: CallOptions): Promise<number[]>;
  getTask(serviceName: string, taskId: number, options?: CallOptions): Promise<ServerTask>;
  /**
   * OVHcloud's clock (`GET /auth/time`, unauthenticated), in milliseconds since the epoch (the
   * API answers whole seconds). Task dates are in this clock, not in ours.
   */
  getApiTime(options?: CallOptions): Promise<number>;
  /** `null` when the server is not being installed (OVHcloud answers 404 then). */
  getInstallProgress(serviceName: string, options?: CallOptions): Promise<InstallProgress | null>;
}
