import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably } from '../../lab/durable.js';
import type { Logger } from '../../lab/logger.js';
import { TapConversation } from '../../net/tap.js';
import { query } from '../client.js';
import { RrClass, RrType } from '../wire/constants.js';
import { serialNewer } from '../zone/serial.js';
import { Zone } from '../zone/zone.js';
import { parseZoneFile } from '../zone/zone-file.js';
import { writeZoneFile } from '../zone/zone-writer.js';
import type { ServerAddress } from '../zone/zone-plan.js';
import type { ZoneRegistry } from '../server/zone-registry.js';
import { pullZone } from './zone-transfer.js';

/**
 * A secondary's copy of a zone, in the states of RFC 1034 §4.3.5 and RFC 1996:
 * `loading` (no copy yet), `current` (copy checked within REFRESH), `refreshing` (asking the primary),
 * `retrying` (the primary did not answer; try again after RETRY), `expired` (no contact for EXPIRE:
 * the copy is dropped and queries get SERVFAIL).
 */
export type SecondaryState =
  | { name: 'loading' }
  | { name: 'current'; serial: number; checkedAt: number }
  | { name: 'refreshing'; serial: number | undefined }
  | { name: 'retrying'; serial: number | undefined; failures: number; lastError: string }
  | { name: 'expired'; serial: number };

/** setTimeout cannot wait longer than 2^31-1 ms (24.8 days); the seed's EXPIRE is 28 days. */
const MAX_TIMER_MS = 0x7fffffff;
/** Until the first copy arrives, try again soon rather than after RETRY (the primary may be starting too). */
const FIRST_LOAD_RETRY_MS = 1000;

export interface SecondaryOptions {
  origin: string;
  /** Where the zone comes from; a lab primary's port is known only once it listens, hence a function. */
  primaries: () => ServerAddress[];
  localAddress: string;
  registry: ZoneRegistry;
  /** Where the copy is kept between runs (the seed's /var/cache/bind/db.st.um). */
  directory: string;
  service: string;
  host: string;
  log: Logger;
  /** Called after a new copy is installed (to pass the NOTIFY on, like BIND's notify from a secondary). */
  onUpdate?: (zone: Zone) => void;
}

export class SecondaryZone {
  private state: SecondaryState = { name: 'loading' };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** When the primary last confirmed our copy (for EXPIRE). */
  private confirmedAt = 0;

  constructor(private readonly options: SecondaryOptions) {}

  get current(): SecondaryState {
    return this.state;
  }

