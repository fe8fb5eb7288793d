import { rcodeName } from '../../dns/rcodes.js';
import { className, opcodeName, typeName } from '../../dns/wire/constants.js';
import type { DnsMessage } from '../../dns/wire/message.js';
import { fqdn } from '../../dns/wire/name.js';
import { rdataToText } from '../../dns/zone/rr-text.js';
import type { ResourceRecord } from '../../dns/wire/rdata.js';
import type { DnsRecordRow } from '../api-types.js';

/** The header flags in dig's order (RFC 1035 §4.1.1, RFC 4035 §3.2). */
export function flagNames(message: DnsMessage): string[] {
  const flags: [boolean, string][] = [
    [message.qr, 'qr'],
    [message.aa, 'aa'],
    [message.tc, 'tc'],
    [message.rd, 'rd'],
    [message.ra, 'ra'],
    [message.ad, 'ad'],
    [message.cd, 'cd'],
  ];
  return flags.filter(([on]) => on).map(([, name]) => name);
}

export function recordRow(rr: ResourceRecord): DnsRecordRow {
  return { name: fqdn(rr.name), ttl: rr.ttl, class: className(rr.class), type: typeName(rr.type), data: rdataToText(rr.data) };
}

function recordLine(rr: ResourceRecord): string {
  const row = recordRow(rr);
  return `${row.name}\t${row.ttl}\t${row.class}\t${row.type}\t${row.data}`;
}

/** A DNS message as dig prints it: header, flags and counts, EDNS, then each non-empty section. */
export function digLines(message: DnsMessage): string[] {
  const lines = [
    `;; ->>HEADER<<- opcode: ${opcodeName(message.opcode)}, status: ${rcodeName(message.rcode)}, id: ${message.id}`,
    `;; flags: ${flagNames(message).join(' ')}; QUERY: ${message.questions.length}, ANSWER: ${message.answers.length}, AUTHORITY: ${message.authorities.length}, ADDITIONAL: ${message.additionals.length + (message.edns ? 1 : 0)}`,
  ];
  if (message.edns) {
    lines.push('', ';; OPT PSEUDOSECTION:', `; EDNS: version: ${message.edns.version}, flags:${message.edns.dnssecOk ? ' do' : ''}; udp: ${message.edns.udpPayloadSize}`);
  }
  lines.push('', ';; QUESTION SECTION:', ...message.questions.map((q) => `;${fqdn(q.name)}\t\t${className(q.class)}\t${typeName(q.type)}`));
  const sections: [string, ResourceRecord[]][] = [
    ['ANSWER', message.answers],
    ['AUTHORITY', message.authorities],
    ['ADDITIONAL', message.additionals],
  ];
  for (const [name, records] of sections) {
    if (records.length > 0) lines.push('', `;; ${name} SECTION:`, ...records.map(recordLine));
  }
  return lines;
}
