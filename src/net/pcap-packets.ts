import { isIPv4, isIPv6 } from 'node:net';

/**
 * Synthesized Ethernet / IPv4 or IPv6 / TCP or UDP frames with correct lengths and checksums
 * (RFC 791, RFC 8200, RFC 9293, RFC 768), so Wireshark reads them as if captured on the wire.
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

export function ipBytes(address: string): Buffer {
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

/** A locally administered MAC address made from the host's IP, so each lab host has its own. */
function macOf(ip: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x02, 0x00]), ip.subarray(ip.length - 4)]);
}

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */
export function internetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 1) {
      const byte = part[i] as number;
      if (odd === undefined) odd = byte;
      else {
        sum += (odd << 8) | byte;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function pseudoHeader(src: Buffer, dst: Buffer, protocol: number, length: number): Buffer {
  if (src.length === 4) {
    const p = Buffer.alloc(12);
    src.copy(p, 0);
    dst.copy(p, 4);
    p.writeUInt8(protocol, 9);
    p.writeUInt16BE(length, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  src.copy(p, 0);
  dst.copy(p, 16);
  p.writeUInt32BE(length, 32);
  p.writeUInt8(protocol, 39);
  return p;
}

function ipFrame(a: Addressing, protocol: number, transport: Buffer, id: number): Buffer {
  const src = ipBytes(a.src);
  const dst = ipBytes(a.dst);
  const ethernet = Buffer.alloc(14);
  macOf(dst).copy(ethernet, 0);
  macOf(src).copy(ethernet, 6);
  if (src.length === 4) {
    ethernet.writeUInt16BE(ETHERTYPE_IPV4, 12);
    const ip = Buffer.alloc(20);
    ip.writeUInt8(0x45, 0);
    ip.writeUInt16BE(20 + transport.length, 2);
    ip.writeUInt16BE(id & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip.writeUInt8(TTL, 8);
    ip.writeUInt8(protocol, 9);
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(internetChecksum(ip), 10);
    return Buffer.concat([ethernet, ip, transport]);
  }
  ethernet.writeUInt16BE(ETHERTYPE_IPV6, 12);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(transport.length, 4);
  ip.writeUInt8(protocol, 6);
  ip.writeUInt8(TTL, 7);
  src.copy(ip, 8);
  dst.copy(ip, 24);
  return Buffer.concat([ethernet, ip, transport]);
}

export function tcpFrame(s: TcpSegment): Buffer {
  const optionBytes = s.mss ? 4 : 0;
  const header = Buffer.alloc(20 + optionBytes);
  header.writeUInt16BE(s.srcPort, 0);
  header.writeUInt16BE(s.dstPort, 2);
  header.writeUInt32BE(s.seq >>> 0, 4);
  header.writeUInt32BE(s.flags & TCP_ACK ? s.ack >>> 0 : 0, 8);
  header.writeUInt8(((20 + optionBytes) / 4) << 4, 12);
  header.writeUInt8(s.flags, 13);
  header.writeUInt16BE(65535, 14);
  if (s.mss) {
    header.writeUInt8(2, 20);
    header.writeUInt8(4, 21);
    header.writeUInt16BE(s.mss, 22);
  }
  const payload = s.payload ?? Buffer.alloc(0);
  const segment = Buffer.concat([header, payload]);
  segment.writeUInt16BE(internetChecksum(pseudoHeader(ipBytes(s.src), ipBytes(s.dst), PROTO_TCP, segment.length), segment), 16);
  return ipFrame(s, PROTO_TCP, segment, s.id);
}

export function udpFrame(a: Addressing, payload: Buffer, id: number): Buffer {
  const datagram = Buffer.alloc(8 + payload.length);
  datagram.writeUInt16BE(a.srcPort, 0);
  datagram.writeUInt16BE(a.dstPort, 2);
  datagram.writeUInt16BE(datagram.length, 4);
  payload.copy(datagram, 8);
  const sum = internetChecksum(pseudoHeader(ipBytes(a.src), ipBytes(a.dst), PROTO_UDP, datagram.length), datagram);
  datagram.writeUInt16BE(sum === 0 ? 0xffff : sum, 6); // 0 means "no checksum" (RFC 768)
  return ipFrame(a, PROTO_UDP, datagram, id);
}
