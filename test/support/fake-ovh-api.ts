/**
 * A small in-memory OvhApi for the executor's tests that keeps OVHcloud's protocol: a reinstall
 * is refused for an unknown OS (404), an incompatible or ended one (409), customizations the
 * template does not ask or of the wrong type (400) and while a task runs (400 TaskAlreadyExists);
 * tasks move init -> todo -> doing -> done (or an error status) with the clock, install/status is
 * null (404) when idle, finished tasks are purged (404) after a retention, the server's os changes
 * on done. Faults can make a POST fail ambiguously before or after it took effect. Expanded
 * listings answer as the `expanded` switch says (objects, stale objects, ids). The contract
 * suite (test/contract/) runs the same assertions on this fake and on the simulator.
 */
import type { Clock } from '../../src/core/clock.js';
import type {
  CallOptions,
  ExpandedList,
  ExpandedOptions,
  OvhApi,
  TaskFilter,
} from '../../src/ovh/ovh-api.js';
import { EXPANDED_PAGE_SIZE } from '../../src/observe/server-list.js';
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
} from '../../src/ovh/types.js';
import {
  ambiguousError,
  answerError,
  fakeCatalog,
  hardwareObject,
  infoOf,
  installSteps,
  notFound,
  refuseBody,
  serverObject,
  STEP_NAMES,
} from './fake-ovh-answers.js';

export interface FakeServer {
  serverId: number;
  os: string;
  state: DedicatedServer['state'];
  compatible: string[];
  /** The next task on this server ends in this status with this comment. */
  failWith?: { status: 'customerError' | 'ovhError'; comment: string };
  /** The next task never leaves `doing` step 3. */
  hang?: boolean;
  /** The next task ends done but the os does not change. */
  inconsistent?: boolean;
}

interface FakeTask {
  taskId: number;
  serviceName: string;
  os: string;
  createdAt: number;
  fail?: FakeServer['failWith'];
  hang: boolean;
  inconsistent: boolean;
  applied: boolean;
}

export { STEP_NAMES };

export interface Call {
  method: string;
  serviceName: string;
  at: number;
  priority: string | undefined;
  body?: ReinstallBody;
}

export class FakeOvhApi implements OvhApi {
  readonly calls: Call[] = [];
  readonly servers = new Map<string, FakeServer>();
  readonly tasks: FakeTask[] = [];
  /** init for `queueMs`, todo for `queueMs`, then doing for `installMs`. */
  queueMs = 10_000;
  installMs = 100_000;
  retentionMs = 3_600_000;
  private nextId = 5000;
  /** Fault of the next POSTs: fail before the task exists, or after it was created. */
  postFaults: ('before' | 'after')[] = [];
  /**
   * How the expanded listings answer: `not-implemented` (the default, like the adapter before
   * expanded listing: `unavailable` at no call, not logged, so tests written before it keep their
   * calls), `ids` (the API ignored the expanded mode: `unavailable` after one call), `objects` (a
   * fresh list), `stale` (objects not proven fresh: `Pragma: no-cache` was not honoured).
   */
  expanded: 'objects' | 'stale' | 'ids' | 'not-implemented' = 'not-implemented';
  /** Lets a test corrupt the server objects of an expanded answer (drop, add, change some). */
  corruptServerList?: (objects: DedicatedServer[]) => DedicatedServer[];

  constructor(
    private readonly clock: Clock,
    readonly catalog: Template[] = fakeCatalog(),
  ) {}

  addServer(name: string, server: Partial<FakeServer> = {}): void {
    this.servers.set(name, {
      serverId: 100_000 + this.servers.size,
      os: 'debian11_64',
      state: 'ok',
      compatible: ['debian11_64', 'debian12_64', 'ubuntu2404-server_64'],
      ...server,
    });
  }

  /** Starts a task nobody here posted. */
  startForeignTask(serviceName: string, os: string): number {
    return this.createTask(serviceName, os).taskId;
  }

  posts(serviceName?: string): Call[] {
    return this.calls.filter(
      (c) => c.method === 'reinstall' && (!serviceName || c.serviceName === serviceName),
    );
  }

  /** OVHcloud's clock: this fake's clock plus `apiClockAheadMs` (not recorded in `calls`). */
  apiClockAheadMs = 0;
  async getApiTime(): Promise<number> {
    return Math.floor((this.clock.now() + this.apiClockAheadMs) / 1000) * 1000;
  }

  async listServers(): Promise<string[]> {
    return [...this.servers.keys()];
  }

