/**
 * A fake of the official client that keeps its protocol: `requestPromised(method, path, params)`
 * with the same quirks (it deletes null params, puts GET params in the query string, mutates
 * what it is given) and rejects in the client's own shapes. Answers come from routes per
 * method and path; time passes on the injected clock.
 */
import { stringify } from 'node:querystring';
import type { Clock } from '../../../src/core/clock.js';
import type { OvhClientLike } from '../../../src/ovh/node-ovh-transport.js';

/** How a route fails, in the client's shapes. */
export type Failure =
  | { status: number; message: string | null }
  | { errno: number }
  | { socket: string; message?: string }
  | { client: 'parse' | 'time' }
  | { hang: true };

export type Reply = { ok: unknown } | { fail: Failure };

export interface RecordedCall {
  at: number;
  method: string;
  /** Path with query string, as the client would send it. */
  path: string;
  body: unknown;
}

type Route = (call: RecordedCall) => Reply;

export class FakeOvhClient implements OvhClientLike {
  apiTimeDiff: number | null = null;
  readonly calls: RecordedCall[] = [];
  timeFetches = 0;
  private readonly routes = new Map<string, Route[]>();

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 10,
  ) {}

  /** Adds replies for `METHOD path` (exact path with query); the last one repeats. */
  on(method: string, path: string, ...replies: (Reply | Route)[]): this {
    this.routes.set(
      `${method} ${path}`,
      replies.map((r) => (typeof r === 'function' ? r : () => r)),
    );
    return this;
  }

  requestPromised(method: string, path: string, params: Record<string, unknown> = {}): PromiseLike<unknown> {
    for (const key of Object.keys(params)) if (params[key] == null) delete params[key];
    let fullPath = path;
    let body: unknown = null;
    if (Object.keys(params).length > 0) {
      if (method === 'POST' || method === 'PUT') body = JSON.parse(JSON.stringify(params));
      else fullPath += `?${stringify(params as Record<string, string>)}`;
    }
    // The real client deletes keys of what it is given; so does the fake.
    for (const key of Object.keys(params)) delete params[key];
    return this.answer(method, fullPath, body);
  }

  private async answer(method: string, path: string, body: unknown): Promise<unknown> {
    if (this.apiTimeDiff === null) {
      this.timeFetches++;
      this.apiTimeDiff = 0;
    }
    const call: RecordedCall = { at: this.clock.now(), method, path, body };
    this.calls.push(call);
    const routes = this.routes.get(`${method} ${path}`);
    if (!routes || routes.length === 0) {
      await this.clock.sleep(this.latencyMs);
      throw { error: 404, message: `Got an invalid (or empty) URL` };
    }
    const route = routes.length > 1 ? (routes.shift() as Route) : (routes[0] as Route);
    const reply = route(call);
    if ('fail' in reply && 'hang' in reply.fail) return new Promise(() => undefined);
    await this.clock.sleep(this.latencyMs);
    if ('ok' in reply) return structuredClone(reply.ok);
    const f = reply.fail;
    if ('status' in f) throw { error: f.status, message: f.message };
    if ('errno' in f) throw { error: f.errno };
    if ('socket' in f)
      throw { error: Object.assign(new Error(f.message ?? 'socket hang up'), { code: f.socket }) };
    if ('client' in f) {
      if (f.client === 'time') this.apiTimeDiff = null;
      throw {
        error:
          f.client === 'parse' ? '[OVH] Unable to parse JSON reponse' : '[OVH] Unable to fetch OVH API time',
      };
    }
    throw new Error('unreachable');
  }
}
