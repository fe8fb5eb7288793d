import { join } from 'node:path';
import type { LabConfig } from '../../lab/config.js';
import type { DataDir } from '../../lab/data-dir.js';
import { WirelabError } from '../../lab/errors.js';
import { RrType } from '../wire/constants.js';
import { canonicalName } from '../wire/name.js';
import type { ResourceRecord } from '../wire/rdata.js';
import type { LabFacts } from './lab-zones.js';
import { PrimaryZone } from './primary-zone.js';
import { contentDigest, SerialStore } from './serial.js';
import { Zone } from './zone.js';
import { planZones } from './zone-plan.js';
import { writeZoneFile } from './zone-writer.js';

/** Where the DNS service keeps serials, so the CLI shows the serial a running lab uses. */
export function serialDirectory(dataDir: DataDir): string {
  return join(dataDir.root, 'dns', 'serials');
}

/**
 * The zone file a lab zone would be served from, as text — what `wirelab dns zone st.um` prints. Nothing
 * is written: the serial is the stored one, or the one the next start would give.
 */
export async function zoneFileText(config: LabConfig, dataDir: DataDir, name: string, portOffset: number): Promise<string> {
  const origin = canonicalName(name);
  const plans = planZones(config);
  const plan = plans.find((p) => p.origin === origin);
  if (!plan) throw new WirelabError('BAD_ARGUMENT', `${name} is not a zone of this lab; its zones: ${plans.map((p) => p.origin).join(', ')}`);
  if (!plan.primary && plan.source.kind !== 'external') throw new WirelabError('BAD_ARGUMENT', `${name} has no name servers: list the hosts serving it in domains[].nameServers`);
  if (!plan.primary) throw new WirelabError('BAD_ARGUMENT', `${name} is copied from a primary outside the lab (${plan.source.kind === 'external' ? plan.source.primaries.map((p) => `${p.address}#${p.port}`).join(', ') : ''}); ask it: dig @PRIMARY ${name} AXFR`);
  const facts: LabFacts = { config, servicePort: (service, standard) => config.services[service]?.port ?? standard + portOffset };
  const serials = new SerialStore(serialDirectory(dataDir));
  const records: ResourceRecord[] = await new PrimaryZone(plan, facts, serials).gather();
  const soaAt = records.findIndex((r) => r.type === RrType.SOA);
  const soa = records[soaAt] as ResourceRecord & { data: { kind: 'SOA'; serial: number } };
  const serial = await serials.preview(origin, contentDigest(records), soa.data.serial);
  records[soaAt] = { ...soa, data: { ...soa.data, serial } };
  return writeZoneFile(Zone.build(origin, records), `; zone ${origin} of the wirelab lab — generated from the config`);
}

/** The lab's zones, for `wirelab dns zones`. */
export function zoneList(config: LabConfig): string[] {
  return planZones(config).map((p) => {
    const servers = [p.primary ? `primary ${p.primary.name}` : `primaries ${p.source.kind === 'external' ? p.source.primaries.map((s) => `${s.address}#${s.port}`).join(' ') : ''}`];
    if (p.secondaries.length > 0) servers.push(`secondaries ${p.secondaries.map((h) => h.name).join(' ')}`);
    return `${p.origin.padEnd(24)} ${p.source.kind.padEnd(8)} ${servers.join(', ')}`;
  });
}
