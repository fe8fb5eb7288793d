import type { ServerTlsOptions } from '../../net/secure-socket.js';
import type { Directory } from '../../directory/directory.js';
import { findHost } from '../../lab/config.js';
import type { ServiceContext } from '../../lab/service.js';
import type { Logger } from '../../lab/logger.js';
import type { Mailbox } from '../store/index.js';

export interface ImapLimits {
  /** Longest command line (Dovecot's imap_max_line_length is 64 KiB). */
  maxLineBytes: number;
  /** Largest literal outside APPEND (a LOGIN password, a SEARCH string). */
  maxLiteralBytes: number;
  /** Largest APPEND literal: the lab's message size limit (APPENDLIMIT, RFC 7889). */
  maxAppendBytes: number;
  /** Most literals in one command. */
  maxLiterals: number;
  /** BAD answers in a row after which the server says BYE (Dovecot hangs up after 20). */
  maxBadCommands: number;
  /** Autologout: RFC 3501 §5.4 asks for at least 30 minutes, so IDLE clients are not cut off. */
  idleTimeoutMs: number;
  /** Pause before a failed login is answered, to slow password guessing (Dovecot waits about 2 s). */
  authFailureDelayMs: number;
}

/** What every IMAP session of one service shares, resolved once. */
export interface Environment {
  directory: Directory;
  log: Logger;
  /** The name in the greeting. */
  hostName: string;
  /** The domain a bare user name (`login user1`) belongs to. */
  defaultDomain: string;
  allowPlaintextAuth: boolean;
  limits: ImapLimits;
  /** TLS settings from the lab CA, or undefined while the lab has none (then STARTTLS is not offered). */
  tlsOptions(): ServerTlsOptions | undefined;
  /** The user's Maildir++ tree. */
  openMailbox(address: string): Promise<Mailbox>;
}

export function createEnvironment(ctx: ServiceContext, openMailbox: (maildir: string) => Promise<Mailbox>): Environment {
  const local = ctx.config.domains.find((d) => findHost(ctx.config, d.mailHost) === ctx.host);
  return {
    directory: ctx.directory,
    log: ctx.log,
    hostName: ctx.host.name,
    defaultDomain: (local ?? ctx.config.domains[0]!).name.toLowerCase(),
    allowPlaintextAuth: ctx.config.mail.allowPlaintextAuth,
    limits: {
      maxLineBytes: 64 * 1024,
      maxLiteralBytes: 64 * 1024,
      maxAppendBytes: ctx.config.mail.maxMessageBytes,
      maxLiterals: 256,
      maxBadCommands: 20,
      idleTimeoutMs: 30 * 60 * 1000,
      authFailureDelayMs: 2000,
    },
    tlsOptions: () => ctx.tls(ctx.name),
    openMailbox: (address) => openMailbox(ctx.dataDir.maildirOf(address)),
  };
}
