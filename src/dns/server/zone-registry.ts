import { canonicalName, parentName } from '../wire/name.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { recordToText } from '../zone/rr-text.js';
import { serialNewer } from '../zone/serial.js';
import type { Zone } from '../zone/zone.js';
import type { ZoneFinder, ZoneState } from './authority.js';

/** One step of a zone's history: what changed from one serial to the next (RFC 1995 §4). */
export interface ZoneDiff {
  from: ResourceRecord;
  to: ResourceRecord;
  deleted: ResourceRecord[];
  added: ResourceRecord[];
}

/** Versions kept for incremental transfers; an older client gets the whole zone. */
const HISTORY = 32;

interface Entry extends ZoneState {
  role: 'primary' | 'secondary';
  history: ZoneDiff[];
}

/**
 * The zones one DNS service answers from, each primary or secondary, with its current copy and recent
 * history. Replacing a zone records the difference and tells listeners (the answer cache empties itself).
 */
export class ZoneRegistry implements ZoneFinder {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: ((origin: string) => void)[] = [];

  constructor(zones: readonly { origin: string; role: 'primary' | 'secondary' }[]) {
    for (const z of zones) this.entries.set(z.origin, { origin: z.origin, role: z.role, zone: undefined, history: [] });
  }

  onChange(listener: (origin: string) => void): void {
    this.listeners.push(listener);
  }

  /** The closest enclosing zone served here, walking up from the name. */
  find(name: string): ZoneState | undefined {
    for (let at: string | undefined = name; at !== undefined; at = parentName(at)) {
      const entry = this.entries.get(at);
      if (entry) return entry;
    }
    return undefined;
  }

  get(origin: string): (ZoneState & { role: 'primary' | 'secondary' }) | undefined {
    return this.entries.get(canonicalName(origin));
  }

  origins(): string[] {
    return [...this.entries.keys()];
  }

  /** Installs a new copy (or none: an expired secondary), remembering the diff from the previous one. */
  set(origin: string, zone: Zone | undefined): void {
    const entry = this.entries.get(origin);
    if (!entry) throw new Error(`zone ${origin} is not served here`);
    const previous = entry.zone;
    if (previous && zone && serialNewer(zone.serial, previous.serial)) {
      entry.history.push(diffZones(previous, zone));
      if (entry.history.length > HISTORY) entry.history.shift();
    } else if (!zone || (previous && !serialNewer(zone.serial, previous.serial))) {
      entry.history = [];
    }
    entry.zone = zone;
    for (const listener of this.listeners) listener(origin);
  }

  /** The diffs that lead from `serial` to the current copy, or undefined when that version is unknown. */
  changesSince(origin: string, serial: number): ZoneDiff[] | undefined {
    const entry = this.entries.get(origin);
    if (!entry) return undefined;
    const start = entry.history.findIndex((d) => (d.from.data as { serial: number }).serial === serial);
    return start < 0 ? undefined : entry.history.slice(start);
  }
}

function diffZones(before: Zone, after: Zone): ZoneDiff {
  const key = (rr: ResourceRecord): string => recordToText(rr).toLowerCase();
  const oldRecords = before.records().slice(1);
  const newRecords = after.records().slice(1);
  const oldKeys = new Set(oldRecords.map(key));
  const newKeys = new Set(newRecords.map(key));
  return {
    from: before.soa,
    to: after.soa,
    deleted: oldRecords.filter((r) => !newKeys.has(key(r))),
    added: newRecords.filter((r) => !oldKeys.has(key(r))),
  };
}
