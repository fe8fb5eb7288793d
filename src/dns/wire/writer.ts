import { nameToLabels } from './name.js';

/**
 * A growing output buffer that writes names with compression (RFC 1035 §4.1.4): each suffix written is
 * remembered by its lower-cased text, and a later name ending in it becomes a pointer.
 */
export class NameWriter {
  private buf = Buffer.allocUnsafe(512);
  private length = 0;
  private readonly suffixes = new Map<string, number>();

  get offset(): number {
    return this.length;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.length] = value & 0xff;
    this.length += 1;
  }

  u16(value: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(value & 0xffff, this.length);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Overwrites a 16-bit value already written (an RDLENGTH once the data is known). */
  patch16(at: number, value: number): void {
    this.buf.writeUInt16BE(value, at);
  }

  /**
   * Writes a name; with `compress`, suffixes seen before become pointers. Every suffix written is
   * remembered, except with `wholeOnly` (the question): its case is the client's, so only the whole name
   * may be pointed at — by owners that are the question's name — and other names keep the zone's case,
   * as BIND's case-sensitive compression does.
   */
  name(name: string, compress: boolean, wholeOnly = false): void {
    const labels = nameToLabels(name);
    for (let i = 0; i < labels.length; i += 1) {
      const key = suffixKey(labels, i);
      const known = compress ? this.suffixes.get(key) : undefined;
      if (known !== undefined) {
        this.u16(0xc000 | known);
        return;
      }
      if (this.length < 0x4000 && !this.suffixes.has(key) && (!wholeOnly || i === 0)) this.suffixes.set(key, this.length);
      const label = labels[i] as Buffer;
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private ensure(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }
}

function suffixKey(labels: Buffer[], from: number): string {
  let key = '';
  for (let i = from; i < labels.length; i += 1) key += `${(labels[i] as Buffer).toString('latin1').toLowerCase()}.`;
  return key;
}
