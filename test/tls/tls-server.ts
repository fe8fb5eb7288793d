import { createServer, type Socket } from 'node:net';
import { TLSSocket, type TlsOptions } from 'node:tls';

export interface TlsTestServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A loopback server that does what TcpService does with implicit TLS (a server-side TLSSocket over
 * each accepted socket, with the options a service gets from the lab), then says which name the
 * client asked for, and closes once the client sends a line.
 */
export async function startTlsServer(options: () => TlsOptions): Promise<TlsTestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    const secure = new TLSSocket(raw, { ...options(), isServer: true });
    secure.on('error', () => raw.destroy());
    secure.once('secure', () => {
      const servername = (secure as TLSSocket & { servername?: string | false }).servername;
      secure.write(`hello ${servername || '(no SNI)'} over ${secure.getProtocol() ?? '?'}\n`);
      secure.once('data', () => secure.end('bye\n'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
