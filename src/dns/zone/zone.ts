import { RrType, typeName } from '../wire/constants.js';
import { canonicalName, isInZone, parentName } from '../wire/name.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { recordToText } from './rr-text.js';

export type SoaData = Extract<ResourceRecord['data'], { kind: 'SOA' }>;

/** A zone that cannot be served, with every reason (BIND refuses to load such a zone too). */
export class ZoneError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(`zone ${origin || '.'} is not valid: ${problems.join('; ')}`);
    this.name = 'ZoneError';
  }
}

/**
 * One zone's records, indexed by owner and type, immutable once built: a change makes a new Zone.
 * It knows every name that exists, empty non-terminals included (`_tcp.st.um` when `_imap._tcp.st.um`
 * exists, RFC 8020), and its delegation points.
 */
export class Zone {
  readonly origin: string;
  private readonly nodes = new Map<string, Map<number, ResourceRecord[]>>();
  /** Names with records, and every name between them and the apex. */
  private readonly existing = new Set<string>();
  private readonly cuts = new Set<string>();

  private constructor(origin: string) {
    this.origin = origin;
  }

  /** Builds and checks a zone: one SOA and NS at the apex, everything inside, no CNAME beside other data. */
  static build(origin: string, records: readonly ResourceRecord[]): Zone {
    const zone = new Zone(canonicalName(origin));
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const input of records) {
      const rr = { ...input, name: canonicalName(input.name) };
      if (!isInZone(rr.name, zone.origin)) {
        problems.push(`${rr.name} ${typeName(rr.type)} is outside the zone`);
        continue;
      }
      // Identical records are one record (RFC 2181 §5): a zone file may repeat what the lab generates.
      const text = recordToText({ ...rr, ttl: 0 }).toLowerCase();
      if (seen.has(text)) continue;
      seen.add(text);
      let node = zone.nodes.get(rr.name);
      if (!node) {
        node = new Map();
        zone.nodes.set(rr.name, node);
      }
      const rrset = node.get(rr.type);
      if (rrset) {
        rrset.push(rr);
        // Records of one RRset share one TTL (RFC 2181 §5.2): the lowest wins, as BIND warns and does.
        const ttl = Math.min(...rrset.map((r) => r.ttl));
        for (const r of rrset) r.ttl = ttl;
      } else node.set(rr.type, [rr]);
    }
    const apex = zone.nodes.get(zone.origin);
    const soa = apex?.get(RrType.SOA);
    if (!soa || soa.length !== 1) problems.push(`the apex needs exactly one SOA record (found ${soa?.length ?? 0})`);
    if (!apex?.get(RrType.NS)?.length) problems.push('the apex needs NS records');
    for (const [name, node] of zone.nodes) {
      if (node.has(RrType.CNAME) && (node.size > 1 || (node.get(RrType.CNAME)?.length ?? 0) > 1)) {
        problems.push(`${name} has a CNAME beside other data (RFC 1034 §3.6.2)`);
      }
      if (node.has(RrType.SOA) && name !== zone.origin) problems.push(`${name} has an SOA record below the apex`);
      if (name !== zone.origin && node.has(RrType.NS)) zone.cuts.add(name);
      for (let at: string | undefined = name; at !== undefined && isInZone(at, zone.origin); at = parentName(at)) {
        if (zone.existing.has(at)) break;
        zone.existing.add(at);
      }
    }
    if (problems.length > 0) throw new ZoneError(zone.origin, problems);
    return zone;
  }

  get soa(): ResourceRecord & { data: SoaData } {
    return this.nodes.get(this.origin)?.get(RrType.SOA)?.[0] as ResourceRecord & { data: SoaData };
  }

  get serial(): number {
    return this.soa.data.serial;
  }

  rrset(name: string, type: number): readonly ResourceRecord[] | undefined {
    return this.nodes.get(name)?.get(type);
  }

  /** Every RRset at a name (for ANY). */
  rrsets(name: string): ResourceRecord[][] {
    return [...(this.nodes.get(name)?.values() ?? [])];
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** The name exists: it has records, or names below it do (an empty non-terminal). */
  exists(name: string): boolean {
    return this.existing.has(name);
  }

  /** The delegation point (a name below the apex with NS records) at or above `name`, if any. */
  delegationFor(name: string): string | undefined {
    if (this.cuts.size === 0) return undefined;
    let found: string | undefined;
    for (let at: string | undefined = name; at !== undefined && at !== this.origin; at = parentName(at)) {
      if (this.cuts.has(at)) found = at;
    }
    return found;
  }

  /** The wildcard owner that covers a name that does not exist (RFC 4592 §3.3.1), if the zone has one. */
  wildcardFor(name: string): string | undefined {
    let encloser = parentName(name);
    while (encloser !== undefined && !this.existing.has(encloser)) encloser = parentName(encloser);
    if (encloser === undefined) return undefined;
    const wildcard = encloser === '' ? '*' : `*.${encloser}`;
    return this.nodes.has(wildcard) ? wildcard : undefined;
  }

  /** Every record, SOA first, the rest sorted by name and type: the order of a zone file and of AXFR. */
  records(): ResourceRecord[] {
    const out: ResourceRecord[] = [this.soa];
    const names = [...this.nodes.keys()].sort(compareNames);
    for (const name of names) {
      const node = this.nodes.get(name) as Map<number, ResourceRecord[]>;
      const types = [...node.keys()].sort((a, b) => typeOrder(a) - typeOrder(b));
      for (const type of types) {
        if (type === RrType.SOA) continue;
        out.push(...(node.get(type) as ResourceRecord[]));
      }
    }
    return out;
  }

  get size(): number {
    let count = 0;
    for (const node of this.nodes.values()) for (const rrset of node.values()) count += rrset.length;
    return count;
  }
}

/** Apex NS and MX first, as people read zone files; then numeric order. */
function typeOrder(type: number): number {
  const first: number[] = [RrType.SOA, RrType.NS, RrType.A, RrType.AAAA, RrType.MX, RrType.TXT];
  const at = first.indexOf(type);
  return at >= 0 ? at : 100 + type;
}

/** Canonical order (RFC 4034 §6.1): by labels from the right. */
export function compareNames(a: string, b: string): number {
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i += 1) {
    if (la[i] !== lb[i]) return (la[i] as string) < (lb[i] as string) ? -1 : 1;
  }
  return la.length - lb.length;
}
