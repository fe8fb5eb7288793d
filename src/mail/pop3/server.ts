import type { Socket } from 'node:net';
import type { Service, ServiceContext } from '../../lab/service.js';
import { stripMapped, TcpService } from '../../net/tcp-service.js';
import type { TapConversation } from '../../net/tap.js';
import { POP3_COMMANDS } from './commands/index.js';
import { Pop3Session } from './session.js';
import { pop3Settings } from './settings.js';

/** POP3 on 110 (STLS when the lab has a CA) or POP3S on 995 (TLS from the first byte, RFC 8314). */
export function createPop3Service(ctx: ServiceContext, implicitTls: boolean): Service {
  const settings = pop3Settings(ctx);
  const handler = async (socket: Socket, tap: TapConversation, shutdown: AbortSignal): Promise<void> => {
    const session = new Pop3Session(socket, tap, settings, shutdown, stripMapped(socket.remoteAddress), POP3_COMMANDS);
    await session.run();
  };
  return new TcpService(ctx, handler, implicitTls ? { tls: 'implicit' } : {});
}
