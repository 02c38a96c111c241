/**
 * The simulator's control surface: the in-process {@link SimControl} and the HTTP `/_sim/`
 * endpoints that expose the same powers (never under /1.0, never authenticated):
 * `GET|DELETE /_sim/requests`, `GET|POST /_sim/faults`, `GET|POST /_sim/clock` ({"advanceMs": n}),
 * `GET /_sim/account`, `POST /_sim/servers/{serviceName}` (a patch) and
 * `POST /_sim/servers/{serviceName}/tasks` (a foreign reinstall task: {operatingSystem?,
 * startedAgoMs?, outcome?}).
 */
import { FleetError } from '../core/errors.js';
import type { FaultInjector } from './faults.js';
import type { RequestLog } from './request-log.js';
import { SimNotFoundError, type SimState } from './sim-state.js';
import type { ForeignTaskOptions, SimControl, SimServerPatch } from './types.js';

/** Builds the in-process control of one simulator. */
export function createControl(state: SimState, faults: FaultInjector, log: RequestLog): SimControl {
  return {
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setFaults: (partial) => faults.update(partial),
    faults: () => faults.current,
    advanceClock: (ms) => state.advance(ms),
    now: () => state.now(),
    updateServer: (serviceName, patch) => state.updateServer(serviceName, patch),
    startForeignTask: (serviceName, options) => state.createForeignTask(serviceName, options).taskId,
    account: () => state.account(),
  };
}

/** An answer of a control endpoint. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Serves one `/_sim/…` request (path without query). */
export function handleControl(
  control: SimControl,
  method: string,
  path: string,
  body: unknown,
): ControlAnswer {
  try {
    return route(control, method, path, body);
  } catch (error) {
    if (error instanceof SimNotFoundError) return { status: 404, body: { message: error.message } };
    if (error instanceof FleetError || error instanceof RangeError)
      return { status: 400, body: { message: error.message } };
    throw error;
  }
}

function route(control: SimControl, method: string, path: string, body: unknown): ControlAnswer {
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
  const task = /^\/_sim\/servers\/([^/]+)\/tasks$/.exec(path);
  if (task && method === 'POST') {
    const options = (isObject(body) ? body : {}) as ForeignTaskOptions;
    return {
      status: 200,
      body: { taskId: control.startForeignTask(decodeURIComponent(task[1] ?? ''), options) },
    };
  }
  const server = /^\/_sim\/servers\/([^/]+)$/.exec(path);
  if (server && method === 'POST') {
    if (!isObject(body))
      return { status: 400, body: { message: 'body must be a JSON object (a server patch)' } };
    return {
      status: 200,
      body: control.updateServer(decodeURIComponent(server[1] ?? ''), body as SimServerPatch),
    };
  }
  return { status: 404, body: { message: `no control endpoint ${method} ${path}` } };
}
