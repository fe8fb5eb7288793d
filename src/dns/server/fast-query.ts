import { CLASSIC_UDP_PAYLOAD, EDNS_DO, MAX_UDP_PAYLOAD, RrClass, RrType } from '../wire/constants.js';

/**
 * What the hot path needs from an ordinary query, read straight from the bytes: no decoding to objects.
 * Anything unusual (other opcodes, several questions, records in the answer section, EDNS version ≠ 0,
 * compressed or non-ASCII names, transfer types) returns undefined and takes the full decoder.
 */
export interface FastQuery {
  /** Lower-cased question bytes plus the EDNS flag: the answer cache's key. */
  key: string;
  /** Where the question ends: bytes 12..questionEnd are copied into the answer to keep the client's case. */
  questionEnd: number;
  qtype: number;
  edns: boolean;
  /** The largest UDP answer this client accepts (RFC 6891 §6.2.5; 512 without EDNS, RFC 1035 §4.2.1). */
  udpLimit: number;
  dnssecOk: boolean;
}

export function readFastQuery(buf: Buffer): FastQuery | undefined {
  const length = buf.length;
  // QR=0, OPCODE=0 (the TC and AA bits of a query are ignored); QDCOUNT=1, ANCOUNT=0, NSCOUNT=0, ARCOUNT≤1.
  if (length < 17 || (buf[2] as number) & 0xf8 || buf[4] !== 0 || buf[5] !== 1) return undefined;
  if (buf[6] !== 0 || buf[7] !== 0 || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0 || (buf[11] as number) > 1) return undefined;
  let at = 12;
  let octets = 1;
  for (;;) {
    const len = buf[at] as number;
    if (len === undefined) return undefined;
    if (len === 0) break;
    if (len > 63) return undefined;
    octets += len + 1;
    if (octets > 255 || at + 1 + len >= length) return undefined;
    for (let i = at + 1; i <= at + len; i += 1) if ((buf[i] as number) >= 0x80) return undefined;
    at += len + 1;
  }
  const questionEnd = at + 5;
  if (questionEnd > length) return undefined;
  const qtype = buf.readUInt16BE(at + 1);
  if (buf.readUInt16BE(at + 3) !== RrClass.IN) return undefined;
  if (qtype === RrType.OPT || qtype === RrType.AXFR || qtype === RrType.IXFR || qtype === 0 || (qtype >= 128 && qtype !== RrType.ANY && qtype < 256)) return undefined;
  let edns = false;
  let udpLimit = CLASSIC_UDP_PAYLOAD;
  let dnssecOk = false;
  if (buf[11] === 1) {
    // The OPT record: root name, TYPE 41, CLASS = payload size, TTL = ext-rcode, version, flags (RFC 6891 §6.1.2).
    if (questionEnd + 11 > length || buf[questionEnd] !== 0 || buf.readUInt16BE(questionEnd + 1) !== RrType.OPT) return undefined;
    if (buf[questionEnd + 6] !== 0) return undefined;
    const rdlength = buf.readUInt16BE(questionEnd + 9);
    if (questionEnd + 11 + rdlength !== length) return undefined;
    edns = true;
    const advertised = buf.readUInt16BE(questionEnd + 3);
    udpLimit = Math.min(Math.max(advertised, CLASSIC_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
    dnssecOk = (buf.readUInt16BE(questionEnd + 7) & EDNS_DO) !== 0;
    // Options are not read: the cookie (RFC 7873) and others are optional for a server to use.
  } else if (questionEnd !== length) {
    return undefined;
  }
  const key = buf.toString('latin1', 12, questionEnd).toLowerCase() + (edns ? '+' : '-');
  return { key, questionEnd, qtype, edns, udpLimit, dnssecOk };
}
