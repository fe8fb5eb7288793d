import type { MessageDir } from './folder-scan.js';
import type { Flag } from './types.js';

/** One message as the folder knows it. Flags and file name change; everything else is fixed. */
export interface StoredMessage {
  readonly uid: number;
  readonly base: string;
  dir: MessageDir;
  fileName: string;
  letters: string;
  flags: Flag[];
  /** Octets with CRLF line ends, as served. */
  readonly size: number;
  /** Octets on disk (differs from size when another program stored bare LF). */
  readonly diskSize: number;
  readonly internalDate: Date;
  /** Dovecot's uidlist extension fields for this message, kept as found. */
  readonly extensions: string;
  /** Bumps at every flag change: views compare it with what they last reported. */
  modseq: number;
}

/** A folder's messages in UID order, found by UID or by the base name of their file. */
export class MessageIndex {
  private sorted: StoredMessage[] = [];
  private readonly byUid = new Map<number, StoredMessage>();
  private readonly byBase = new Map<string, StoredMessage>();

  get count(): number {
    return this.sorted.length;
  }

  /** Every message, in UID order. */
  all(): readonly StoredMessage[] {
    return this.sorted;
  }

  get(uid: number): StoredMessage | undefined {
    return this.byUid.get(uid);
  }

  has(uid: number): boolean {
    return this.byUid.has(uid);
  }

  withBase(base: string): StoredMessage | undefined {
    return this.byBase.get(base);
  }

  uids(): IterableIterator<number> {
    return this.byUid.keys();
  }

  /** Messages with a UID above `uid`, in UID order. */
  after(uid: number): StoredMessage[] {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]!.uid <= uid) low = mid + 1;
      else high = mid;
    }
    return this.sorted.slice(low);
  }

  /** Adds a message; call `sortIfNeeded` after a batch of them. */
  add(message: StoredMessage): void {
    this.sorted.push(message);
    this.byUid.set(message.uid, message);
    this.byBase.set(message.base, message);
  }

  sortIfNeeded(): void {
    for (let i = 1; i < this.sorted.length; i += 1) {
      if (this.sorted[i - 1]!.uid > this.sorted[i]!.uid) {
        this.sorted.sort((a, b) => a.uid - b.uid);
        return;
      }
    }
  }

  remove(uids: ReadonlySet<number>): void {
    this.sorted = this.sorted.filter((m) => !uids.has(m.uid));
    for (const uid of uids) {
      const message = this.byUid.get(uid);
      if (!message) continue;
      this.byUid.delete(uid);
      this.byBase.delete(message.base);
    }
  }
}
