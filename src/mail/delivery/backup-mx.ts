import { findHost, type HostConfig, type LabConfig } from '../../lab/config.js';
import { domainRecords } from '../../dns/zone/lab-zones.js';
import { planZones } from '../../dns/zone/zone-plan.js';
import { canonicalName } from '../../dns/wire/name.js';

/**
 * The lab domains this host is a backup MX for: the lab's own zone lists one of the host's names as
 * a mail exchanger of the domain (the seed's `MX 20 mail2`), but the domain's mailboxes live on
 * another host. Its SMTP server accepts their mail and queues it for the better MX — as a real
 * backup MX does (Postfix's relay_domains on mail2) — rather than writing into mailboxes it does not
 * own: the lab shares one data directory, but the hop stays visible and the primary stays the only
 * writer of its mailboxes.
 */
export function backupMxDomains(config: LabConfig, host: HostConfig): Set<string> {
  const ownNames = new Set([host.name, ...host.aliases].map(canonicalName));
  const domains = new Set<string>();
  for (const plan of planZones(config)) {
    if (plan.source.kind !== 'domain' || plan.primary === undefined) continue;
    const domain = plan.source.domain;
    if (findHost(config, domain.mailHost) === host) continue;
    // Only the MX targets matter here, not the ports of SRV records.
    const records = domainRecords(plan, domain, { config, servicePort: (_name, standardPort) => standardPort });
    const exchanges = records.flatMap((r) => (r.data.kind === 'MX' ? [canonicalName(r.data.exchange)] : []));
    if (exchanges.some((name) => ownNames.has(name))) domains.add(domain.name.toLowerCase());
  }
  return domains;
}
