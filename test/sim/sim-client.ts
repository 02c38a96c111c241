/**
 * A small signing HTTPS client for the simulator tests (deliberately NOT the official client):
 * it signs like OVHcloud's clients, with or without the port in the signed URL.
 */
import { request } from 'node:https';
import { signRequest } from '../../src/sim/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';

export interface CallOptions {
  body?: unknown;
  /** Raw body text (overrides body). */
  rawBody?: string;
  /** Consumer key; default the full-rights one; null = send no auth headers at all. */
  consumerKey?: string | null;
  appKey?: string;
  appSecret?: string;
  /** Seconds; default the simulator's clock. */
  timestamp?: number;
  /** Which URL is signed: without the port (node-ovh) or with it. */
  urlForm?: 'no-port' | 'with-port';
  /** Path prefix; default /1.0. */
  prefix?: string;
  /** Send a wrong signature. */
  badSignature?: boolean;
  /** More request headers (e.g. X-Pagination-*); they are not signed, as with OVHcloud. */
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends one request to the simulator and resolves with status, parsed body and headers. */
export function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const prefix = options.prefix ?? '/1.0';
  const target = path.startsWith('/_sim/') ? path : `${prefix}${path}`;
  const raw = options.rawBody ?? (options.body === undefined ? '' : JSON.stringify(options.body));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (raw !== '') headers['Content-Type'] = 'application/json;charset=utf-8';
  const consumerKey = options.consumerKey === undefined ? sim.credentials.consumerKey : options.consumerKey;
  if (consumerKey !== null && !path.startsWith('/_sim/')) {
    const timestamp = options.timestamp ?? Math.floor(sim.control.now() / 1000);
    const host = options.urlForm === 'with-port' ? `127.0.0.1:${sim.port}` : '127.0.0.1';
    const signature = signRequest({
      appSecret: options.appSecret ?? sim.credentials.appSecret,
      consumerKey,
      method,
      url: `https://${host}${target}`,
      body: raw,
      timestamp,
    });
    headers['X-Ovh-Application'] = options.appKey ?? sim.credentials.appKey;
    headers['X-Ovh-Consumer'] = consumerKey;
    headers['X-Ovh-Timestamp'] = String(timestamp);
    headers['X-Ovh-Signature'] = options.badSignature ? `$1$${'0'.repeat(40)}` : signature;
  }
  return send(sim, method, target, headers, raw);
}

/** The nth server's service name of the simulator's account. */
export function serverName(sim: RunningSimulator, index: number): string {
  const server = sim.control.account()[index];
  if (!server) throw new Error(`no server #${index}`);
  return server.server.name;
}

/** A GET with exactly the given headers (no signing). */
export function fetchRaw(
  sim: RunningSimulator,
  target: string,
  headers: Record<string, string>,
): Promise<CallResult> {
  return send(sim, 'GET', target, headers, '');
}

/** One HTTPS request to the simulator on a fresh connection, trusting only its certificate. */
function send(
  sim: RunningSimulator,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: string,
): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: sim.port, method, path: target, headers, ca: sim.caCert, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: text === '' ? null : (JSON.parse(text) as unknown),
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
