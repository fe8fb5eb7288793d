import type { Socket } from 'node:net';
import type { Service, ServiceContext, ServiceDefinition } from '../../lab/service.js';
import { TcpService } from '../../net/tcp-service.js';
import type { TapConversation } from '../../net/tap.js';
import { openMailbox } from '../store/index.js';
import { IMAP_COMMANDS } from './commands/index.js';
import { createEnvironment } from './environment.js';
import { probeImap } from './probe.js';
import { Session } from './session.js';

/** IMAP on 143 (STARTTLS when the lab has a CA) or IMAPS on 993 (TLS from the first byte, RFC 8314). */
function createImapService(ctx: ServiceContext, implicitTls: boolean): Service {
  const env = createEnvironment(ctx, openMailbox);
  const handler = async (socket: Socket, tap: TapConversation, shutdown: AbortSignal): Promise<void> => {
    await new Session(socket, tap, shutdown, env, IMAP_COMMANDS).serve();
  };
  return new TcpService(ctx, handler, implicitTls ? { tls: 'implicit' } : {});
}

export const imapDefinition: ServiceDefinition = {
  kind: 'imap',
  summary: 'IMAP4rev1: read mail on the server, folders and flags, many clients at once (RFC 3501)',
  standardPort: 143,
  transport: 'tcp',
  create: (ctx) => createImapService(ctx, false),
  probe: (target) => probeImap(target),
};

export const imapsDefinition: ServiceDefinition = {
  kind: 'imaps',
  summary: 'IMAPS: IMAP over TLS from the first byte (RFC 8314)',
  standardPort: 993,
  transport: 'tcp',
  create: (ctx) => createImapService(ctx, true),
  probe: (target) => probeImap(target, true),
};
