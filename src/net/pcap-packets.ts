import { isIPv4, isIPv6 } from 'node:net';

/**
 * Synthesized Ethernet / IPv4 or IPv6 / TCP or UDP frames with correct lengths and checksums
 * (RFC 791, RFC 8200, RFC 9293, RFC 768), so Wireshark reads them as if captured on the wire.
 * Each frame is one buffer written in place: a capture of thousands of conversations is built quickly.
 */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TTL = 64;
const ETHERNET = 14;
/** The MSS option on SYN and SYN-ACK: what a 1500-byte Ethernet link carries (data segments respect it). */
export const MSS_IPV4 = 1460;
export const MSS_IPV6 = 1440;

export interface Addressing {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
}

export interface TcpSegment extends Addressing {
  seq: number;
  ack: number;
  flags: number;
  payload?: Buffer;
  /** Adds the MSS option (SYN, SYN-ACK). */
  mss?: number;
  /** IPv4 identification field. */
  id: number;
}

/** Parsed addresses: a capture repeats the same few thousands of times. */
const parsed = new Map<string, Buffer>();

export function ipBytes(address: string): Buffer {
  let bytes = parsed.get(address);
  if (!bytes) {
    if (parsed.size > 1024) parsed.clear();
    bytes = parseIp(address);
    parsed.set(address, bytes);
  }
  return bytes;
}

function parseIp(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const b = v4.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** The ones' complement sum of 16-bit words of buf[start, end) (RFC 1071), added to `sum`, not yet folded. */
function wordSum(buf: Buffer, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */
export function internetChecksum(...parts: Buffer[]): number {
  const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return fold(wordSum(all, 0, all.length));
}

/** A locally administered MAC address made from the host's IP, so each lab host has its own. */
function writeMac(frame: Buffer, at: number, ip: Buffer): void {
  frame[at] = 0x02;
  frame[at + 1] = 0x00;
  ip.copy(frame, at + 2, ip.length - 4);
}

/**
 * Allocates the frame and writes Ethernet and IP headers for a transport segment of `length` bytes;
 * returns the frame, where the segment starts, and the pseudo-header's partial sum for its checksum.
 */
function ipFrame(a: Addressing, protocol: number, length: number, id: number): { frame: Buffer; at: number; pseudo: number } {
  const src = ipBytes(a.src);
  const dst = ipBytes(a.dst);
  const v4 = src.length === 4;
  const ipLength = v4 ? 20 : 40;
  const frame = Buffer.alloc(ETHERNET + ipLength + length);
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  frame.writeUInt16BE(v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, 12);
  const ip = ETHERNET;
  if (v4) {
    frame[ip] = 0x45;
    frame.writeUInt16BE(20 + length, ip + 2);
    frame.writeUInt16BE(id & 0xffff, ip + 4);
    frame.writeUInt16BE(0x4000, ip + 6); // don't fragment
    frame[ip + 8] = TTL;
    frame[ip + 9] = protocol;
    src.copy(frame, ip + 12);
    dst.copy(frame, ip + 16);
    frame.writeUInt16BE(fold(wordSum(frame, ip, ip + 20)), ip + 10);
  } else {
    frame.writeUInt32BE(0x60000000, ip);
    frame.writeUInt16BE(length, ip + 4);
    frame[ip + 6] = protocol;
    frame[ip + 7] = TTL;
    src.copy(frame, ip + 8);
    dst.copy(frame, ip + 24);
  }
  // The pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1): addresses, protocol, transport length.
  const pseudo = wordSum(src, 0, src.length, wordSum(dst, 0, dst.length)) + protocol + (length & 0xffff) + Math.floor(length / 0x10000);
  return { frame, at: ip + ipLength, pseudo };
}

export function tcpFrame(s: TcpSegment): Buffer {
  const headerLength = s.mss ? 24 : 20;
  const payload = s.payload;
  const length = headerLength + (payload?.length ?? 0);
  const { frame, at, pseudo } = ipFrame(s, PROTO_TCP, length, s.id);
  frame.writeUInt16BE(s.srcPort, at);
  frame.writeUInt16BE(s.dstPort, at + 2);
  frame.writeUInt32BE(s.seq >>> 0, at + 4);
  frame.writeUInt32BE(s.flags & TCP_ACK ? s.ack >>> 0 : 0, at + 8);
  frame[at + 12] = (headerLength / 4) << 4;
  frame[at + 13] = s.flags;
  frame.writeUInt16BE(65535, at + 14);
  if (s.mss) {
    frame[at + 20] = 2;
    frame[at + 21] = 4;
    frame.writeUInt16BE(s.mss, at + 22);
  }
  payload?.copy(frame, at + headerLength);
  frame.writeUInt16BE(fold(wordSum(frame, at, at + length, pseudo)), at + 16);
  return frame;
}

export function udpFrame(a: Addressing, payload: Buffer, id: number): Buffer {
  const length = 8 + payload.length;
  const { frame, at, pseudo } = ipFrame(a, PROTO_UDP, length, id);
  frame.writeUInt16BE(a.srcPort, at);
  frame.writeUInt16BE(a.dstPort, at + 2);
  frame.writeUInt16BE(length, at + 4);
  payload.copy(frame, at + 8);
  const sum = fold(wordSum(frame, at, at + length, pseudo));
  frame.writeUInt16BE(sum === 0 ? 0xffff : sum, at + 6); // 0 means "no checksum" (RFC 768)
  return frame;
}
