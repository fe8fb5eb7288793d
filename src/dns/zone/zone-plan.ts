import { isIPv4 } from 'node:net';
import { findHost, type DnsZoneConfig, type DomainConfig, type HostConfig, type LabConfig } from '../../lab/config.js';
import { WirelabError } from '../../lab/errors.js';
import { ipv6ToBytes } from '../wire/rdata.js';
import { canonicalName } from '../wire/name.js';

/** A DNS server given as `address` or `address#port`. */
export interface ServerAddress {
  address: string;
  port: number;
}

export function parseServerAddress(text: string, defaultPort = 53): ServerAddress {
  const [address = '', port] = text.split('#');
  return { address, port: port === undefined ? defaultPort : Number(port) };
}

/** Where a zone's records come from. */
export type ZoneSource =
  | { kind: 'domain'; domain: DomainConfig }
  | { kind: 'reverse'; /** the host addresses the zone maps back to names */ addresses: string[] }
  | { kind: 'file'; file: string }
  | { kind: 'external'; primaries: ServerAddress[] };

/** One zone of the lab: what fills it, and which lab hosts serve it (primary first). */
export interface ZonePlan {
  origin: string;
  source: ZoneSource;
  /** Zone files whose records are added to a generated zone. */
  extraFiles: string[];
  /** The lab host holding the master copy; undefined when the primary is outside the lab. */
  primary: HostConfig | undefined;
  secondaries: HostConfig[];
}

/** A zone as one DNS service sees it: primary (it builds the zone) or secondary (it copies it). */
export interface ServedZone {
  plan: ZonePlan;
  role: 'primary' | 'secondary';
}

/**
 * Every zone of the lab (DESIGN: "a lab is hosts running services"): one per domain, served by the hosts
 * in its `nameServers`; the reverse zones of the host addresses, served by the first domain's name
 * servers; and the zones of `dns.zones`.
 */
export function planZones(config: LabConfig): ZonePlan[] {
  const hostsOf = (names: string[], where: string): HostConfig[] =>
    names.map((name, i) => {
      const host = findHost(config, name);
      if (!host) throw new WirelabError('CONFIG_INVALID', `${where}[${i}]: ${name} is not one of the hosts (${config.hosts.map((h) => h.name).join(', ')})`);
      return host;
    });
  const plans: ZonePlan[] = config.domains.map((domain, i) => {
    const servers = hostsOf(domain.nameServers, `domains[${i}].nameServers`);
    return { origin: canonicalName(domain.name), source: { kind: 'domain', domain }, extraFiles: [], primary: servers[0], secondaries: servers.slice(1) };
  });
  const firstServers = plans[0] ? [plans[0].primary, ...plans[0].secondaries].filter((h): h is HostConfig => h !== undefined) : [];
  const reverse = new Map<string, string[]>();
  for (const host of config.hosts) {
    const origin = reverseZoneOf(host.address);
    reverse.set(origin, [...(reverse.get(origin) ?? []), host.address]);
  }
  if (firstServers.length > 0) {
    for (const [origin, addresses] of reverse) {
      plans.push({ origin, source: { kind: 'reverse', addresses }, extraFiles: [], primary: firstServers[0], secondaries: firstServers.slice(1) });
    }
  }
  config.dns.zones.forEach((zone: DnsZoneConfig, i) => {
    const origin = canonicalName(zone.name);
    const existing = plans.find((p) => p.origin === origin);
    if (existing) {
      if (zone.file === undefined || existing.source.kind === 'external' || zone.servedBy) {
        throw new WirelabError('CONFIG_INVALID', `dns.zones[${i}]: ${zone.name} is already a zone of the lab; only \`file\` may add records to it`);
      }
      existing.extraFiles.push(zone.file);
      return;
    }
    const servers = zone.servedBy ? hostsOf(zone.servedBy, `dns.zones[${i}].servedBy`) : firstServers;
    if (zone.file !== undefined) {
      plans.push({ origin, source: { kind: 'file', file: zone.file }, extraFiles: [], primary: servers[0], secondaries: servers.slice(1) });
    } else {
      const primaries = (zone.primaries ?? []).map((p) => parseServerAddress(p));
      plans.push({ origin, source: { kind: 'external', primaries }, extraFiles: [], primary: undefined, secondaries: servers });
    }
  });
  return plans;
}

/** The zones a host's DNS service serves, and in which role. */
export function zonesServedBy(config: LabConfig, host: HostConfig): ServedZone[] {
  return planZones(config).flatMap((plan): ServedZone[] => {
    if (plan.primary === host) return [{ plan, role: 'primary' }];
    if (plan.secondaries.includes(host)) return [{ plan, role: 'secondary' }];
    return [];
  });
}

/** The reverse zone holding an address's PTR: its /24 for IPv4 (RFC 1035 §3.5), its /64 for IPv6 (RFC 3596 §2.5). */
export function reverseZoneOf(address: string): string {
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).reverse().join('.')}.in-addr.arpa`;
  return `${nibbles(address).slice(16).join('.')}.ip6.arpa`;
}

/** The PTR owner name of an address. */
export function reverseNameOf(address: string): string {
  if (isIPv4(address)) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${nibbles(address).join('.')}.ip6.arpa`;
}

function nibbles(address: string): string[] {
  return [...ipv6ToBytes(address).toString('hex')].reverse();
}
