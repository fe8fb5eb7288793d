import { FormatError } from './errors.js';

/**
 * Domain names in the lab are presentation strings without the final dot ('www.st.um', root is ''),
 * with RFC 1035 §5.1 escapes (`\.`, `\032`) for bytes that are not plain. Keys compare lower-cased
 * (RFC 4343); the wire keeps whatever case it was given.
 */

const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;
/** More pointers than any legal name needs (a name has at most 127 labels): a guard against loops. */
const MAX_POINTERS = 128;

/** Characters shown as they are in a label; the rest are escaped. */
function isPlain(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2a || // *
    byte === 0x2f || // /
    byte === 0x2b || // +
    byte === 0x3d || // =
    byte === 0x23 || // #
    byte === 0x21 || // !
    byte === 0x25 || // %
    byte === 0x26 || // &
    byte === 0x2c || // ,
    byte === 0x3a || // :
    byte === 0x3c || // <
    byte === 0x3e || // >
    byte === 0x3f || // ?
    byte === 0x5b || // [
    byte === 0x5d || // ]
    byte === 0x5e || // ^
    byte === 0x60 || // `
    byte === 0x7b || // {
    byte === 0x7c || // |
    byte === 0x7d || // }
    byte === 0x7e // ~
  );
}

export function labelToText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (isPlain(byte)) text += String.fromCharCode(byte);
    else if (byte > 0x20 && byte < 0x7f) text += `\\${String.fromCharCode(byte)}`;
    else text += `\\${byte.toString().padStart(3, '0')}`;
  }
  return text;
}

/** Splits a presentation name into wire labels, undoing escapes. Throws on an empty or oversize label. */
export function nameToLabels(name: string): Buffer[] {
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  if (text === '') return [];
  const labels: Buffer[] = [];
  let current: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2e) {
      labels.push(finishLabel(current, name));
      current = [];
    } else if (ch === 0x5c) {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (digits) {
        const value = Number(digits[0]);
        if (value > 255) throw new FormatError(`bad escape \\${digits[0]} in ${name}`);
        current.push(value);
        i += 3;
      } else if (i + 1 < text.length) {
        current.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      } else {
        throw new FormatError(`dangling backslash in ${name}`);
      }
    } else {
      for (const byte of Buffer.from(text[i] ?? '', 'utf8')) current.push(byte);
    }
  }
  labels.push(finishLabel(current, name));
  const octets = labels.reduce((sum, l) => sum + l.length + 1, 1);
  if (octets > MAX_NAME_OCTETS) throw new FormatError(`name too long (${octets} octets): ${name}`);
  return labels;
}

function finishLabel(bytes: number[], name: string): Buffer {
  if (bytes.length === 0) throw new FormatError(`empty label in ${name}`);
  if (bytes.length > MAX_LABEL_OCTETS) throw new FormatError(`label longer than 63 octets in ${name}`);
  return Buffer.from(bytes);
}

export function labelsToName(labels: readonly Uint8Array[]): string {
  return labels.map(labelToText).join('.');
}

/** The comparison key of a name: escapes normalised, lower-cased (RFC 4343). */
export function canonicalName(name: string): string {
  return labelsToName(nameToLabels(name)).toLowerCase();
}

/** True when `name` is `zone` or below it; both canonical. */
export function isInZone(name: string, zone: string): boolean {
  return zone === '' || name === zone || name.endsWith(`.${zone}`);
}

/** The name one label up; the root's parent is undefined. Splits on unescaped dots only. */
export function parentName(name: string): string | undefined {
  if (name === '') return undefined;
  for (let i = 0; i < name.length; i += 1) {
    if (name[i] === '\\') i += /^\d{3}/.test(name.slice(i + 1, i + 4)) ? 3 : 1;
    else if (name[i] === '.') return name.slice(i + 1);
  }
  return '';
}

/** Fully qualified, for zone files and dig-style output. */
export function fqdn(name: string): string {
  return `${name}.`;
}

/**
 * Reads a possibly compressed name (RFC 1035 §4.1.4). Pointers must point backwards and are bounded in
 * number, so a pointer loop or a name running past the packet is a FormatError, never a hang.
 */
export function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: Uint8Array[] = [];
  let offset = start;
  let end = -1;
  let octets = 1;
  let pointers = 0;
  let lowestTarget = start;
  for (;;) {
    if (offset >= buf.length) throw new FormatError('name runs past the end of the packet');
    const len = buf[offset] as number;
    if (len === 0) {
      if (end < 0) end = offset + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (offset + 1 >= buf.length) throw new FormatError('compression pointer runs past the end of the packet');
      const target = ((len & 0x3f) << 8) | (buf[offset + 1] as number);
      if (end < 0) end = offset + 2;
      pointers += 1;
      if (target >= lowestTarget || pointers > MAX_POINTERS) throw new FormatError('compression pointer loop or forward pointer');
      lowestTarget = target;
      offset = target;
      continue;
    }
    if (kind !== 0) throw new FormatError(`unsupported label type 0x${kind.toString(16)}`);
    if (offset + 1 + len > buf.length) throw new FormatError('label runs past the end of the packet');
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) throw new FormatError('name longer than 255 octets');
    labels.push(buf.subarray(offset + 1, offset + 1 + len));
    offset += len + 1;
  }
  return { name: labelsToName(labels), end };
}
