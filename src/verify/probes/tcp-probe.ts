/** The `tcp` probe: a TCP connection to the server's address on the probe's port is accepted. */
import type { TcpProbe } from '../../specs/verify-types.js';
import { resolveTarget } from '../targets.js';
import type { ProbeContext, RunnerResult } from './probe-context.js';
import { classifySocketError } from './socket-errors.js';

export async function runTcpProbe(probe: Pick<TcpProbe, 'port'>, ctx: ProbeContext): Promise<RunnerResult> {
  const resolved = resolveTarget(ctx.targets, ctx.facts.serviceName, ctx.facts.ip, probe.port);
  if (!resolved.ok) return { outcome: 'inconclusive', reason: resolved.reason };
  const where = `${ctx.facts.ip}:${probe.port}`;
  try {
    const socket = await ctx.transport.connect(resolved.target, ctx.signal);
    socket.destroy();
    return { outcome: 'success' };
  } catch (error) {
    return classifySocketError(error, `connect to ${where}`);
  }
}