  /** Every server object in pages of {@link EXPANDED_PAGE_SIZE}, as {@link expanded} says. */
  async listServersExpanded(options?: ExpandedOptions): Promise<ExpandedList<DedicatedServer>> {
    if (this.expanded === 'not-implemented') return NOT_IMPLEMENTED;
    this.log('listServersExpanded', '', options);
    const objects = [...this.servers].map(([name, s]) => serverObject(name, s.serverId, s));
    return this.expandedAnswer(this.corruptServerList ? this.corruptServerList(objects) : objects);
  }

  /** The server's task objects, filtered like {@link listTasks}, as {@link expanded} says. */
  async listTasksExpanded(
    serviceName: string,
    filter?: TaskFilter,
    options?: ExpandedOptions,
  ): Promise<ExpandedList<ServerTask>> {
    if (this.expanded === 'not-implemented') return NOT_IMPLEMENTED;
    this.server('listTasksExpanded', serviceName, '/task', options);
    const tasks = this.visibleTasks(serviceName, filter).map((t) => this.taskObject(t));
    return this.expandedAnswer(tasks);
  }

  private expandedAnswer<T>(objects: T[]): ExpandedList<T> {
    const calls = Math.max(1, Math.ceil(objects.length / EXPANDED_PAGE_SIZE));
    if (this.expanded === 'ids') {
      return { kind: 'unavailable', reason: 'the API answered ids, not objects (fake)', calls };
    }
    return { kind: 'objects', objects, fresh: this.expanded === 'objects', calls };
  }

  async getServer(serviceName: string, options?: CallOptions): Promise<DedicatedServer> {
    const server = this.server('getServer', serviceName, '', options);
    return serverObject(serviceName, server.serverId, server);
  }

  async getCompatibleTemplates(serviceName: string, options?: CallOptions): Promise<CompatibleTemplates> {
    const server = this.server(
      'getCompatibleTemplates',
      serviceName,
      '/install/compatibleTemplates',
      options,
    );
    return { ovh: [...server.compatible], personal: [] };
  }

  async getHardware(serviceName: string, options?: CallOptions): Promise<HardwareSpecifications> {
    this.server('getHardware', serviceName, '/specifications/hardware', options);
    return hardwareObject();
  }

  async listTemplateInfos(options?: CallOptions): Promise<TemplateInfo[]> {
    this.log('listTemplateInfos', '', options);
    return this.catalog.map(infoOf);
  }

  async getTemplate(templateName: string, options?: CallOptions): Promise<Template> {
    this.log('getTemplate', '', options);
    const found = this.catalog.find((t) => t.templateName === templateName);
    const path = `/dedicated/installationTemplate/${templateName}`;
    if (!found) throw notFound('GET', path, `templateName = ${templateName}`);
    return structuredClone(found);
  }

  async reinstall(serviceName: string, body: ReinstallBody, options?: CallOptions): Promise<TaskResponse> {
    const server = this.server('reinstall', serviceName, '/reinstall', options, body);
    const fault = this.postFaults.shift();
    if (fault === 'before') throw ambiguousError(serviceName);
    const today = new Date(this.clock.now()).toISOString().slice(0, 10);
    const refused = refuseBody(serviceName, body, server.compatible, this.catalog, today);
    if (refused) throw refused;
    const running = this.tasks.find((t) => t.serviceName === serviceName && isPending(this.status(t)));
    if (running) {
      throw answerError(
        'POST',
        `/dedicated/server/${serviceName}/reinstall`,
        400,
        `Task ${running.taskId} of type reinstallServer with status ${this.status(running)} is already running on server ${serviceName}`,
      );
    }
    const task = this.createTask(serviceName, body.operatingSystem);
    if (fault === 'after') throw ambiguousError(serviceName);
    return {
      taskId: task.taskId,
      function: 'reinstallServer',
      status: 'init',
      comment: 'Start bare metal OS installation',
      startDate: new Date(task.createdAt + this.apiClockAheadMs).toISOString(),
      doneDate: null,
    };
  }

  async listTasks(serviceName: string, filter?: TaskFilter, options?: CallOptions): Promise<number[]> {
    this.server('listTasks', serviceName, '/task', options);
    return this.visibleTasks(serviceName, filter).map((t) => t.taskId);
  }

  /** The server's tasks not purged yet, filtered. */
  private visibleTasks(serviceName: string, filter?: TaskFilter): FakeTask[] {
    // Every task of this fake is a reinstall.
    if (filter?.function && filter.function !== 'reinstallServer') return [];
    return this.tasks
      .filter((t) => t.serviceName === serviceName && !this.purged(t))
      .filter((t) => !filter?.status || this.status(t) === filter.status);
  }

