import { RrType } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/rdata.js';

/** An upstream answer kept for reuse. */
export interface CachedResponse {
  rcode: number;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  expiresAt: number;
  storedAt: number;
}

/** BIND's defaults: positive answers at most a week, negative ones at most three hours. */
const MAX_TTL = 7 * 86400;
const MAX_NEGATIVE_TTL = 3 * 3600;

/**
 * The forwarder's cache, by question, for as long as the answer's TTL allows (RFC 1035 §7.4); negative
 * answers (NXDOMAIN, NODATA) for the SOA's negative TTL (RFC 2308 §5). Failures are not kept. Bounded:
 * the oldest entries go first.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh copy with TTLs counted down to what is left, or undefined when absent or expired. */
  get(name: string, type: number): CachedResponse | undefined {
    const key = `${name.toLowerCase()}|${type}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (now >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    const elapsed = Math.floor((now - entry.storedAt) / 1000);
    const age = (rrs: ResourceRecord[]): ResourceRecord[] => rrs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - elapsed) }));
    return { ...entry, answers: age(entry.answers), authorities: age(entry.authorities), additionals: age(entry.additionals) };
  }

  /** Keeps an answer if it can be kept: NOERROR with data, or a negative answer with an SOA. */
  put(name: string, type: number, response: Omit<CachedResponse, 'expiresAt' | 'storedAt'>): void {
    const ttl = cacheTtl(response);
    if (ttl === undefined || ttl === 0) return;
    const key = `${name.toLowerCase()}|${type}`;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const now = this.now();
    this.entries.set(key, { ...response, storedAt: now, expiresAt: now + ttl * 1000 });
  }
}

function cacheTtl(response: Omit<CachedResponse, 'expiresAt' | 'storedAt'>): number | undefined {
  const negative = response.rcode === 3 || (response.rcode === 0 && response.answers.length === 0);
  if (negative) {
    const soa = response.authorities.find((r) => r.type === RrType.SOA);
    if (!soa || soa.data.kind !== 'SOA') return undefined;
    return Math.min(soa.ttl, soa.data.minimum, MAX_NEGATIVE_TTL);
  }
  if (response.rcode !== 0) return undefined;
  return Math.min(MAX_TTL, ...response.answers.map((r) => r.ttl));
}
