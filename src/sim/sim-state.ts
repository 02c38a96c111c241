/**
 * The simulator's model: the account (servers, hardware, compatible templates), the reinstall
 * tasks and the sim clock. Task state is derived from the clock when read (tasks.ts); the end of a
 * task is applied to its server (os, efiBootloaderPath) the first time the server is looked at
 * after the task ended. Every mutation calls `onChange` so the shell can persist (debounced).
 */
import type { ReinstallBody } from '../ovh/types.js';
import { buildAccount } from './account.js';
import { defaultEfiBootloaderPath } from './catalog.js';
import { mixSeed } from './prng.js';
import {
  REINSTALL_DURATION_MS,
  decideOutcome,
  failureOutcome,
  isPurged,
  taskEnd,
  viewTask,
} from './tasks.js';
import type { ForeignTaskOptions, SimServer, SimServerPatch, SimTask, TaskOutcome } from './types.js';

/** Thrown by the control surface for an unknown service name. */
export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}

/** What is persisted to the state file (format version 1). */
export interface SimSnapshot {
  formatVersion: 1;
  seed: number;
  /** Sim clock when the snapshot was taken. */
  simNow: number;
  /** Real clock (Date.now) when the snapshot was taken: the sim clock keeps running while stopped. */
  realNow: number;
  nextTaskId: number;
  servers: SimServer[];
  tasks: SimTask[];
}

const PENDING = new Set(['init', 'todo', 'doing']);

/** The mutable model of one simulator. */
export class SimState {
  private readonly servers = new Map<string, SimServer>();
  private readonly tasksByServer = new Map<string, SimTask[]>();
  private readonly tasksById = new Map<number, SimTask>();
  /** The latest reinstall of each server, kept after its task is purged (probe-state.ts). */
  private readonly latestByServer = new Map<string, SimTask>();
  private offset: number;
  private nextTaskId: number;
  onChange: () => void = () => undefined;
  /** Called when a reinstall task is created (after onChange). */
  onTask: (task: Readonly<SimTask>) => void = () => undefined;

  constructor(
    readonly seed: number,
    readonly speed: number,
    private readonly realNow: () => number,
    init: { servers: SimServer[]; simNow: number; nextTaskId?: number; tasks?: SimTask[] },
  ) {
    for (const s of init.servers) {
      this.servers.set(s.server.name, s);
      this.tasksByServer.set(s.server.name, []);
    }
    for (const t of init.tasks ?? []) {
      this.tasksById.set(t.taskId, t);
      this.tasksByServer.get(t.serviceName)?.push(t);
      this.noteLatest(t);
    }
    this.offset = init.simNow - realNow();
    this.nextTaskId = init.nextTaskId ?? 400_000_000 + (mixSeed(seed, 0x7a51) % 200_000_000);
  }

  /** A fresh account for (count, seed), its clock starting at `startTime`. */
  static seeded(
    count: number,
    seed: number,
    speed: number,
    startTime: number,
    realNow: () => number,
  ): SimState {
    return new SimState(seed, speed, realNow, { servers: buildAccount(count, seed), simNow: startTime });
  }

  /** Restores a snapshot; the sim clock resumes as if it had kept running while stopped. */
  static restore(snapshot: SimSnapshot, speed: number, realNow: () => number): SimState {
    const elapsed = Math.max(0, realNow() - snapshot.realNow);
    return new SimState(snapshot.seed, speed, realNow, {
      servers: snapshot.servers,
      tasks: snapshot.tasks,
      nextTaskId: snapshot.nextTaskId,
      simNow: snapshot.simNow + elapsed,
    });
  }

  now(): number {
    return this.realNow() + this.offset;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceMs must be a number >= 0');
    this.offset += ms;
    this.onChange();
    return this.now();
  }

  serviceNames(): string[] {
    return [...this.servers.keys()];
  }

  /** The server with every finished task applied, or undefined. The object is live: do not leak it. */
  server(name: string): SimServer | undefined {
    const server = this.servers.get(name);
    if (server) this.settle(name, server);
    return server;
  }

  private settle(name: string, server: SimServer): void {
    const tasks = this.tasksByServer.get(name);
    if (!tasks || tasks.length === 0) return;
    const now = this.now();
    let changed = false;
    for (const task of tasks) {
      if (task.applied || now < taskEnd(task)) continue;
      task.applied = true;
      changed = true;
      if (task.outcome.status === 'done') {
        server.server.os = task.body.operatingSystem;
        const efi = task.body.customizations?.['efiBootloaderPath'];
        server.server.efiBootloaderPath =
          typeof efi === 'string' ? efi : defaultEfiBootloaderPath(task.body.operatingSystem);
      }
    }
    const kept = tasks.filter((t) => !(t.applied && isPurged(t, now)));
    if (kept.length !== tasks.length) {
      for (const t of tasks) if (!kept.includes(t)) this.tasksById.delete(t.taskId);
      this.tasksByServer.set(name, kept);
      changed = true;
    }
    if (changed) this.onChange();
  }