  async getTask(serviceName: string, taskId: number, options?: CallOptions): Promise<ServerTask> {
    this.server('getTask', serviceName, `/task/${taskId}`, options);
    const task = this.tasks.find((t) => t.serviceName === serviceName && t.taskId === taskId);
    if (!task || this.purged(task))
      throw notFound('GET', `/dedicated/server/${serviceName}/task/${taskId}`, `taskId = ${taskId}`);
    return this.taskObject(task);
  }

  /** The task as `GET …/task/{id}` answers it. */
  private taskObject(task: FakeTask): ServerTask {
    const { taskId } = task;
    const status = this.status(task);
    const end = task.createdAt + 2 * this.queueMs + this.installMs;
    const ended = !isPending(status);
    return {
      taskId,
      function: 'reinstallServer',
      status,
      comment: status === 'customerError' || status === 'ovhError' ? task.fail!.comment : 'Reinstalling',
      // OVHcloud's dates, in its clock (apiClockAheadMs).
      startDate: new Date(task.createdAt + this.apiClockAheadMs).toISOString(),
      doneDate: ended ? new Date(end + this.apiClockAheadMs).toISOString() : null,
      lastUpdate: null,
    };
  }

  /** Steps while a task is doing; a failed task keeps showing its failed step (API-NOTES §5.3). */
  async getInstallProgress(serviceName: string, options?: CallOptions): Promise<InstallProgress | null> {
    this.server('getInstallProgress', serviceName, '/install/status', options);
    const task = this.tasks.find((t) => t.serviceName === serviceName && this.status(t) === 'doing');
    if (task) return this.steps(task, this.clock.now() - task.createdAt - 2 * this.queueMs);
    const latest = this.tasks.filter((t) => t.serviceName === serviceName).at(-1);
    if (!latest?.fail || this.purged(latest) || this.status(latest) !== latest.fail.status) return null;
    return this.steps(latest, this.installMs);
  }

  /** The install steps `elapsed` ms into the doing phase. */
  private steps(task: FakeTask, elapsed: number): InstallProgress {
    const fraction = task.hang ? 0.5 : elapsed / this.installMs;
    return installSteps(fraction, elapsed, task.fail?.comment);
  }

  /** The status of a task at the clock's now; applies the os change on done. */
  private status(task: FakeTask): TaskStatus {
    const age = this.clock.now() - task.createdAt;
    if (age < this.queueMs) return 'init';
    if (age < 2 * this.queueMs) return 'todo';
    if (task.hang || age < 2 * this.queueMs + this.installMs) return 'doing';
    if (task.fail) return task.fail.status;
    if (!task.applied) {
      task.applied = true;
      if (!task.inconsistent) this.servers.get(task.serviceName)!.os = task.os;
    }
    return 'done';
  }

  private purged(task: FakeTask): boolean {
    return (
      !isPending(this.status(task)) &&
      this.clock.now() > task.createdAt + 2 * this.queueMs + this.installMs + this.retentionMs
    );
  }

  private createTask(serviceName: string, os: string): FakeTask {
    const server = this.servers.get(serviceName)!;
    const task: FakeTask = {
      taskId: this.nextId++,
      serviceName,
      os,
      createdAt: this.clock.now(),
      hang: server.hang ?? false,
      inconsistent: server.inconsistent ?? false,
      applied: false,
      ...(server.failWith ? { fail: server.failWith } : {}),
    };
    delete server.failWith;
    delete server.hang;
    delete server.inconsistent;
    this.tasks.push(task);
    return task;
  }

  /** Logs the call and finds its server; `tail` follows `/dedicated/server/{sn}` in the path. */
  private server(
    method: string,
    serviceName: string,
    tail: string,
    options?: CallOptions,
    body?: ReinstallBody,
  ): FakeServer {
    this.log(method, serviceName, options, body);
    const server = this.servers.get(serviceName);
    const path = `/dedicated/server/${serviceName}${tail}`;
    if (!server)
      throw notFound(method === 'reinstall' ? 'POST' : 'GET', path, `serviceName = ${serviceName}`);
    return server;
  }

  private log(method: string, serviceName: string, options?: CallOptions, body?: ReinstallBody): void {
    this.calls.push({
      method,
      serviceName,
      at: this.clock.now(),
      priority: options?.priority,
      ...(body ? { body: structuredClone(body) } : {}),
    });
  }
}

/** The expanded answer of the default mode, like the adapter's placeholder. */
const NOT_IMPLEMENTED = {
  kind: 'unavailable',
  reason: 'expanded listing is not implemented (fake)',
  calls: 0,
} as const;

function isPending(status: TaskStatus): boolean {
  return status === 'init' || status === 'todo' || status === 'doing';
}
