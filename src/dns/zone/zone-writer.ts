import { RrType, className, typeName } from '../wire/constants.js';
import { fqdn } from '../wire/name.js';
import type { ResourceRecord } from '../wire/rdata.js';
import { rdataToText, relativeName } from './rr-text.js';
import type { Zone } from './zone.js';

/**
 * A zone as a BIND master file, laid out like the seed's db.st.um: `$ORIGIN`, `$TTL`, the SOA with its
 * timers commented, then the records with owners relative to the origin. BIND, `named-checkzone` and
 * this lab's own parser read it back.
 */
export function writeZoneFile(zone: Zone, header?: string): string {
  const soa = zone.soa;
  const ttl = soa.ttl;
  const origin = zone.origin;
  const lines: string[] = [];
  if (header) lines.push(header);
  lines.push(`$ORIGIN ${fqdn(origin)}`, `$TTL ${ttl}`);
  const s = soa.data;
  lines.push(
    `@\t${soa.ttl === ttl ? '' : soa.ttl}\tIN\tSOA\t${fqdn(s.mname)} ${fqdn(s.rname)} (`,
    `\t\t\t\t${s.serial}\t; Serial`,
    `\t\t\t\t${s.refresh}\t; Refresh`,
    `\t\t\t\t${s.retry}\t; Retry`,
    `\t\t\t\t${s.expire}\t; Expire`,
    `\t\t\t\t${s.minimum} )\t; Negative Cache TTL`,
    '',
  );
  let previousOwner = '';
  for (const rr of zone.records()) {
    if (rr.type === RrType.SOA) continue;
    lines.push(recordLine(rr, origin, ttl, previousOwner));
    previousOwner = rr.name;
  }
  return `${lines.join('\n')}\n`;
}

function recordLine(rr: ResourceRecord, origin: string, defaultTtl: number, previousOwner: string): string {
  const owner = rr.name === previousOwner ? '' : relativeName(rr.name, origin);
  const ttl = rr.ttl === defaultTtl ? '' : String(rr.ttl);
  const type = typeName(rr.type);
  return `${owner.padEnd(15)}\t${ttl}\t${className(rr.class)}\t${type.padEnd(5)}\t${rdataToText(rr.data)}`;
}
