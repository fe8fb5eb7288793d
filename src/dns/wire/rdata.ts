import { isIPv4, isIPv6 } from 'node:net';
import { RrType, typeName } from './constants.js';
import { FormatError } from './errors.js';
import { readName } from './name.js';
import type { NameWriter } from './writer.js';

/** The data of one resource record, by type (RFC 1035 §3.3, RFC 3596, RFC 2782, RFC 8659; RFC 3597 for the rest). */
export type Rdata =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'NS' | 'CNAME' | 'PTR' | 'DNAME'; target: string }
  | { kind: 'MX'; preference: number; exchange: string }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'TXT'; strings: Buffer[] }
  | { kind: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'CAA'; flags: number; tag: string; value: Buffer }
  | { kind: 'unknown'; bytes: Buffer };

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: Rdata;
}

export function decodeRdata(type: number, buf: Buffer, start: number, length: number): Rdata {
  const end = start + length;
  const need = (n: number): void => {
    if (length !== n) throw new FormatError(`${typeName(type)} data must be ${n} bytes, got ${length}`);
  };
  const nameInside = (at: number): { name: string; end: number } => {
    const read = readName(buf, at);
    if (read.end > end) throw new FormatError(`${typeName(type)} name runs past its data`);
    return read;
  };
  switch (type) {
    case RrType.A:
      need(4);
      return { kind: 'A', address: `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}` };
    case RrType.AAAA:
      need(16);
      return { kind: 'AAAA', address: ipv6ToText(buf.subarray(start, end)) };
    case RrType.NS:
    case RrType.CNAME:
    case RrType.PTR:
    case RrType.DNAME: {
      const read = nameInside(start);
      if (read.end !== end) throw new FormatError(`${typeName(type)} data has trailing bytes`);
      return { kind: typeName(type) as 'NS', target: read.name };
    }
    case RrType.MX: {
      if (length < 3) throw new FormatError('MX data too short');
      const read = nameInside(start + 2);
      if (read.end !== end) throw new FormatError('MX data has trailing bytes');
      return { kind: 'MX', preference: buf.readUInt16BE(start), exchange: read.name };
    }
    case RrType.SRV: {
      if (length < 7) throw new FormatError('SRV data too short');
      const read = nameInside(start + 6);
      if (read.end !== end) throw new FormatError('SRV data has trailing bytes');
      return { kind: 'SRV', priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target: read.name };
    }
    case RrType.TXT: {
      const strings: Buffer[] = [];
      let at = start;
      while (at < end) {
        const len = buf[at] as number;
        if (at + 1 + len > end) throw new FormatError('TXT string runs past its data');
        strings.push(Buffer.from(buf.subarray(at + 1, at + 1 + len)));
        at += 1 + len;
      }
      if (strings.length === 0) throw new FormatError('TXT data is empty');
      return { kind: 'TXT', strings };
    }
    case RrType.SOA: {
      const mname = nameInside(start);
      const rname = nameInside(mname.end);
      if (rname.end + 20 !== end) throw new FormatError('SOA data has the wrong length');
      const at = rname.end;
      return {
        kind: 'SOA',
        mname: mname.name,
        rname: rname.name,
        serial: buf.readUInt32BE(at),
        refresh: buf.readUInt32BE(at + 4),
        retry: buf.readUInt32BE(at + 8),
        expire: buf.readUInt32BE(at + 12),
        minimum: buf.readUInt32BE(at + 16),
      };
    }
    case RrType.CAA: {
      if (length < 2) throw new FormatError('CAA data too short');
      const tagLength = buf[start + 1] as number;
      if (tagLength === 0 || start + 2 + tagLength > end) throw new FormatError('CAA tag runs past its data');
      return {
        kind: 'CAA',
        flags: buf[start] as number,
        tag: buf.toString('latin1', start + 2, start + 2 + tagLength),
        value: Buffer.from(buf.subarray(start + 2 + tagLength, end)),
      };
    }
    default:
      return { kind: 'unknown', bytes: Buffer.from(buf.subarray(start, end)) };
  }
}

/**
 * Appends the record data. Names in NS, CNAME, PTR, DNAME, MX and SOA may be compressed (RFC 3597 §4);
 * the SRV target must not be (RFC 2782).
 */
export function encodeRdata(data: Rdata, out: NameWriter): void {
  switch (data.kind) {
    case 'A':
      out.bytes(ipv4ToBytes(data.address));
      return;
    case 'AAAA':
      out.bytes(ipv6ToBytes(data.address));
      return;
    case 'NS':
    case 'CNAME':
    case 'PTR':
      out.name(data.target, true);
      return;
    case 'DNAME':
      out.name(data.target, false);
      return;
    case 'MX':
      out.u16(data.preference);
      out.name(data.exchange, true);
      return;
    case 'SRV':
      out.u16(data.priority);
      out.u16(data.weight);
      out.u16(data.port);
      out.name(data.target, false);
      return;
    case 'TXT':
      for (const s of data.strings) {
        out.u8(s.length);
        out.bytes(s);
      }
      return;
    case 'SOA':
      out.name(data.mname, true);
      out.name(data.rname, true);
      out.u32(data.serial);
      out.u32(data.refresh);
      out.u32(data.retry);
      out.u32(data.expire);
      out.u32(data.minimum);
      return;
    case 'CAA':
      out.u8(data.flags);
      out.u8(data.tag.length);
      out.bytes(Buffer.from(data.tag, 'latin1'));
      out.bytes(data.value);
      return;
    case 'unknown':
      out.bytes(data.bytes);
      return;
  }
}

export function ipv4ToBytes(address: string): Buffer {
  if (!isIPv4(address)) throw new FormatError(`not an IPv4 address: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

export function ipv6ToBytes(address: string): Buffer {
  if (!isIPv6(address)) throw new FormatError(`not an IPv6 address: ${address}`);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 text: lower case, the longest run of zero groups (two or more) shortened to `::`. */
export function ipv6ToText(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
