import { Rcode } from '../rcodes.js';
import { RrType } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/rdata.js';
import type { Zone } from '../zone/zone.js';
import { recordBrief } from '../zone/rr-text.js';

/** A zone this server answers for: loaded (or not yet / no longer, for a secondary). */
export interface ZoneState {
  origin: string;
  /** Undefined while a secondary has no copy or after its copy expired: the server says SERVFAIL. */
  zone: Zone | undefined;
}

/** Finds the served zone closest to a name (the longest matching origin). */
export interface ZoneFinder {
  find(name: string): ZoneState | undefined;
}

export type AuthorityResult =
  | { kind: 'not-ours' }
  | { kind: 'unavailable'; origin: string }
  | {
      kind: 'answer';
      rcode: number;
      aa: boolean;
      answers: ResourceRecord[];
      authorities: ResourceRecord[];
      additionals: ResourceRecord[];
      /** What the answer says, for the tap: `CNAME st.um, A 127.0.0.1`, `NXDOMAIN`. */
      summary: string;
    };

/** CNAME hops followed before giving up (BIND stops at 16 too). */
const MAX_CHAIN = 16;

/**
 * The authoritative lookup of RFC 1034 §4.3.2, step 3: delegations become referrals with glue; an exact
 * match answers; a CNAME is put first and followed (into any zone served here) for every type but CNAME;
 * a wildcard covers names that do not exist (RFC 4592); otherwise NODATA or NXDOMAIN with the SOA in the
 * authority section (RFC 2308 §3). Positive answers carry the zone's NS in authority, and the addresses
 * of NS, MX and SRV targets in additional, as the seed's dig output shows.
 */
export function lookupAuthoritative(qname: string, qtype: number, zones: ZoneFinder): AuthorityResult {
  const first = zones.find(qname);
  if (!first) return { kind: 'not-ours' };
  if (!first.zone) return { kind: 'unavailable', origin: first.origin };
  let zone: Zone = first.zone;
  let name = qname;
  const answers: ResourceRecord[] = [];
  const negative = (rcode: number, what: string): AuthorityResult => ({
    kind: 'answer',
    rcode,
    aa: true,
    answers,
    authorities: [negativeSoa(zone)],
    additionals: [],
    summary: [...answers.map(recordBrief), what].join(', '),
  });

  for (let hop = 0; hop < MAX_CHAIN; hop += 1) {
    const cut = zone.delegationFor(name);
    if (cut) {
      const ns = zone.rrset(cut, RrType.NS) ?? [];
      return {
        kind: 'answer',
        rcode: Rcode.NOERROR,
        aa: answers.length > 0,
        answers,
        authorities: [...ns],
        additionals: addressesOf(targetsOf(ns), zones),
        summary: [...answers.map(recordBrief), `referral to ${cut}`].join(', '),
      };
    }
    let owner = name;
    if (!zone.exists(name)) {
      const wildcard = zone.wildcardFor(name);
      if (!wildcard) return negative(Rcode.NXDOMAIN, 'NXDOMAIN');
      owner = wildcard;
    }
    if (!zone.hasNode(owner)) return negative(Rcode.NOERROR, 'NODATA');
    const asName = (rrs: readonly ResourceRecord[]): ResourceRecord[] => (owner === name ? [...rrs] : rrs.map((r) => ({ ...r, name })));
    if (qtype === RrType.ANY) {
      answers.push(...zone.rrsets(owner).flatMap(asName));
      return positive(zone, answers, zones);
    }
    const rrset = zone.rrset(owner, qtype);
    if (rrset) {
      answers.push(...asName(rrset));
      return positive(zone, answers, zones);
    }
    const cname = zone.rrset(owner, RrType.CNAME);
    if (!cname || qtype === RrType.CNAME) return negative(Rcode.NOERROR, 'NODATA');
    answers.push(...asName(cname));
    const target = (cname[0]?.data as { target: string }).target;
    const next = zones.find(target);
    if (!next?.zone) return positive(zone, answers, zones);
    zone = next.zone;
    name = target;
  }
  return positive(zone, answers, zones);
}

function positive(zone: Zone, answers: ResourceRecord[], zones: ZoneFinder): AuthorityResult {
  const apexNs = zone.rrset(zone.origin, RrType.NS) ?? [];
  const answersApexNs = answers.some((a) => a.type === RrType.NS && a.name === zone.origin);
  const authorities = answersApexNs ? [] : [...apexNs];
  const wanted = [...targetsOf(answers), ...targetsOf(authorities)];
  const inAnswer = new Set(answers.filter((a) => a.type === RrType.A || a.type === RrType.AAAA).map((a) => a.name));
  return {
    kind: 'answer',
    rcode: Rcode.NOERROR,
    aa: true,
    answers,
    authorities,
    additionals: addressesOf(
      wanted.filter((n) => !inAnswer.has(n)),
      zones,
    ),
    summary: answers.length > 0 ? answers.map(recordBrief).join(', ') : 'NODATA',
  };
}

/** The names whose addresses help the client next: NS, MX and SRV targets (RFC 1035 §3.3.9, RFC 2782). */
function targetsOf(records: readonly ResourceRecord[]): string[] {
  const names: string[] = [];
  for (const r of records) {
    if (r.data.kind === 'NS') names.push(r.data.target);
    else if (r.data.kind === 'MX') names.push(r.data.exchange);
    else if (r.data.kind === 'SRV' && r.data.target !== '') names.push(r.data.target);
  }
  return [...new Set(names)];
}

/** A and AAAA records of names in zones served here, for the additional section. */
function addressesOf(names: string[], zones: ZoneFinder): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const name of names) {
    const zone = zones.find(name)?.zone;
    if (!zone) continue;
    out.push(...(zone.rrset(name, RrType.A) ?? []), ...(zone.rrset(name, RrType.AAAA) ?? []));
  }
  return out;
}

/** The SOA for a negative answer: its TTL is the lower of the SOA's TTL and MINIMUM (RFC 2308 §3). */
export function negativeSoa(zone: Zone): ResourceRecord {
  const soa = zone.soa;
  return { ...soa, ttl: Math.min(soa.ttl, soa.data.minimum) };
}
