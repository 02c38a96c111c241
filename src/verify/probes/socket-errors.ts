/**
 * Which socket errors count against the server and which mean the probe could not run on our
 * side (docs/verification.md, "Failure or inconclusive"). A refused or reset connection, an
 * unreachable host and a timeout are failures: the server is not answering. DNS failures, a full
 * file table, no local route or address, a local firewall's refusal and the loopback guard are
 * inconclusive: they say nothing about the server.
 */
import type { ProbeOutcome } from '../verification-state.js';

/** Error codes that are our side's problem, with the words of the reason. */
const OUR_SIDE: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the name does not resolve (DNS, on our side)',
  EAI_AGAIN: 'DNS did not answer (on our side)',
  EAI_FAIL: 'DNS failed (on our side)',
  EAI_NODATA: 'the name has no address (DNS, on our side)',
  EMFILE: 'this process has too many open files',
  ENFILE: 'the system has too many open files',
  ENOBUFS: 'no buffer space on this host',
  ENOMEM: 'out of memory on this host',
  EADDRNOTAVAIL: 'no local address to connect from',
  EADDRINUSE: 'no free local port',
  ENETDOWN: "this host's network is down",
  ENETUNREACH: 'this host has no route to that network',
  EACCES: 'this host does not allow the connection (local firewall or permissions)',
  EPERM: 'this host does not allow the connection (local firewall or permissions)',
  TARGET_REFUSED: 'refused by the loopback guard',
};

/** The outcome and reason of a connection or request error. */
export function classifySocketError(error: unknown, what: string): { outcome: ProbeOutcome; reason: string } {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'TARGET_REFUSED') return { outcome: 'inconclusive', reason: (error as Error).message };
  if (typeof code === 'string' && Object.hasOwn(OUR_SIDE, code))
    return { outcome: 'inconclusive', reason: `${what}: ${OUR_SIDE[code]} (${code})` };
  if (typeof code === 'string') return { outcome: 'failure', reason: `${what}: ${code}` };
  return { outcome: 'failure', reason: `${what}: connection failed` };
}
