/**
 * A tiny probe client for the simulator's probe listeners tests: a TCP connect, the SSH
 * identification line, and `GET /` over plain HTTP, each reporting `refused` instead of throwing
 * when nothing listens. Real sockets on loopback, no timers: a hang fails by the test timeout.
 */
import { request } from 'node:http';
import { request as secureRequest } from 'node:https';
import { connect } from 'node:net';

/** What a TCP connect met. */
export type ConnectResult = 'open' | 'refused';

/** Connects and closes at once. */
export function tcpConnect(host: string, port: number): Promise<ConnectResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error),
    );
  });
}

/** The first line the server sends (without CR LF), `refused`, or `closed` without a line. */
export function readBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let text = '';
    const done = (value: string): void => {
      socket.destroy();
      resolve(value);
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end >= 0) done(text.slice(0, end));
    });
    socket.once('close', () => done('closed'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done('refused');
      else if (error.code === 'ECONNRESET') done('closed');
      else reject(error);
    });
  });
}

/** Status and body of `GET path`, or `refused`. */
export function httpGet(
  host: string,
  port: number,
  path = '/',
): Promise<{ status: number; body: string } | 'refused'> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error),
    );
    req.end();
  });
}

/**
 * Status, body and whether TLS was used for `GET /` over HTTPS, trusting `ca` whatever name the
 * certificate gives (the simulator's certificate names 127.0.0.1, not the server's address).
 */
export function httpsGet(host: string, port: number, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = secureRequest(
      { host, port, path: '/', agent: false, ca, checkServerIdentity: () => undefined },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/** A connection held open: resolves on the first bytes received and when the server closes it. */
export function openSession(host: string, port: number): { firstData: Promise<void>; closed: Promise<void> } {
  const socket = connect({ host, port });
  socket.on('error', () => undefined);
  return {
    firstData: new Promise((resolve) => socket.once('data', () => resolve())),
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
}

/** Number of listening TCP sockets of this process. */
export function listeningSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}
