/**
 * The DNS response codes the lab sends, as one catalogue: code, name, what it tells a learner, where it
 * is defined. Codes above 15 travel split between the header and the OPT record (RFC 6891 §6.1.3).
 */
export interface RcodeEntry {
  code: number;
  name: string;
  meaning: string;
  rfc: string;
}

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  NOTAUTH: 9,
  BADVERS: 16,
} as const;

export type RcodeName = keyof typeof Rcode;

export const RCODES: Record<RcodeName, RcodeEntry> = {
  NOERROR: { code: 0, name: 'NOERROR', meaning: 'the question was answered (an empty answer means the name exists without that type)', rfc: 'RFC 1035 §4.1.1' },
  FORMERR: { code: 1, name: 'FORMERR', meaning: 'the server could not read the query: the packet is malformed', rfc: 'RFC 1035 §4.1.1' },
  SERVFAIL: { code: 2, name: 'SERVFAIL', meaning: 'the server could not answer (zone expired, upstream unreachable)', rfc: 'RFC 1035 §4.1.1' },
  NXDOMAIN: { code: 3, name: 'NXDOMAIN', meaning: 'the name does not exist in the zone', rfc: 'RFC 1035 §4.1.1, RFC 8020' },
  NOTIMP: { code: 4, name: 'NOTIMP', meaning: 'the server does not implement this kind of request (opcode)', rfc: 'RFC 1035 §4.1.1' },
  REFUSED: { code: 5, name: 'REFUSED', meaning: 'the server will not answer this client: not its zone and no recursion for it, or a transfer it does not allow', rfc: 'RFC 1035 §4.1.1' },
  NOTAUTH: { code: 9, name: 'NOTAUTH', meaning: 'the server is not authoritative for the zone named in a NOTIFY', rfc: 'RFC 2136 §2.2, RFC 1996' },
  BADVERS: { code: 16, name: 'BADVERS', meaning: 'the query used an EDNS version the server does not speak (only version 0 exists)', rfc: 'RFC 6891 §6.1.3' },
};

const byCode = new Map<number, string>(Object.values(RCODES).map((e) => [e.code, e.name]));

export function rcodeName(code: number): string {
  return byCode.get(code) ?? `RCODE${code}`;
}
