import type { CatalogueEntry, Explanation } from '../api-types.js';
import { RCODES } from '../../dns/rcodes.js';
import { Opcode } from '../../dns/wire/constants.js';
import type { LineReader, ProtocolCatalogue } from './catalogue.js';

/** What each record type holds, for the answers the lab's zones give (RFC 1035 §3.3 and later). */
const RECORD_TYPES: Record<string, Explanation> = {
  A: { term: 'A', meaning: 'An IPv4 address of the name.', rfc: 'RFC 1035 §3.4.1' },
  AAAA: { term: 'AAAA', meaning: 'An IPv6 address of the name.', rfc: 'RFC 3596 §2' },
  NS: { term: 'NS', meaning: 'A name server that is authoritative for the zone.', rfc: 'RFC 1035 §3.3.11' },
  CNAME: { term: 'CNAME', meaning: 'An alias: the name is another name for the target (the canonical name).', rfc: 'RFC 1035 §3.3.1' },
  SOA: { term: 'SOA', meaning: 'Start of authority: the primary server, the admin mailbox (first dot = @), the serial and the refresh/retry/expire/negative-TTL timers.', rfc: 'RFC 1035 §3.3.13, RFC 2308' },
  PTR: { term: 'PTR', meaning: 'Reverse lookup: the name of the address this in-addr.arpa name stands for.', rfc: 'RFC 1035 §3.3.12' },
  MX: { term: 'MX', meaning: 'A mail exchanger for the domain; the lowest preference is tried first.', rfc: 'RFC 1035 §3.3.9, RFC 5321 §5.1' },
  TXT: { term: 'TXT', meaning: 'Free text; SPF policies (v=spf1) live here.', rfc: 'RFC 1035 §3.3.14, RFC 7208' },
  SRV: { term: 'SRV', meaning: 'Where a service runs: priority, weight, port and host (_imap._tcp → the IMAP server).', rfc: 'RFC 2782, RFC 6186' },
  HINFO: { term: 'HINFO', meaning: 'Host information: CPU and operating system.', rfc: 'RFC 1035 §3.3.2' },
  CAA: { term: 'CAA', meaning: 'Which certificate authorities may issue certificates for the name.', rfc: 'RFC 8659' },
  DNAME: { term: 'DNAME', meaning: 'An alias for a whole subtree of names.', rfc: 'RFC 6672' },
  AXFR: { term: 'AXFR', meaning: 'Full zone transfer: every record of the zone, SOA first and last (over TCP).', rfc: 'RFC 5936' },
  IXFR: { term: 'IXFR', meaning: 'Incremental zone transfer: the changes since the serial the client has.', rfc: 'RFC 1995' },
  ANY: { term: 'ANY', meaning: 'Asks for every type at the name (servers may answer with fewer, RFC 8482).', rfc: 'RFC 1035 §3.2.3' },
};

const OPCODES: Record<string, Explanation> = {
  QUERY: { term: 'QUERY', meaning: 'A standard query: a question about a name and type.', rfc: 'RFC 1035 §4.1.1' },
  IQUERY: { term: 'IQUERY', meaning: 'Inverse query — obsolete.', rfc: 'RFC 3425' },
  STATUS: { term: 'STATUS', meaning: 'Server status request — never specified.', rfc: 'RFC 1035 §4.1.1' },
  NOTIFY: { term: 'NOTIFY', meaning: 'The primary tells a secondary that the zone changed, so it asks for the new SOA and transfers.', rfc: 'RFC 1996' },
  UPDATE: { term: 'UPDATE', meaning: 'Dynamic update: add or delete records.', rfc: 'RFC 2136' },
};

const FLAGS: Explanation = {
  term: 'flags',
  meaning: 'qr: this is a response; aa: authoritative answer (from the zone itself); tc: truncated, ask again over TCP; rd: recursion desired; ra: recursion available; ad/cd: DNSSEC. Then the count of records in each section.',
  rfc: 'RFC 1035 §4.1.1',
};
const QUESTION: Explanation = { term: 'question', meaning: 'The name, class and type asked about; the response repeats it exactly.', rfc: 'RFC 1035 §4.1.2' };
const EDNS: Explanation = { term: 'OPT', meaning: 'EDNS: the largest UDP answer the sender can take, and extension options (dig sends a COOKIE).', rfc: 'RFC 6891' };
const SECTIONS: Record<string, Explanation> = {
  ANSWER: { term: 'answer section', meaning: 'Records that answer the question.', rfc: 'RFC 1035 §4.1.3' },
  AUTHORITY: { term: 'authority section', meaning: 'Records naming the zone’s authority: NS for a referral, SOA for a negative answer.', rfc: 'RFC 1035 §4.1.3, RFC 2308' },
  ADDITIONAL: { term: 'additional section', meaning: 'Helpful extra records, such as the addresses of the names given in the answer.', rfc: 'RFC 1035 §4.1.3' },
  QUESTION,
};

function explainHeader(line: string): Explanation | undefined {
  const opcode = /opcode: (\w+)/.exec(line)?.[1] ?? '';
  const status = /status: (\w+)/.exec(line)?.[1] ?? '';
  const rcode = (RCODES as Record<string, { name: string; meaning: string; rfc: string }>)[status];
  const op = OPCODES[opcode];
  if (!op) return undefined;
  return rcode ? { term: `${opcode} ${status}`, meaning: `${op.meaning} Status ${status}: ${rcode.meaning}.`, rfc: `${op.rfc}; ${rcode.rfc}` } : op;
}

class DnsReader implements LineReader {
  explain(_from: 'client' | 'server', line: string): Explanation | undefined {
    if (line.startsWith(';; ->>HEADER')) return explainHeader(line);
    if (line.startsWith(';; flags:')) return FLAGS;
    if (line.startsWith('; EDNS') || line.startsWith(';; OPT')) return EDNS;
    const section = /^;; (\w+) SECTION:/.exec(line)?.[1];
    if (section) return SECTIONS[section];
    if (line.startsWith(';')) return line.length > 1 ? QUESTION : undefined;
    const type = line.split('\t')[3];
    return type ? RECORD_TYPES[type] : undefined;
  }
}

export const dnsCatalogue: ProtocolCatalogue = {
  protocol: 'dns',
  kinds: ['dns'],
  entries: () => [
    ...Object.keys(Opcode).map((name): CatalogueEntry => ({ side: 'client', ...(OPCODES[name] as Explanation) })),
    { side: 'client', ...QUESTION },
    { side: 'client', ...EDNS },
    { side: 'server', ...FLAGS },
    ...Object.values(RCODES).map((r): CatalogueEntry => ({ side: 'server', term: r.name, meaning: r.meaning, rfc: r.rfc })),
    ...Object.values(SECTIONS).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    ...Object.values(RECORD_TYPES).map((e): CatalogueEntry => ({ side: 'server', ...e })),
  ],
  reader: () => new DnsReader(),
};