  /** Tasks of a server still visible (not purged), oldest first. */
  tasks(name: string): SimTask[] {
    const server = this.servers.get(name);
    if (!server) return [];
    this.settle(name, server);
    return [...(this.tasksByServer.get(name) ?? [])];
  }

  task(name: string, taskId: number): SimTask | undefined {
    return this.tasks(name).find((t) => t.taskId === taskId);
  }

  /** The task still running on the server (init, todo or doing), if any. */
  runningTask(name: string): SimTask | undefined {
    const now = this.now();
    return this.tasks(name).find((t) => PENDING.has(viewTask(t, now).status));
  }

  /** The latest reinstall task, for install/status. */
  latestTask(name: string): SimTask | undefined {
    const tasks = this.tasks(name);
    return tasks[tasks.length - 1];
  }

  /** Creates a reinstall task (the caller has validated the body). */
  createTask(name: string, body: ReinstallBody, failureRate: number): SimTask {
    const taskId = this.allocateTaskId();
    return this.addTask({
      taskId,
      serviceName: name,
      function: 'reinstallServer',
      createdAt: this.now(),
      durationMs: Math.max(1, Math.round(REINSTALL_DURATION_MS / this.speed)),
      body: structuredClone(body),
      outcome: decideOutcome(this.seed, taskId, failureRate, body.operatingSystem),
      applied: false,
      foreign: false,
    });
  }

  /** Starts a task nobody posted through the API (another tool, the OVHcloud manager). */
  createForeignTask(name: string, options: ForeignTaskOptions = {}): SimTask {
    const server = this.server(name);
    if (!server) throw new SimNotFoundError(`no server ${name} in the simulated account`);
    const os = options.operatingSystem ?? (server.server.os || 'debian12_64');
    const outcome: TaskOutcome =
      !options.outcome || options.outcome === 'done' ? { status: 'done' } : failureOutcome(options.outcome);
    return this.addTask({
      taskId: this.allocateTaskId(),
      serviceName: name,
      function: 'reinstallServer',
      createdAt: this.now() - (options.startedAgoMs ?? 0),
      durationMs: Math.max(1, Math.round(REINSTALL_DURATION_MS / this.speed)),
      body: { operatingSystem: os },
      outcome,
      applied: false,
      foreign: true,
    });
  }

  private allocateTaskId(): number {
    const id = this.nextTaskId;
    this.nextTaskId += 1 + (mixSeed(this.seed, id) % 37);
    return id;
  }

  private addTask(task: SimTask): SimTask {
    this.tasksById.set(task.taskId, task);
    this.tasksByServer.get(task.serviceName)?.push(task);
    this.noteLatest(task);
    this.onChange();
    this.onTask(task);
    return task;
  }

  private noteLatest(task: SimTask): void {
    const known = this.latestByServer.get(task.serviceName);
    if (!known || task.createdAt >= known.createdAt) this.latestByServer.set(task.serviceName, task);
  }

  /**
   * The latest reinstall task of a server, still known after the task is purged (not across a
   * restart from a state file, which keeps only unpurged tasks). Do not change it.
   */
  latestReinstall(name: string): Readonly<SimTask> | undefined {
    return this.latestByServer.get(name);
  }

  /** The servers that have had a reinstall task (since start, or in the loaded state file). */
  reinstalledServers(): string[] {
    return [...this.latestByServer.keys()];
  }

  /** Applies an out-of-band change to a server. */
  updateServer(name: string, patch: SimServerPatch): SimServer {
    const server = this.server(name);
    if (!server) throw new SimNotFoundError(`no server ${name} in the simulated account`);
    const { compatibleTemplates, ...fields } = patch;
    Object.assign(server.server, structuredClone(fields));
    if (compatibleTemplates) server.compatibleTemplates = { ovh: [...compatibleTemplates], personal: [] };
    this.onChange();
    return structuredClone(server);
  }

  /** A deep copy of every server, finished tasks applied. */
  account(): SimServer[] {
    return this.serviceNames().map((name) => structuredClone(this.server(name) as SimServer));
  }

  snapshot(): SimSnapshot {
    const servers = this.account();
    const tasks: SimTask[] = [];
    for (const name of this.serviceNames()) tasks.push(...this.tasks(name));
    return {
      formatVersion: 1,
      seed: this.seed,
      simNow: this.now(),
      realNow: this.realNow(),
      nextTaskId: this.nextTaskId,
      servers,
      tasks: structuredClone(tasks),
    };
  }
}
