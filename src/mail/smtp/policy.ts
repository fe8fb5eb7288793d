import type { ReplyName } from './replies.js';
import type { SmtpSettings } from './settings.js';
import type { Route } from './state.js';
import { domainOf } from './address.js';

export interface RecipientQuestion {
  /** Lower-cased domain; the local part as the client wrote it. */
  address: string;
  clientAddress: string;
  user: string | undefined;
}

export type RecipientVerdict = { route: Route; address: string } | { reject: ReplyName };

/**
 * The relay rules of the seed's Exim/Postfix setup, in order:
 * a local domain delivers to its users (others are unknown); anyone may send to the relay domains
 * and to the domains this host is a backup MX for (queued for the primary);
 * the local network and logged-in users may send anywhere; everyone else is refused (no open relay).
 */
export function routeRecipient(settings: SmtpSettings, q: RecipientQuestion): RecipientVerdict {
  const domain = domainOf(q.address);
  if (settings.localDomains.has(domain)) {
    const user = settings.directory.find(q.address);
    if (user) return { route: 'local', address: user.address };
    // RFC 5321 §4.5.1: every domain must accept mail for postmaster.
    if (q.address.toLowerCase().startsWith('postmaster@')) return { route: 'local', address: q.address.toLowerCase() };
    return { reject: 'userUnknown' };
  }
  if (settings.relayDomains.has(domain) || settings.backupMxDomains.has(domain)) return { route: 'relay', address: q.address };
  if (q.user !== undefined || settings.localNetworks.has(q.clientAddress)) return { route: 'relay', address: q.address };
  return { reject: 'relayDenied' };
}
