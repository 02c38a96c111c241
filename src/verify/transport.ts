/**
 * The one way probes open connections: a `ProbeTransport`. The real one is node:net (and
 * node:tls for https); `guardedTransport` puts the loopback guard in front of any transport, so a
 * non-loopback host never reaches the socket layer while the endpoint is the simulator, whatever a
 * runner computed. Tests inject a recording transport to watch every connection attempt.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { isLoopbackAddress, refusedTarget, type ProbeTarget } from './targets.js';

/** A connection to open: TLS when `tls` is set (`servername` for SNI and the certificate check). */
export interface ConnectRequest extends ProbeTarget {
  tls?: { servername?: string };
}

/** Opens connections for probes. */
export interface ProbeTransport {
  /**
   * Resolves with the connected stream (after the TLS handshake for TLS), rejects with the socket
   * error; on abort, destroys what it opened and rejects.
   */
  connect(request: ConnectRequest, signal: AbortSignal): Promise<Duplex>;
}

/** A connection the guard refused: nothing was opened. */
export class TargetRefusedError extends Error {
  readonly code = 'TARGET_REFUSED';
}

/** Options of the real transport. */
export interface NetTransportOptions {
  /** CA certificates (PEM) that https probes trust instead of the system's store (e.g. a test CA). */
  ca?: string | string[];
}

/** The transport of node:net and node:tls (certificates checked; no redirect is ever involved). */
export function createNetTransport(options: NetTransportOptions = {}): ProbeTransport {
  return {
    connect(request, signal) {
      return new Promise<Duplex>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const tls = request.tls;
        const socket: Socket = tls
          ? tlsConnect({
              host: request.host,
              port: request.port,
              ...(tls.servername ? { servername: tls.servername } : {}),
              ...(options.ca ? { ca: options.ca } : {}),
            })
          : netConnect({ host: request.host, port: request.port });
        const onAbort = (): void => {
          socket.destroy();
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once(tls ? 'secureConnect' : 'connect', () => {
          signal.removeEventListener('abort', onAbort);
          socket.removeListener('error', onError);
          resolve(socket);
        });
        const onError = (error: Error): void => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          reject(error);
        };
        socket.once('error', onError);
      });
    },
  };
}

/** The real transport with the system's CA store. */
export const netTransport: ProbeTransport = createNetTransport();

/** `inner`, refusing every non-loopback host (before any I/O) when `simulator` is true. */
export function guardedTransport(inner: ProbeTransport, simulator: boolean): ProbeTransport {
  if (!simulator) return inner;
  return {
    connect(request, signal) {
      if (!isLoopbackAddress(request.host))
        return Promise.reject(new TargetRefusedError(refusedTarget(request)));
      return inner.connect(request, signal);
    },
  };
}
