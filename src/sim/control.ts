/**
 * The simulator's control surface: the in-process {@link SimControl} and the HTTP `/_sim/`
 * endpoints that expose the same powers (never under /1.0, never authenticated):
 * `GET|DELETE /_sim/requests`, `GET|POST /_sim/faults`, `GET|POST /_sim/clock` ({"advanceMs": n}),
 * `GET /_sim/account`, `POST /_sim/servers/{serviceName}` (a patch, and the server's own probe
 * faults), `POST /_sim/servers/{serviceName}/tasks` (a foreign reinstall task: {operatingSystem?,
 * startedAgoMs?, outcome?}), and for probes `GET /_sim/servers/{serviceName}`,
 * `GET /_sim/probe-target?target=…&port=…` and `GET /_sim/probe-map` (probe-network.ts).
 */
import { FleetError } from '../core/errors.js';
import type { FaultInjector } from './faults.js';
import { splitProbePatch, type ProbeFaultBook } from './probe-faults.js';
import { simProbeProtocol } from './probe-map.js';
import type { ProbeNetwork } from './probe-network.js';
import type { RequestLog } from './request-log.js';
import { SimNotFoundError, type SimState } from './sim-state.js';
import type { ForeignTaskOptions, SimControl, SimProbeServer, SimServerPatch } from './types.js';

/** The parts of one simulator its control drives. */
export interface ControlParts {
  state: SimState;
  faults: FaultInjector;
  log: RequestLog;
  probes: ProbeNetwork;
  probeFaults: ProbeFaultBook;
}

/** Builds the in-process control of one simulator. */
export function createControl(parts: ControlParts): SimControl {
  const { state, faults, log, probes, probeFaults } = parts;
  const probeServer = async (serviceName: string): Promise<SimProbeServer> => {
    const host = await probes.ready(serviceName);
    const server = state.server(serviceName)?.server;
    if (!server) throw new SimNotFoundError(`no server ${serviceName} in the simulated account`);
    return {
      serviceName,
      ip: server.ip,
      reverse: server.reverse,
      os: server.os,
      host,
      ports: { ...probes.ports },
      state: probes.stateOf(serviceName),
      faults: probeFaults.settingsOf(serviceName, faults.current),
      overrides: probeFaults.overrides(serviceName),
      listenErrors: probes.listenErrors(serviceName),
    };
  };
  return {
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setFaults: (partial) => {
      const current = faults.update(partial);
      probes.poke();
      return current;
    },
    faults: () => faults.current,
    advanceClock: (ms) => {
      const now = state.advance(ms);
      probes.poke();
      return now;
    },
    now: () => state.now(),
    server: (serviceName) => {
      const server = state.server(serviceName);
      if (!server) throw new SimNotFoundError(`no server ${serviceName} in the simulated account`);
      return structuredClone(server);
    },
    updateServer: (serviceName, patch) => state.updateServer(serviceName, patch),
    startForeignTask: (serviceName, options) => state.createForeignTask(serviceName, options).taskId,
    account: () => state.account(),
    probeMap: () => probes.map(),
    probeServer,
    probeTarget: async (target, port) => {
      const protocol = simProbeProtocol(port);
      const serviceName = findServer(state, target);
      if (!serviceName) throw new SimNotFoundError(`no simulated server is named or addressed ${target}`);
      const host = await probes.ready(serviceName);
      return { serviceName, host, port: probes.ports[protocol], protocol };
    },
    setServerProbeFaults: (serviceName, patch) => {
      if (!state.server(serviceName))
        throw new SimNotFoundError(`no server ${serviceName} in the simulated account`);
      probeFaults.update(serviceName, patch);
      probes.poke();
      return probeFaults.settingsOf(serviceName, faults.current);
    },
  };
}

/** The service name of the server named `target`, or whose reported ip or reverse it is. */
function findServer(state: SimState, target: string): string | undefined {
  const wanted = target.trim().toLowerCase();
  const names = state.serviceNames();
  const byName = names.find((name) => name.toLowerCase() === wanted);
  if (byName) return byName;
  return names.find((name) => {
    const server = state.server(name)?.server;
    return server?.ip === wanted || server?.reverse?.toLowerCase() === wanted;
  });
}

