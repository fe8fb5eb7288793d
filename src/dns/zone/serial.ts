import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably } from '../../lab/durable.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { recordToText } from './rr-text.js';

/** `a` is newer than `b` in RFC 1982 serial number arithmetic (32 bits, wrapping). */
export function serialNewer(a: number, b: number): boolean {
  return a !== b && ((a - b) >>> 0) < 0x80000000;
}

/** BIND's date convention: YYYYMMDD00, so a serial also tells when the zone changed. */
export function dateSerial(now = new Date()): number {
  const day = now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  return day * 100;
}

/** A fingerprint of a zone's content, the SOA serial left out. */
export function contentDigest(records: readonly ResourceRecord[]): string {
  const lines = records.map((rr) => (rr.data.kind === 'SOA' ? recordToText({ ...rr, data: { ...rr.data, serial: 0 } }) : recordToText(rr)).toLowerCase());
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

interface SerialState {
  serial: number;
  digest: string;
}

function nextSerial(previous: SerialState | undefined, digest: string, floor: number): number {
  if (previous && previous.digest === digest && !serialNewer(floor, previous.serial)) return previous.serial;
  let next = previous ? (previous.serial + 1) >>> 0 : 1;
  for (const candidate of [dateSerial(), floor]) if (serialNewer(candidate, next)) next = candidate;
  return next;
}

/**
 * Remembers each generated zone's serial and content digest in the data directory (one file per zone,
 * written durably), so the serial changes exactly when the zone does — across restarts too, or a
 * secondary would keep a stale copy.
 */
export class SerialStore {
  private readonly known = new Map<string, SerialState>();

  constructor(private readonly directory: string) {}

  /** The serial for this content: the same as before if nothing changed, else a newer one, stored before it is used. */
  async serialFor(origin: string, digest: string, floor = 0): Promise<number> {
    const previous = await this.read(origin);
    const serial = nextSerial(previous, digest, floor);
    if (previous && previous.serial === serial && previous.digest === digest) return serial;
    const state = { serial, digest };
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await replaceDurably(this.fileOf(origin), `${JSON.stringify(state)}\n`);
    this.known.set(origin, state);
    return serial;
  }

  /** The serial `serialFor` would give, without storing anything (for `wirelab dns zone`). */
  async preview(origin: string, digest: string, floor = 0): Promise<number> {
    return nextSerial(await this.read(origin), digest, floor);
  }

  private async read(origin: string): Promise<SerialState | undefined> {
    const cached = this.known.get(origin);
    if (cached) return cached;
    try {
      const state = JSON.parse(await readFile(this.fileOf(origin), 'utf8')) as SerialState;
      if (typeof state.serial !== 'number' || typeof state.digest !== 'string') return undefined;
      this.known.set(origin, state);
      return state;
    } catch {
      return undefined;
    }
  }

  private fileOf(origin: string): string {
    return join(this.directory, `${origin || 'root'}.json`);
  }
}
