import type { ServerTlsOptions } from '../../net/secure-socket.js';
import type { Directory } from '../../directory/directory.js';
import { findHost } from '../../lab/config.js';
import type { ServiceContext } from '../../lab/service.js';
import { AddressSet } from '../../net/cidr.js';
import { MailAcceptor } from '../accept.js';
import { backupMxDomains } from '../delivery/backup-mx.js';

/** Everything an SMTP session needs from the lab, resolved once per service. */
export interface SmtpSettings {
  /** The name in the banner and in Received headers. */
  hostname: string;
  /** Port 587 rules (RFC 6409): mail only from authenticated users. */
  submission: boolean;
  maxMessageBytes: number;
  maxRecipients: number;
  maxLineBytes: number;
  idleTimeoutMs: number;
  /** Error replies after which the server hangs up (Postfix's smtpd_hard_error_limit). */
  maxErrors: number;
  /** Pause before a failed-login reply, to slow down password guessing. */
  authFailureDelayMs: number;
  allowPlaintextAuth: boolean;
  localNetworks: AddressSet;
  relayDomains: Set<string>;
  /** Lab domains this host is a lower-preference MX of: their mail is accepted and queued for the primary. */
  backupMxDomains: Set<string>;
  /** Domains whose mailboxes live on this host. */
  localDomains: Set<string>;
  /** The domain an unqualified address (`RCPT TO:<user2>`) belongs to. */
  defaultDomain: string;
  directory: Directory;
  acceptor: MailAcceptor;
  tls(): ServerTlsOptions | undefined;
}

export function smtpSettings(ctx: ServiceContext, submission: boolean): SmtpSettings {
  const localDomains = new Set(
    ctx.config.domains.filter((d) => findHost(ctx.config, d.mailHost) === ctx.host).map((d) => d.name.toLowerCase()),
  );
  const defaultDomain = [...localDomains][0] ?? ctx.config.domains[0]!.name.toLowerCase();
  const mail = ctx.config.mail;
  return {
    hostname: ctx.host.name,
    submission,
    maxMessageBytes: mail.maxMessageBytes,
    maxRecipients: mail.maxRecipients,
    maxLineBytes: 1000,
    idleTimeoutMs: mail.idleTimeoutSeconds * 1000,
    maxErrors: 20,
    authFailureDelayMs: 1000,
    allowPlaintextAuth: mail.allowPlaintextAuth,
    localNetworks: new AddressSet(mail.localNetworks),
    relayDomains: new Set(mail.relayDomains.map((d) => d.toLowerCase())),
    backupMxDomains: backupMxDomains(ctx.config, ctx.host),
    localDomains,
    defaultDomain,
    directory: ctx.directory,
    acceptor: new MailAcceptor(ctx.config, ctx.dataDir, ctx.host.name),
    tls: () => ctx.tls(ctx.name),
  };
}