/** An answer of a control endpoint. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Serves one `/_sim/…` request (path without query; the query apart). */
export async function handleControl(
  control: SimControl,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Promise<ControlAnswer> {
  try {
    return await route(control, method, path, query, body);
  } catch (error) {
    if (error instanceof SimNotFoundError) return { status: 404, body: { message: error.message } };
    if (error instanceof FleetError || error instanceof RangeError)
      return { status: 400, body: { message: error.message } };
    throw error;
  }
}

async function route(
  control: SimControl,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Promise<ControlAnswer> {
  const key = `${method} ${path}`;
  if (key === 'GET /_sim/requests') return { status: 200, body: control.requests() };
  if (key === 'DELETE /_sim/requests') {
    control.clearRequests();
    return { status: 200, body: null };
  }
  if (key === 'GET /_sim/faults') return { status: 200, body: control.faults() };
  if (key === 'POST /_sim/faults') {
    if (!isObject(body)) return { status: 400, body: { message: 'body must be a JSON object of faults' } };
    return { status: 200, body: control.setFaults(body) };
  }
  if (key === 'GET /_sim/clock') return { status: 200, body: { now: control.now() } };
  if (key === 'POST /_sim/clock') {
    const advanceMs = isObject(body) ? body['advanceMs'] : undefined;
    if (typeof advanceMs !== 'number')
      return { status: 400, body: { message: 'body must be {"advanceMs": n}' } };
    return { status: 200, body: { now: control.advanceClock(advanceMs) } };
  }
  if (key === 'GET /_sim/account') return { status: 200, body: control.account() };
  if (key === 'GET /_sim/probe-map') return { status: 200, body: control.probeMap() };
  if (key === 'GET /_sim/probe-target') {
    const target = query.get('target');
    const port = Number(query.get('port') ?? '');
    if (!target)
      return { status: 400, body: { message: 'query must have target=<serviceName|ip>&port=<n>' } };
    return { status: 200, body: await control.probeTarget(target, port) };
  }
  const task = /^\/_sim\/servers\/([^/]+)\/tasks$/.exec(path);
  const server = /^\/_sim\/servers\/([^/]+)$/.exec(path);
  const serviceName = decodedSegment(task?.[1] ?? server?.[1] ?? '');
  if ((task || server) && serviceName === null)
    return { status: 400, body: { message: `malformed percent-encoding in ${path}` } };
  if (task && method === 'POST') {
    const options = (isObject(body) ? body : {}) as ForeignTaskOptions;
    return {
      status: 200,
      body: { taskId: control.startForeignTask(serviceName as string, options) },
    };
  }
  if (server && method === 'GET')
    return { status: 200, body: await control.probeServer(serviceName as string) };
  if (server && method === 'POST') {
    if (!isObject(body))
      return { status: 400, body: { message: 'body must be a JSON object (a server patch)' } };
    const { probe, rest } = splitProbePatch(body);
    const problem = patchProblem(rest);
    if (problem) return { status: 400, body: { message: problem } };
    // Every check before any change: a bad probe fault or an unknown server refuses the whole
    // patch. The lookup changes nothing (an empty update would still count as a change and save).
    control.server(serviceName as string);
    if (probe) control.setServerProbeFaults(serviceName as string, probe);
    const changed = Object.keys(rest).length > 0;
    return {
      status: 200,
      body: changed
        ? control.updateServer(serviceName as string, rest as SimServerPatch)
        : control.server(serviceName as string),
    };
  }
  return { status: 404, body: { message: `no control endpoint ${method} ${path}` } };
}

/** A path segment decoded, or null when its percent-encoding is malformed. */
function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Why a server patch cannot be applied, checked before anything changes; null when it can. */
function patchProblem(patch: Record<string, unknown>): string | null {
  const templates = patch['compatibleTemplates'];
  if (templates !== undefined && !(Array.isArray(templates) && templates.every((t) => typeof t === 'string')))
    return 'compatibleTemplates must be a list of template names';
  return null;
}
