import { EDNS_DO, Flag, RrType } from './constants.js';
import { FormatError } from './errors.js';
import { readName } from './name.js';
import { decodeRdata, encodeRdata, type ResourceRecord } from './rdata.js';
import { NameWriter } from './writer.js';

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface EdnsOptionData {
  code: number;
  data: Buffer;
}

/** The OPT pseudo-record's content (RFC 6891 §6.1). */
export interface Edns {
  udpPayloadSize: number;
  version: number;
  dnssecOk: boolean;
  options: EdnsOptionData[];
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** The full response code: the header's four bits, plus the OPT record's upper eight when EDNS is on. */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  /** Without the OPT record, which is `edns`. */
  additionals: ResourceRecord[];
  edns?: Edns;
}

export function emptyMessage(id: number): DnsMessage {
  return { id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0, questions: [], answers: [], authorities: [], additionals: [] };
}

/** Reads a whole message; anything malformed (RFC 1035 §4.1) is a FormatError. */
export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new FormatError(`message shorter than its 12-byte header (${buf.length} bytes)`);
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  const message: DnsMessage = {
    id: buf.readUInt16BE(0),
    qr: (flags & Flag.QR) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & Flag.AA) !== 0,
    tc: (flags & Flag.TC) !== 0,
    rd: (flags & Flag.RD) !== 0,
    ra: (flags & Flag.RA) !== 0,
    ad: (flags & Flag.AD) !== 0,
    cd: (flags & Flag.CD) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  let offset = 12;
  for (let i = 0; i < counts[0]; i += 1) {
    const { name, end } = readName(buf, offset);
    if (end + 4 > buf.length) throw new FormatError('question runs past the end of the packet');
    message.questions.push({ name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) });
    offset = end + 4;
  }
  const sections = [message.answers, message.authorities, message.additionals];
  for (let s = 0; s < 3; s += 1) {
    for (let i = 0; i < (counts[s + 1] as number); i += 1) {
      const { name, end } = readName(buf, offset);
      if (end + 10 > buf.length) throw new FormatError('record header runs past the end of the packet');
      const type = buf.readUInt16BE(end);
      const klass = buf.readUInt16BE(end + 2);
      const ttl = buf.readUInt32BE(end + 4);
      const length = buf.readUInt16BE(end + 8);
      const dataStart = end + 10;
      if (dataStart + length > buf.length) throw new FormatError('record data runs past the end of the packet');
      offset = dataStart + length;
      if (type === RrType.OPT) {
        if (s !== 2) throw new FormatError('OPT record outside the additional section');
        if (message.edns) throw new FormatError('more than one OPT record');
        if (name !== '') throw new FormatError('OPT record not owned by the root');
        message.edns = readOpt(buf, klass, ttl, dataStart, length);
        message.rcode |= ((ttl >>> 24) & 0xff) << 4;
        continue;
      }
      (sections[s] as ResourceRecord[]).push({ name, type, class: klass, ttl, data: decodeRdata(type, buf, dataStart, length) });
    }
  }
  if (offset !== buf.length) throw new FormatError(`${buf.length - offset} bytes of trailing garbage after the last record`);
  return message;
}

function readOpt(buf: Buffer, payload: number, ttl: number, start: number, length: number): Edns {
  const options: EdnsOptionData[] = [];
  const end = start + length;
  let at = start;
  while (at < end) {
    if (at + 4 > end) throw new FormatError('EDNS option header runs past the OPT record');
    const code = buf.readUInt16BE(at);
    const len = buf.readUInt16BE(at + 2);
    if (at + 4 + len > end) throw new FormatError('EDNS option runs past the OPT record');
    options.push({ code, data: Buffer.from(buf.subarray(at + 4, at + 4 + len)) });
    at += 4 + len;
  }
  return { udpPayloadSize: payload, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & EDNS_DO) !== 0, options };
}

export function encodeMessage(message: DnsMessage): Buffer {
  const out = new NameWriter();
  writeHeader(out, message);
  for (const q of message.questions) {
    out.name(q.name, true, true);
    out.u16(q.type);
    out.u16(q.class);
  }
  for (const section of [message.answers, message.authorities, message.additionals]) {
    for (const rr of section) writeRecord(out, rr);
  }
  if (message.edns) writeOpt(out, message.edns, message.rcode);
  return out.result();
}

function writeHeader(out: NameWriter, m: DnsMessage): void {
  out.u16(m.id);
  let flags = (m.opcode & 0xf) << 11;
  if (m.qr) flags |= Flag.QR;
  if (m.aa) flags |= Flag.AA;
  if (m.tc) flags |= Flag.TC;
  if (m.rd) flags |= Flag.RD;
  if (m.ra) flags |= Flag.RA;
  if (m.ad) flags |= Flag.AD;
  if (m.cd) flags |= Flag.CD;
  flags |= m.rcode & 0xf;
  out.u16(flags);
  out.u16(m.questions.length);
  out.u16(m.answers.length);
  out.u16(m.authorities.length);
  out.u16(m.additionals.length + (m.edns ? 1 : 0));
}

export function writeRecord(out: NameWriter, rr: ResourceRecord): void {
  out.name(rr.name, true);
  out.u16(rr.type);
  out.u16(rr.class);
  out.u32(rr.ttl);
  const lengthAt = out.offset;
  out.u16(0);
  encodeRdata(rr.data, out);
  out.patch16(lengthAt, out.offset - lengthAt - 2);
}

function writeOpt(out: NameWriter, edns: Edns, rcode: number): void {
  out.u8(0);
  out.u16(RrType.OPT);
  out.u16(edns.udpPayloadSize);
  out.u8((rcode >> 4) & 0xff);
  out.u8(edns.version);
  out.u16(edns.dnssecOk ? EDNS_DO : 0);
  const lengthAt = out.offset;
  out.u16(0);
  for (const option of edns.options) {
    out.u16(option.code);
    out.u16(option.data.length);
    out.bytes(option.data);
  }
  out.patch16(lengthAt, out.offset - lengthAt - 2);
}

