/**
 * DNS over TCP frames each message with a two-byte length (RFC 1035 §4.2.2). Bytes arrive in any
 * split — a length prefix can be cut across two writes (RFC 7766 §8) — so frames are reassembled here.
 */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Adds received bytes; returns every message now complete. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    while (this.pendingBytes >= 2) {
      const head = this.peek(2);
      const length = head.readUInt16BE(0);
      if (this.pendingBytes < 2 + length) break;
      const frame = this.take(2 + length);
      frames.push(frame.subarray(2));
    }
    return frames;
  }

  /** Bytes received but not yet a whole message. */
  get buffered(): number {
    return this.pendingBytes;
  }

  private peek(n: number): Buffer {
    if ((this.pending[0]?.length ?? 0) < n) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0] as Buffer;
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return frame;
  }
}

export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}
