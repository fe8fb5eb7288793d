/** Received bytes waiting to be read, kept as the chunks they arrived in so large blocks are never re-copied while they grow. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // offset into chunks[0]
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }

  /** The bytes at the head of the queue that lie in one piece of memory (the rest of the first chunk), left in the queue. */
  peekContiguous(): Buffer {
    const first = this.chunks[0];
    return first ? first.subarray(this.head) : Buffer.alloc(0);
  }

  /** Position of the first `byte` (counted from the start of the queue), or -1. */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const size = chunk.length - start;
      if (from < base + size) {
        const found = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (found !== -1) return base + found - start;
      }
      base += size;
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Buffer {
    if (n > this.total) throw new RangeError(`take(${n}) with only ${this.total} bytes queued`);
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const chunk = this.chunks[0]!;
      const avail = chunk.length - this.head;
      const piece = chunk.subarray(this.head, this.head + Math.min(avail, need));
      parts.push(piece);
      need -= piece.length;
      this.advance(piece.length);
    }
    return Buffer.concat(parts, n);
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    this.advance(Math.min(n, this.total));
  }

  private advance(n: number): void {
    this.total -= n;
    while (n > 0) {
      const chunk = this.chunks[0]!;
      const avail = chunk.length - this.head;
      if (n < avail) {
        this.head += n;
        return;
      }
      n -= avail;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
