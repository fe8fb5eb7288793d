import type { Socket } from 'node:net';
import type { ServiceContext, Service } from '../../lab/service.js';
import { TcpService, stripMapped } from '../../net/tcp-service.js';
import type { TapConversation } from '../../net/tap.js';
import { SmtpSession } from './session.js';
import { smtpSettings } from './settings.js';

export type SmtpFlavour = 'smtp' | 'submission' | 'smtps';

/** SMTP on port 25, submission on 587 (AUTH required) and SMTPS on 465 (TLS from the first byte, RFC 8314). */
export function createSmtpService(ctx: ServiceContext, flavour: SmtpFlavour): Service {
  const settings = smtpSettings(ctx, flavour !== 'smtp');
  const handler = async (socket: Socket, tap: TapConversation, shutdown: AbortSignal): Promise<void> => {
    const session = new SmtpSession(socket, tap, settings, shutdown, stripMapped(socket.remoteAddress));
    await session.run();
  };
  return new TcpService(ctx, handler, flavour === 'smtps' ? { tls: 'implicit' } : {});
}
