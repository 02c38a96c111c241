/**
 * The `http` and `https` probes: one GET of the probe's URL template, filled with the server's
 * address, reverse and service name. Healthy when the status is `expectStatus` and, if set, the
 * body's first 64 KiB contain `bodyContains`. Redirects are never followed (a 301 is just a
 * status), so a probe never ends up on another host. The connection goes to the mapped target;
 * the Host header and the TLS server name stay those of the URL (like curl's --resolve).
 */
import { request } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { isServiceName } from '../../core/service-name.js';
import type { HttpProbe } from '../../specs/verify-types.js';
import type { ServerFacts } from '../verification-state.js';
import { resolveTarget } from '../targets.js';
import type { ProbeContext, RunnerResult } from './probe-context.js';
import { classifySocketError } from './socket-errors.js';

/** The part of a body that is read and searched. */
export const MAX_BODY_BYTES = 64 * 1024;
const HOST_NAME = /^[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,20}$/;

/** The URL of `template` for the server of `facts`, or why it cannot be made. */
export function expandUrl(
  template: string,
  facts: ServerFacts,
): { ok: true; url: URL } | { ok: false; reason: string } {
  const reverse = facts.reverse?.replace(/\.$/, '') ?? null;
  const values: Record<string, string | null> = {
    address: isIP(facts.ip) === 4 ? facts.ip : null,
    reverse: reverse !== null && HOST_NAME.test(reverse) ? reverse : null,
    serviceName: isServiceName(facts.serviceName) ? facts.serviceName : null,
  };
  let missing: string | undefined;
  const text = template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === null || value === undefined) missing ??= name;
    return value ?? '';
  });
  if (missing !== undefined)
    return { ok: false, reason: `the server has no usable {${missing}} for the URL` };
  try {
    return { ok: true, url: new URL(text) };
  } catch {
    return { ok: false, reason: 'the URL is not valid once filled' };
  }
}

export async function runHttpProbe(probe: HttpProbe, ctx: ProbeContext): Promise<RunnerResult> {
  const expanded = expandUrl(probe.url, ctx.facts);
  if (!expanded.ok) return { outcome: 'inconclusive', reason: expanded.reason };
  const url = expanded.url;
  const tls = url.protocol === 'https:';
  if (url.protocol !== `${probe.type}:`)
    return { outcome: 'inconclusive', reason: `the URL's scheme is not ${probe.type}` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  const resolved = resolveTarget(ctx.targets, ctx.facts.serviceName, host, port);
  if (!resolved.ok) return { outcome: 'inconclusive', reason: resolved.reason };
  const where = `${url.protocol}//${url.host}`;
  let socket: Duplex;
  try {
    socket = await ctx.transport.connect(
      { ...resolved.target, ...(tls ? { tls: isIP(host) ? {} : { servername: host } } : {}) },
      ctx.signal,
    );
  } catch (error) {
    return classifySocketError(error, `connect to ${where}`);
  }
  try {
    const answer = await get(socket, url, ctx.signal);
    if (answer.status !== probe.expectStatus)
      return {
        outcome: 'failure',
        reason: `${where}${url.pathname} answered ${answer.status}, not ${probe.expectStatus}`,
      };
    if (probe.bodyContains !== null && !answer.body.includes(probe.bodyContains))
      return {
        outcome: 'failure',
        reason: `${where}${url.pathname}: the body does not contain the expected text`,
      };
    return { outcome: 'success' };
  } catch (error) {
    return classifySocketError(error, `GET ${where}${url.pathname}`);
  } finally {
    socket.destroy();
  }
}

/** One GET over the connected `socket`: the status and the body's first MAX_BODY_BYTES. */
function get(socket: Duplex, url: URL, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => socket as never,
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host, 'user-agent': 'ovh-fleet-verify', accept: '*/*', connection: 'close' },
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          res.removeAllListeners('data');
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.once('end', finish);
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end();
  });
}
