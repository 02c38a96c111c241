/**
 * The simulator in a child process for the benches that measure the daemon (`ovh-fleet sim`,
 * so that the simulator's CPU and memory are not counted as the daemon's), and its control
 * endpoints over HTTPS (`/_sim/requests`, `/_sim/account`): what the API received, by endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');

/** A running simulator child. */
export interface SimChild {
  process: ChildProcess;
  /** The OVH_* variables it printed (credentials, endpoint, CA file). */
  env: Record<string, string>;
  /** `https://127.0.0.1:PORT` (no /1.0). */
  origin: string;
  ca: string;
}

/** Starts `ovh-fleet sim --servers N`; resolves once it listens and printed its variables. */
export async function startSimChild(servers: number, tlsDir: string): Promise<SimChild> {
  const sim = spawn(
    process.execPath,
    [MAIN, 'sim', '--servers', String(servers), '--seed', '1', '--port', '0', '--tls-dir', tlsDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  sim.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  const env: Record<string, string> = {};
  let origin = '';
  const lines = createInterface({ input: sim.stdout! });
  await new Promise<void>((resolve, reject) => {
    sim.once('exit', (code) =>
      reject(new Error(`the simulator exited (${code}) before listening: ${stderr}`)),
    );
    lines.on('line', (line) => {
      const listening = /listening on (https:\/\/[^/\s]+)/.exec(line);
      if (listening) origin = listening[1]!;
      const m = /^(OVH_[A-Z_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
      if (env.OVH_CA_FILE !== undefined && origin !== '') resolve();
    });
  });
  return { process: sim, env, origin, ca: readFileSync(env.OVH_CA_FILE!, 'utf8') };
}

/** Sends one control request (`/_sim/...`, no auth) and resolves with its JSON answer. */
export function simControl(sim: SimChild, method: 'GET' | 'DELETE', path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.origin}${path}`, { method, ca: sim.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300)
          return reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        try {
          resolve(text === '' ? null : JSON.parse(text));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The API requests the simulator received since the last call, by endpoint (`GET
 * /dedicated/server/{serviceName}/task`, ids and names replaced), and clears its log.
 */
export async function takeRequests(sim: SimChild): Promise<Map<string, number>> {
  const records = (await simControl(sim, 'GET', '/_sim/requests')) as { method: string; path: string }[];
  await simControl(sim, 'DELETE', '/_sim/requests');
  const byEndpoint = new Map<string, number>();
  for (const r of records) {
    const key = `${r.method} ${endpointOf(r.path)}`;
    byEndpoint.set(key, (byEndpoint.get(key) ?? 0) + 1);
  }
  return byEndpoint;
}

/** `/dedicated/server/ns1.eu/task/12?x=1` → `/dedicated/server/{serviceName}/task/{id}`. */
export function endpointOf(path: string): string {
  return path
    .split('?')[0]!
    .replace(/^\/dedicated\/server\/[^/]+/, (m) =>
      m === '/dedicated/server/' ? m : '/dedicated/server/{serviceName}',
    )
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
    .replace(/(\/dedicated\/installationTemplate\/)[^/]+/, '$1{templateName}');
}

/** "n endpoint, n endpoint" for a count by endpoint, most frequent first ("none" when empty). */
export function describeCalls(byEndpoint: ReadonlyMap<string, number>): string {
  if (byEndpoint.size === 0) return 'none';
  return [...byEndpoint]
    .sort((a, b) => b[1] - a[1])
    .map(([e, n]) => `${n} ${e}`)
    .join(', ');
}

/** The sum of a count by endpoint. */
export function totalCalls(byEndpoint: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of byEndpoint.values()) n += v;
  return n;
}

/** Stops a child: SIGTERM, then SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}
