import { readFile, stat } from 'node:fs/promises';
import { WirelabError } from '../../lab/errors.js';
import { RrType } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { apexRecords, domainRecords, reverseRecords, type LabFacts } from './lab-zones.js';
import { contentDigest, type SerialStore } from './serial.js';
import { Zone } from './zone.js';
import { parseZoneFile } from './zone-file.js';
import type { ZonePlan } from './zone-plan.js';

/** A zone file read once and re-read only when its modification time changes. */
interface FileCache {
  mtimeMs: number;
  records: ResourceRecord[];
}

/**
 * The master copy of a zone this lab is primary for, rebuilt from the config, the running services'
 * ports and the zone files whenever asked. A rebuild whose content differs gets a new serial (stored
 * before use); an unchanged one returns the same Zone.
 */
export class PrimaryZone {
  private current: { zone: Zone; digest: string } | undefined;
  private readonly files = new Map<string, FileCache>();

  constructor(
    readonly plan: ZonePlan,
    private readonly facts: LabFacts,
    private readonly serials: SerialStore,
  ) {}

  get zone(): Zone | undefined {
    return this.current?.zone;
  }

  /** Rebuilds; `changed` is true when the content (and so the serial) is new. */
  async rebuild(): Promise<{ zone: Zone; changed: boolean }> {
    const records = await this.gather();
    const digest = contentDigest(records);
    if (this.current && this.current.digest === digest) return { zone: this.current.zone, changed: false };
    const soaIndex = records.findIndex((r) => r.type === RrType.SOA);
    const soa = records[soaIndex] as ResourceRecord;
    const fileSerial = soa.data.kind === 'SOA' ? soa.data.serial : 0;
    const serial = await this.serials.serialFor(this.plan.origin, digest, fileSerial);
    records[soaIndex] = { ...soa, data: { ...(soa.data as Extract<ResourceRecord['data'], { kind: 'SOA' }>), serial } };
    const zone = Zone.build(this.plan.origin, records);
    this.current = { zone, digest };
    return { zone, changed: true };
  }

  /** The records without a final serial: what the config and files say now. */
  async gather(): Promise<ResourceRecord[]> {
    const { plan, facts } = this;
    const source = plan.source;
    let records: ResourceRecord[];
    switch (source.kind) {
      case 'domain':
        records = domainRecords(plan, source.domain, facts);
        break;
      case 'reverse':
        records = reverseRecords(plan, source.addresses, facts.config);
        break;
      case 'file': {
        const fromFile = await this.readZoneFile(source.file);
        records = fromFile.some((r) => r.type === RrType.SOA) ? fromFile : [...apexRecords(plan, facts.config), ...fromFile];
        break;
      }
      case 'external':
        throw new WirelabError('CONFIG_INVALID', `zone ${plan.origin} has its primary outside the lab`);
    }
    for (const file of plan.extraFiles) {
      // Added records may not replace the generated SOA: the lab keeps the serial.
      records.push(...(await this.readZoneFile(file)).filter((r) => r.type !== RrType.SOA));
    }
    return records;
  }

  private async readZoneFile(path: string): Promise<ResourceRecord[]> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch (err) {
      throw new WirelabError('CONFIG_INVALID', `zone ${this.plan.origin}: cannot read zone file ${path}: ${(err as Error).message}`);
    }
    const cached = this.files.get(path);
    if (cached && cached.mtimeMs === mtimeMs) return [...cached.records];
    const records = parseZoneFile(await readFile(path, 'utf8'), this.plan.origin, path);
    this.files.set(path, { mtimeMs, records });
    return [...records];
  }
}
