/** An arena's size: a 256 KB chunk of output and a message up to 256 KB read without waiting. */
const ARENA_BYTES = 512 * 1024;
/** Arenas given back whole, kept for the next connection that writes a lot (4 MB at most). */
const spares: Buffer[] = [];
const MAX_SPARES = 8;

/**
 * Memory a connection's output is built in and used again once the kernel has taken it. A message
 * read into fresh memory costs about as much as the read itself (new pages to fault in, and the
 * collector later): a FETCH BODY[] of 16 KB messages spent a quarter of its time allocating.
 */
export class OutputArena {
  private memory: Buffer | undefined;
  private used = 0;

  /** Whether anything taken since the last `recycle` may still be in use. */
  get inUse(): boolean {
    return this.used > 0;
  }

  /**
   * `bytes` of memory, left as they are until `recycle` or `release`. Larger than what is left, they
   * are fresh memory of their own.
   */
  readonly take = (bytes: number): Buffer => {
    if (this.used + bytes > ARENA_BYTES) return Buffer.allocUnsafe(bytes);
    this.memory ??= spares.pop() ?? Buffer.allocUnsafe(ARENA_BYTES);
    const piece = this.memory.subarray(this.used, this.used + bytes);
    this.used += bytes;
    return piece;
  };

  /** Nothing taken is referenced any more (the kernel has taken the write): the memory is used again. */
  recycle(): void {
    this.used = 0;
  }

  /**
   * Lets the memory go, so an idle connection holds none. `reusable` when nothing taken is referenced
   * any more: then another connection gets it.
   */
  release(reusable: boolean): void {
    if (this.memory && (reusable || this.used === 0) && spares.length < MAX_SPARES) spares.push(this.memory);
    this.memory = undefined;
    this.used = 0;
  }
}
