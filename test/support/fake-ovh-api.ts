/**
 * A small in-memory OvhApi for the executor's tests that keeps OVHcloud's protocol: a reinstall
 * while a task runs is refused with TaskAlreadyExists, tasks move init -> todo -> doing -> done
 * (or an error status) with the clock, install/status is null (404) when idle, finished tasks are
 * purged (404) after a retention, the server's os changes on done. Faults can make a POST fail
 * ambiguously before or after it took effect.
 */
import type { Clock } from '../../src/core/clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { CallOptions, OvhApi, TaskFilter } from '../../src/ovh/ovh-api.js';
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

export interface FakeServer {
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

export const STEP_NAMES = [
  'Checking BIOS version',
  'Cleaning Partitioning',
  'Applying Partitioning',
  'Downloading OS image',
  'Sending end of installation mail',
];

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

  constructor(
    private readonly clock: Clock,
    readonly catalog: TemplateInfo[] = [
      info('debian12_64', '2029-07-01'),
      info('debian11_64', '2020-01-01'),
      info('ubuntu2404-server_64', '2034-04-30'),
    ],
  ) {}

  addServer(name: string, server: Partial<FakeServer> = {}): void {
    this.servers.set(name, {
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

  async getServer(serviceName: string, options?: CallOptions): Promise<DedicatedServer> {
    const server = this.server('getServer', serviceName, options);
    return { name: serviceName, os: server.os, state: server.state } as DedicatedServer;
  }

  async getCompatibleTemplates(serviceName: string, options?: CallOptions): Promise<CompatibleTemplates> {
    return { ovh: [...this.server('getCompatibleTemplates', serviceName, options).compatible], personal: [] };
  }

  async getHardware(): Promise<HardwareSpecifications> {
    throw new Error('not used by the executor');
  }

  async listTemplateInfos(options?: CallOptions): Promise<TemplateInfo[]> {
    this.log('listTemplateInfos', '', options);
    return structuredClone(this.catalog);
  }

  async getTemplate(): Promise<Template> {
    throw new Error('not used by the executor');
  }

  async reinstall(serviceName: string, body: ReinstallBody, options?: CallOptions): Promise<TaskResponse> {
    const server = this.server('reinstall', serviceName, options, body);
    const fault = this.postFaults.shift();
    if (fault === 'before') throw ambiguousError(serviceName);
    const running = this.tasks.find((t) => t.serviceName === serviceName && isPending(this.status(t)));
    if (running) {
      throw new OvhApiError({
        code: 'api-task-already-exists',
        disposition: 'busy',
        status: 400,
        message: `Task ${running.taskId} of type reinstallServer with status ${this.status(running)} is already running on server ${serviceName}`,
        method: 'POST',
        path: `/dedicated/server/${serviceName}/reinstall`,
      });
    }
    if (!server.compatible.includes(body.operatingSystem)) {
      throw new OvhApiError({
        code: 'api-os-incompatible',
        disposition: 'terminal',
        status: 409,
        message: `Operating system ${body.operatingSystem} is not compatible for server ${serviceName}`,
        method: 'POST',
        path: `/dedicated/server/${serviceName}/reinstall`,
      });
    }
    const task = this.createTask(serviceName, body.operatingSystem);
    if (fault === 'after') throw ambiguousError(serviceName);
    return {
      taskId: task.taskId,
      function: 'reinstallServer',
      status: 'init',
      comment: 'Start bare metal OS installation',
      startDate: new Date(task.createdAt).toISOString(),
      doneDate: null,
    };
  }

  async listTasks(serviceName: string, filter?: TaskFilter, options?: CallOptions): Promise<number[]> {
    this.server('listTasks', serviceName, options);
    return this.tasks
      .filter((t) => t.serviceName === serviceName && !this.purged(t))
      .filter((t) => !filter?.status || this.status(t) === filter.status)
      .map((t) => t.taskId);
  }

  async getTask(serviceName: string, taskId: number, options?: CallOptions): Promise<ServerTask> {
    this.server('getTask', serviceName, options);
    const task = this.tasks.find((t) => t.serviceName === serviceName && t.taskId === taskId);
    if (!task || this.purged(task)) throw notFound(`/dedicated/server/${serviceName}/task/${taskId}`);
    const status = this.status(task);
    const end = task.createdAt + 2 * this.queueMs + this.installMs;
    const ended = !isPending(status);
    return {
      taskId,
      function: 'reinstallServer',
      status,
      comment: status === 'customerError' || status === 'ovhError' ? task.fail!.comment : 'Reinstalling',
      startDate: new Date(task.createdAt).toISOString(),
      doneDate: ended ? new Date(end).toISOString() : null,
      lastUpdate: null,
    };
  }

  async getInstallProgress(serviceName: string, options?: CallOptions): Promise<InstallProgress | null> {
    this.server('getInstallProgress', serviceName, options);
    const task = this.tasks.find((t) => t.serviceName === serviceName && this.status(t) === 'doing');
    if (!task) return null;
    const elapsed = this.clock.now() - task.createdAt - 2 * this.queueMs;
    const current = task.hang
      ? 2
      : Math.min(STEP_NAMES.length - 1, Math.floor((elapsed / this.installMs) * STEP_NAMES.length));
    return {
      elapsedTime: Math.floor(elapsed / 1000),
      progress: STEP_NAMES.map((comment, i) => ({
        comment,
        status: i < current ? 'done' : i === current ? 'doing' : 'todo',
        error: null,
      })),
    };
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

  private server(
    method: string,
    serviceName: string,
    options?: CallOptions,
    body?: ReinstallBody,
  ): FakeServer {
    this.log(method, serviceName, options, body);
    const server = this.servers.get(serviceName);
    if (!server) throw notFound(`/dedicated/server/${serviceName}`);
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

function isPending(status: TaskStatus): boolean {
  return status === 'init' || status === 'todo' || status === 'doing';
}

function notFound(path: string): OvhApiError {
  return new OvhApiError({
    code: 'api-not-found',
    disposition: 'not-found',
    status: 404,
    message: 'The requested object does not exist',
    method: 'GET',
    path,
  });
}

function ambiguousError(serviceName: string): OvhApiError {
  return new OvhApiError({
    code: 'api-unavailable',
    disposition: 'transient',
    status: 503,
    ambiguous: true,
    message: 'Service Unavailable',
    method: 'POST',
    path: `/dedicated/server/${serviceName}/reinstall`,
  });
}

function info(templateName: string, endOfInstall: string): TemplateInfo {
  return {
    templateName,
    description: templateName,
    category: 'basic',
    family: 'linux',
    subfamily: 'debian',
    endOfInstall,
    license: null,
    project: null,
  };
}
