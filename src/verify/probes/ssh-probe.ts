/**
 * The `ssh` probe: the server's SSH daemon sends its identification line (`SSH-2.0-…`, RFC 4253
 * §4.2) within the timeout. Only the first line is read (at most 255 bytes); nothing is sent.
 */
import type { Duplex } from 'node:stream';
import type { SshProbe } from '../../specs/verify-types.js';
import { resolveTarget } from '../targets.js';
import type { ProbeContext, RunnerResult } from './probe-context.js';
import { classifySocketError } from './socket-errors.js';

/** RFC 4253: the identification line is at most 255 bytes with its CR LF. */
const MAX_LINE = 255;

export async function runSshProbe(probe: Pick<SshProbe, 'port'>, ctx: ProbeContext): Promise<RunnerResult> {
  const resolved = resolveTarget(ctx.targets, ctx.facts.serviceName, ctx.facts.ip, probe.port);
  if (!resolved.ok) return { outcome: 'inconclusive', reason: resolved.reason };
  const where = `${ctx.facts.ip}:${probe.port}`;
  let socket: Duplex;
  try {
    socket = await ctx.transport.connect(resolved.target, ctx.signal);
  } catch (error) {
    return classifySocketError(error, `connect to ${where}`);
  }
  try {
    const line = await firstLine(socket, ctx.signal);
    if (line === undefined)
      return { outcome: 'failure', reason: `${where} closed the connection without an SSH banner` };
    if (line.startsWith('SSH-')) return { outcome: 'success' };
    return { outcome: 'failure', reason: `${where} answered, but not with an SSH banner` };
  } catch (error) {
    return classifySocketError(error, `read from ${where}`);
  } finally {
    socket.destroy();
  }
}

/**
 * The first line the peer sends (without its end), at most MAX_LINE bytes (what arrived by then
 * when it sends more without a newline); undefined when it closes first.
 */
function firstLine(socket: Duplex, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf(0x0a);
      if (end >= 0 || seen.length >= MAX_LINE) {
        done();
        resolve(seen.subarray(0, end >= 0 ? Math.min(end, MAX_LINE) : MAX_LINE).toString('latin1'));
      }
    };
    const onEnd = (): void => {
      done();
      resolve(seen.length > 0 ? seen.toString('latin1') : undefined);
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason as Error);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
