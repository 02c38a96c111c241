/**
 * The web server of a simulated server: one TCP listener that speaks plain HTTP and HTTPS on the
 * same port, told apart by the client's first byte (0x16 opens a TLS handshake), so that TCP
 * ports 80 and 443 of a server can share one socket. HTTPS uses the simulator's own self-signed
 * certificate (cert.pem), which names 127.0.0.1, not the server's address.
 */
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';

const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing for this long is closed (the ssh port's rule). */
const IDLE_MS = 10_000;

/**
 * A listener (not yet listening) that answers with `handler`. `admit` sees every connection
 * first and may destroy it.
 */
export function createProbeHttpListener(
  handler: RequestListener,
  secureContext: SecureContext,
  admit: (socket: Socket) => boolean,
): Server {
  const http = createHttpServer(handler);
  return createNetServer((socket) => {
    if (!admit(socket)) return;
    // A client that never sends its first byte is cut, as on the ssh port: it would hold a
    // descriptor for ever (and the simulator's descriptors are what its listeners live on).
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      if (first[0] === TLS_HANDSHAKE) {
        const secure = new TLSSocket(replay(socket, first), { isServer: true, secureContext });
        secure.on('error', () => socket.destroy());
        http.emit('connection', secure);
        return;
      }
      socket.unshift(first);
      http.emit('connection', socket);
      socket.resume();
    });
  });
}

/**
 * The socket as a stream that first gives back the bytes already read. A TLSSocket over a bare
 * net.Socket reads from its handle and would miss them; over a Duplex it reads through it.
 */
function replay(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => {
      socket.end();
      callback();
    },
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}
