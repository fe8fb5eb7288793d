import { isIPv4 } from 'node:net';
import type { DomainConfig, HostConfig, LabConfig } from '../../lab/config.js';
import { RrClass, RrType } from '../wire/constants.js';
import { canonicalName, isInZone } from '../wire/name.js';
import type { Rdata, ResourceRecord } from '../wire/rdata.js';
import type { ZonePlan } from './zone-plan.js';
import { reverseNameOf } from './zone-plan.js';

/**
 * The RFC 6186 services a mail domain advertises (and RFC 4516's LDAP), with their standard ports.
 * A lab service of the same kind fills the record; without one the record says "not offered" (target ".").
 */
export const SRV_SERVICES: readonly { label: string; kind: string; standardPort: number }[] = [
  { label: '_submission._tcp', kind: 'submission', standardPort: 587 },
  { label: '_imap._tcp', kind: 'imap', standardPort: 143 },
  { label: '_imaps._tcp', kind: 'imaps', standardPort: 993 },
  { label: '_pop3._tcp', kind: 'pop3', standardPort: 110 },
  { label: '_pop3s._tcp', kind: 'pop3s', standardPort: 995 },
  { label: '_ldap._tcp', kind: 'ldap', standardPort: 389 },
];

/** What generation needs to know about the running lab. */
export interface LabFacts {
  config: LabConfig;
  /** The port a lab service can be reached on (its listening port once running). */
  servicePort(serviceName: string, standardPort: number): number;
}

/** The name a host serves DNS under: its `ns1.`/`ns2.` name if it has one (the seed's ns1.st.um), else its own. */
export function nameServerName(host: HostConfig): string {
  return canonicalName([host.name, ...host.aliases].find((n) => /^ns\d*\./i.test(n)) ?? host.name);
}

function rr(name: string, ttl: number, data: Rdata): ResourceRecord {
  const type = data.kind === 'unknown' ? 0 : RrType[data.kind];
  return { name: canonicalName(name), type, class: RrClass.IN, ttl, data };
}

function addressRecord(name: string, ttl: number, address: string): ResourceRecord {
  return rr(name, ttl, isIPv4(address) ? { kind: 'A', address } : { kind: 'AAAA', address });
}

/** SOA and NS of a zone served by lab hosts; the serial is filled in once the content is known. */
export function apexRecords(plan: ZonePlan, config: LabConfig): ResourceRecord[] {
  const { ttl, refresh, retry, expire, negativeTtl } = config.dns.soa;
  const servers = [plan.primary, ...plan.secondaries].filter((h): h is HostConfig => h !== undefined);
  const mname = nameServerName(servers[0] as HostConfig);
  return [
    rr(plan.origin, ttl, { kind: 'SOA', mname, rname: `root.${mname}`, serial: 0, refresh, retry, expire, minimum: negativeTtl }),
    ...servers.map((host) => rr(plan.origin, ttl, { kind: 'NS', target: nameServerName(host) })),
  ];
}

/**
 * A domain's zone as the seed's db.st.um has it: SOA; NS ns1/ns2; an address for the domain and for
 * every host name, name server and mail exchanger (NS, MX and SRV targets must not be aliases,
 * RFC 2181 §10.3, RFC 2782); CNAMEs for the other aliases (smtp, pop3, imap, ldap, www…); MX 10 mail,
 * MX 20 mail2 (the seed's failover); RFC 6186 SRV records; an SPF TXT.
 */
export function domainRecords(plan: ZonePlan, domain: DomainConfig, facts: LabFacts): ResourceRecord[] {
  const { config } = facts;
  const ttl = config.dns.soa.ttl;
  const origin = plan.origin;
  const records = apexRecords(plan, config);
  const nsNames = new Set(records.filter((r) => r.data.kind === 'NS').map((r) => (r.data as { target: string }).target));

  const mailNames: { name: string; preference: number }[] = [];
  for (const host of config.hosts) {
    for (const name of [host.name, ...host.aliases].map(canonicalName)) {
      const match = /^mail(\d*)\./.exec(name);
      if (match && isInZone(name, origin) && name.slice(match[0].length) === origin) {
        mailNames.push({ name, preference: 10 * Math.max(1, Number(match[1] || 1)) });
      }
    }
  }
  if (mailNames.length === 0) mailNames.push({ name: canonicalName(domain.mailHost), preference: 10 });
  const mailTargets = new Set(mailNames.map((m) => m.name));

  for (const host of config.hosts) {
    const canonical = canonicalName(host.name);
    for (const name of [host.name, ...host.aliases].map(canonicalName)) {
      if (!isInZone(name, origin)) continue;
      const needsAddress = name === canonical || nsNames.has(name) || mailTargets.has(name);
      records.push(needsAddress ? addressRecord(name, ttl, host.address) : rr(name, ttl, { kind: 'CNAME', target: canonical }));
    }
  }
  for (const mx of mailNames.sort((a, b) => a.preference - b.preference)) {
    records.push(rr(origin, ttl, { kind: 'MX', preference: mx.preference, exchange: mx.name }));
  }
  records.push(rr(origin, ttl, { kind: 'TXT', strings: [Buffer.from('v=spf1 mx a -all')] }));
  for (const srv of SRV_SERVICES) records.push(srvRecord(`${srv.label}.${origin}`, ttl, srv, domain, facts));
  return records;
}

/** RFC 6186 §3: the service of that kind on the domain's mail host (or any host in the domain); "." when none. */
function srvRecord(owner: string, ttl: number, srv: (typeof SRV_SERVICES)[number], domain: DomainConfig, facts: LabFacts): ResourceRecord {
  const { config } = facts;
  const mailHost = canonicalName(domain.mailHost);
  const candidates = Object.entries(config.services).filter(([name, s]) => s.enabled && (s.kind ?? name) === srv.kind);
  const hostOf = (hostName: string): HostConfig | undefined =>
    config.hosts.find((h) => [h.name, ...h.aliases].some((n) => canonicalName(n) === canonicalName(hostName)));
  const chosen =
    candidates.find(([, s]) => hostOf(s.host) === hostOf(mailHost)) ??
    candidates.find(([, s]) => isInZone(canonicalName(hostOf(s.host)?.name ?? s.host), canonicalName(domain.name)));
  if (!chosen) return rr(owner, ttl, { kind: 'SRV', priority: 0, weight: 0, port: 0, target: '' });
  const [serviceName, service] = chosen;
  const host = hostOf(service.host) as HostConfig;
  return rr(owner, ttl, { kind: 'SRV', priority: 0, weight: 1, port: facts.servicePort(serviceName, srv.standardPort), target: canonicalName(host.name) });
}

/** PTR records mapping every host address in the zone back to the host's name (RFC 1035 §3.5). */
export function reverseRecords(plan: ZonePlan, addresses: string[], config: LabConfig): ResourceRecord[] {
  const ttl = config.dns.soa.ttl;
  const records = apexRecords(plan, config);
  for (const address of addresses) {
    const host = config.hosts.find((h) => h.address === address) as HostConfig;
    records.push(rr(reverseNameOf(address), ttl, { kind: 'PTR', target: canonicalName(host.name) }));
  }
  return records;
}
