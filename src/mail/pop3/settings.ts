import type { ServerTlsOptions } from '../../net/secure-socket.js';
import type { Directory } from '../../directory/directory.js';
import { findHost } from '../../lab/config.js';
import type { ServiceContext } from '../../lab/service.js';
import { openMailbox, type Mailbox } from '../store/index.js';

/** What every POP3 session of one service shares, resolved once from the lab. */
export interface Pop3Settings {
  directory: Directory;
  /** The domain a bare user name (`USER user2`) belongs to. */
  defaultDomain: string;
  allowPlaintextAuth: boolean;
  /** RFC 2449 §4 allows 255 octets for a command; AUTH initial responses can be longer. */
  maxLineBytes: number;
  /** RFC 1939 §3: the autologout timer is at least 10 minutes. */
  idleTimeoutMs: number;
  /** Bad commands after which the server hangs up. */
  maxBadCommands: number;
  /** Pause before a failed login is answered (Dovecot waits about 2 s), to slow password guessing. */
  authFailureDelayMs: number;
  tls(): ServerTlsOptions | undefined;
  openMailbox(address: string): Promise<Mailbox>;
}

export function pop3Settings(ctx: ServiceContext): Pop3Settings {
  const local = ctx.config.domains.find((d) => findHost(ctx.config, d.mailHost) === ctx.host);
  return {
    directory: ctx.directory,
    defaultDomain: (local ?? ctx.config.domains[0]!).name.toLowerCase(),
    allowPlaintextAuth: ctx.config.mail.allowPlaintextAuth,
    maxLineBytes: 2048,
    idleTimeoutMs: 10 * 60 * 1000,
    maxBadCommands: 10,
    authFailureDelayMs: 1500,
    tls: () => ctx.tls(ctx.name),
    openMailbox: (address) => openMailbox(ctx.dataDir.maildirOf(address)),
  };
}
