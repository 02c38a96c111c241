/**
 * Real listeners on 127.0.0.1:0 for the probe tests: one that accepts, one that sends an SSH
 * banner, one that sends nothing, an HTTP server with status and body variants, and a port
 * known to be closed. Each remembers the connections it saw.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Listeners {
  tcp: number;
  ssh: number;
  silent: number;
  http: number;
  closed: number;
  /** The Host headers the HTTP server saw. */
  hosts: string[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startListeners(): Promise<Listeners> {
  const open = new Set<Socket>();
  const track = (server: Server): Server => {
    server.on('connection', (s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    return server;
  };
  const tcp = track(createServer((s) => s.end()));
  const ssh = track(createServer((s) => s.end('SSH-2.0-OpenSSH_9.6 test\r\n')));
  const silent = track(createServer(() => undefined));
  const hosts: string[] = [];
  const http = createHttpServer((req: IncomingMessage, res) => {
    hosts.push(req.headers.host ?? '');
    const routes: Record<string, [number, string, Record<string, string>?]> = {
      '/health': [200, 'status: all ok\n'],
      '/down': [503, 'maintenance\n'],
      '/wrong': [200, 'nope\n'],
      '/moved': [301, '', { location: 'http://203.0.113.99/health' }],
      '/big': [200, `${'x'.repeat(200_000)}all ok`],
    };
    const [status, body, headers] = routes[req.url ?? ''] ?? [404, 'not found'];
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  });
  track(http as unknown as Server);
  const closedServer = createServer();
  const closed = await listen(closedServer);
  await new Promise((resolve) => closedServer.close(resolve));
  const ports = {
    tcp: await listen(tcp),
    ssh: await listen(ssh),
    silent: await listen(silent),
    http: await listen(http as unknown as Server),
  };
  return {
    ...ports,
    closed,
    hosts,
    async close() {
      for (const s of open) s.destroy();
      await Promise.all(
        [tcp, ssh, silent, http as unknown as Server].map((s) => new Promise((resolve) => s.close(resolve))),
      );
    },
  };
}