  /** Loads the kept copy if there is one (served until EXPIRE from when it was saved), then refreshes. */
  async start(): Promise<void> {
    const kept = await this.loadKept();
    if (kept) {
      this.options.registry.set(this.options.origin, kept.zone);
      this.confirmedAt = kept.savedAt;
      this.setState({ name: 'refreshing', serial: kept.zone.serial }, `loaded the kept copy, serial ${kept.zone.serial}`);
    }
    this.refreshSoon(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** A NOTIFY from one of the primaries: refresh now (RFC 1996 §3.11). */
  notified(from: string): boolean {
    if (!this.options.primaries().some((p) => p.address === from)) return false;
    this.refreshSoon(0);
    return true;
  }

  private refreshSoon(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), Math.min(delayMs, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** One refresh at a time; a NOTIFY during a refresh makes another one follow it. */
  private refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const { origin, registry } = this.options;
    const have = registry.get(origin)?.zone;
    this.setState({ name: 'refreshing', serial: have?.serial }, 'asking the primary for its SOA');
    const problems: string[] = [];
    for (const primary of this.options.primaries()) {
      try {
        const soaAnswer = await query(primary, { name: origin, type: RrType.SOA, class: RrClass.IN }, { localAddress: this.options.localAddress, timeoutMs: 2000 });
        const soa = soaAnswer.answers.find((r) => r.type === RrType.SOA);
        if (!soa || soa.data.kind !== 'SOA' || !soaAnswer.aa) throw new Error(`the primary is not authoritative for ${origin}`);
        if (have && !serialNewer(soa.data.serial, have.serial)) {
          this.confirmedAt = Date.now();
          this.becameCurrent(have.serial, `the primary has serial ${soa.data.serial}: our copy is current`);
          return;
        }
        const zone = await this.transfer(primary, soa.data.serial);
        registry.set(origin, zone);
        this.confirmedAt = Date.now();
        await this.keep(zone);
        this.becameCurrent(zone.serial, `transferred serial ${zone.serial} (${zone.size} records) from ${primary.address}#${primary.port}`);
        this.options.onUpdate?.(zone);
        return;
      } catch (err) {
        problems.push(`${primary.address}#${primary.port}: ${(err as Error).message}`);
      }
    }
    this.failed(problems.length > 0 ? problems.join('; ') : 'no primary is running yet');
  }

  private async transfer(primary: ServerAddress, serial: number): Promise<Zone> {
    const tap = new TapConversation({
      service: this.options.service,
      kind: 'dns',
      host: this.options.host,
      transport: 'tcp',
      client: { address: this.options.localAddress, port: 0 },
      server: primary,
    });
    try {
      tap.note('info', `AXFR ${this.options.origin} serial ${serial} from ${primary.address}#${primary.port}`);
      const records = await pullZone(primary, this.options.origin, this.options.localAddress);
      tap.note('message', `received ${records.length} records`);
      return Zone.build(this.options.origin, records);
    } finally {
      tap.close('done');
    }
  }

  private becameCurrent(serial: number, why: string): void {
    this.setState({ name: 'current', serial, checkedAt: Date.now() }, why);
    const soa = this.options.registry.get(this.options.origin)?.zone?.soa.data;
    this.refreshSoon((soa?.refresh ?? 3600) * 1000);
  }

  private failed(why: string): void {
    const { origin, registry } = this.options;
    const zone = registry.get(origin)?.zone;
    if (!zone) {
      const failures = this.state.name === 'retrying' ? this.state.failures + 1 : 1;
      this.setState({ name: 'retrying', serial: undefined, failures, lastError: why }, `no copy yet: ${why}`, failures > 1 ? 'debug' : 'warn');
      this.refreshSoon(FIRST_LOAD_RETRY_MS);
      return;
    }
    const soa = zone.soa.data;
    if (Date.now() - this.confirmedAt >= soa.expire * 1000) {
      registry.set(origin, undefined);
      this.setState({ name: 'expired', serial: zone.serial }, `no contact with the primary for EXPIRE (${soa.expire} s): the copy is dropped`);
      this.refreshSoon(soa.retry * 1000);
      return;
    }
    const failures = this.state.name === 'retrying' ? this.state.failures + 1 : 1;
    this.setState({ name: 'retrying', serial: zone.serial, failures, lastError: why }, why, 'warn');
    const untilExpire = this.confirmedAt + soa.expire * 1000 - Date.now();
    this.refreshSoon(Math.min(soa.retry * 1000, Math.max(untilExpire, 0)));
  }

  /** The one place the state changes, logged so `wirelab` users can follow the secondary. */
  private setState(next: SecondaryState, why: string, level: 'info' | 'warn' | 'debug' = 'info'): void {
    const previous = this.state.name;
    this.state = next;
    this.options.log[level](`secondary ${this.options.origin}: ${previous} → ${next.name}: ${why}`);
  }

  private get keptFile(): string {
    return join(this.options.directory, `${this.options.origin}.zone`);
  }

  private async keep(zone: Zone): Promise<void> {
    await mkdir(this.options.directory, { recursive: true, mode: 0o700 });
    await replaceDurably(this.keptFile, writeZoneFile(zone, `; kept by wirelab as a secondary copy, ${new Date().toISOString()}`));
  }

  private async loadKept(): Promise<{ zone: Zone; savedAt: number } | undefined> {
    try {
      const text = await readFile(this.keptFile, 'utf8');
      const saved = /^; kept by wirelab as a secondary copy, (\S+)/.exec(text);
      const zone = Zone.build(this.options.origin, parseZoneFile(text, this.options.origin, this.keptFile));
      return { zone, savedAt: saved?.[1] ? Date.parse(saved[1]) : 0 };
    } catch {
      return undefined;
    }
  }
}
