import type { Server } from 'node:net';
import type { ServiceContext } from '../lab/service.js';
import { WirelabError } from '../lab/errors.js';

/** Turns a bind failure into a message that names the problem and the fix. */
export function listenError(err: NodeJS.ErrnoException, ctx: ServiceContext, transport: string): Error {
  const where = `${ctx.host.address}:${ctx.port}/${transport} for service ${ctx.name}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new WirelabError(
        'PORT_IN_USE',
        `${where} is already in use (another server, or a lab already running?). Stop it, start with --port-offset 10000, or set services.${ctx.name}.port.`,
      );
    case 'EACCES':
      return new WirelabError('PERMISSION_DENIED', `not allowed to bind ${where}: ports below 1024 need root. Start with --port-offset 10000.`);
    case 'EADDRNOTAVAIL':
      return new WirelabError(
        'ADDRESS_UNAVAILABLE',
        `cannot bind ${where}: this machine has no address ${ctx.host.address}. On macOS add it with \`sudo ifconfig lo0 alias ${ctx.host.address}\`, or move the service to a host on 127.0.0.1.`,
      );
    default:
      return err;
  }
}

/** Binds a TCP server to the service's host address and port; resolves with the port bound (the OS picks one for port 0). */
export async function listenTcp(server: Server, ctx: ServiceContext): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err as NodeJS.ErrnoException, ctx, 'tcp')));
    server.listen({ host: ctx.host.address, port: ctx.port, exclusive: true }, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : ctx.port;
}
