/**
 * A pcapng writer (draft-ietf-opsawg-pcapng, the format Wireshark writes): one section header, one
 * interface (Ethernet, microsecond timestamps), then one enhanced packet block per frame, each with an
 * optional comment. Little-endian throughout.
 */
const SECTION_HEADER = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION = 0x00000001;
const ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262_144;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;

export interface CaptureFrame {
  /** Microseconds since the epoch (exact as a number until the year 2255). */
  timestampUs: number;
  bytes: Buffer;
  comment?: string;
}

function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

function options(list: [code: number, value: string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [code, value] of list) {
    const data = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(data.length, 2);
    parts.push(head, data, Buffer.alloc(pad4(data.length)));
  }
  if (parts.length > 0) {
    const end = Buffer.alloc(4);
    end.writeUInt16LE(OPT_END, 0); // opt_endofopt, length 0
    parts.push(end);
  }
  return Buffer.concat(parts);
}

/** type, total length, body, total length again (so a reader can walk backwards). */
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

export function sectionHeader(comment: string, application: string): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  fixed.writeUInt16LE(1, 4);
  fixed.writeUInt16LE(0, 6);
  fixed.writeBigInt64LE(-1n, 8); // section length not given
  return block(SECTION_HEADER, Buffer.concat([fixed, options([[OPT_COMMENT, comment], [SHB_USERAPPL, application]])]));
}

export function interfaceDescription(name: string): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(LINKTYPE_ETHERNET, 0);
  fixed.writeUInt32LE(SNAPLEN, 4);
  return block(INTERFACE_DESCRIPTION, Buffer.concat([fixed, options([[IF_NAME, name]])]));
}

export function enhancedPacket(frame: CaptureFrame): Buffer {
  // One buffer per block, written in place: type, length, interface, time, lengths, data, options, length.
  const comment = frame.comment ? Buffer.from(frame.comment, 'utf8') : undefined;
  const dataLength = frame.bytes.length + pad4(frame.bytes.length);
  const optionsLength = comment ? 4 + comment.length + pad4(comment.length) + 4 : 0;
  const total = 12 + 20 + dataLength + optionsLength;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(ENHANCED_PACKET, 0);
  out.writeUInt32LE(total, 4);
  out.writeUInt32LE(0, 8); // interface 0
  out.writeUInt32LE(Math.floor(frame.timestampUs / 2 ** 32), 12);
  out.writeUInt32LE(frame.timestampUs % 2 ** 32, 16);
  out.writeUInt32LE(frame.bytes.length, 20);
  out.writeUInt32LE(frame.bytes.length, 24);
  frame.bytes.copy(out, 28);
  if (comment) {
    const at = 28 + dataLength;
    out.writeUInt16LE(OPT_COMMENT, at);
    out.writeUInt16LE(comment.length, at + 2);
    comment.copy(out, at + 4);
    // opt_endofopt (code 0, length 0) is already zero.
  }
  out.writeUInt32LE(total, total - 4);
  return out;
}

/** A whole capture file: the header blocks, then every frame in the order given. */
export function pcapngFile(frames: readonly CaptureFrame[], comment: string): Buffer {
  return Buffer.concat([sectionHeader(comment, 'wirelab'), interfaceDescription('wirelab tap (synthesized frames)'), ...frames.map(enhancedPacket)]);
}
