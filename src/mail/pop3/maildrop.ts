import { MailStoreError, type FolderView, type Mailbox, type MaildropLock, type MessageInfo } from '../store/index.js';

/**
 * A POP3 session's maildrop (RFC 1939): INBOX as it was at login, numbered 1..n for the whole session,
 * with this session's deletion marks. Nothing changes on disk before `commit` (the UPDATE state).
 */
export class Maildrop {
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Set<number>();
  private closed = false;

  private constructor(
    private readonly view: FolderView,
    private readonly lock: MaildropLock,
    private readonly messages: readonly MessageInfo[],
  ) {}

  /** Locks the maildrop (LOCKED when another session has it), then takes INBOX's message list. */
  static async open(mailbox: Mailbox): Promise<Maildrop> {
    const lock = await mailbox.lockMaildrop();
    try {
      const view = await mailbox.open('INBOX');
      return new Maildrop(view, lock, [...view.messages()]);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Messages not marked deleted, and their octets (STAT). */
  summary(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    this.messages.forEach((m, i) => {
      if (this.deleted.has(i + 1)) return;
      count += 1;
      octets += m.size;
    });
    return { count, octets };
  }

  /** What a message number means here: a message, one marked deleted, or nothing. */
  lookup(number: number): 'present' | 'deleted' | 'absent' {
    if (!Number.isSafeInteger(number) || number < 1 || number > this.messages.length) return 'absent';
    return this.deleted.has(number) ? 'deleted' : 'present';
  }

  /** The numbers of the messages not marked deleted, in order. */
  numbers(): number[] {
    return this.messages.map((_, i) => i + 1).filter((n) => !this.deleted.has(n));
  }

  size(number: number): number {
    return this.message(number).size;
  }

  /**
   * A unique id that stays the same across sessions: Dovecot's default `%08Xu%08Xv`, UID and UIDVALIDITY
   * in (lower-case, as Dovecot prints them) hex, so a client moving between the two sees the same ids.
   */
  uniqueId(number: number): string {
    const hex = (n: number): string => n.toString(16).padStart(8, '0');
    return `${hex(this.message(number).uid)}${hex(this.view.uidValidity)}`;
  }

  /** The message's bytes (CRLF); RETR marks it to be flagged \Seen at QUIT, TOP does not. EXPUNGED if an IMAP session removed it. */
  async read(number: number, markRetrieved: boolean): Promise<Buffer> {
    const bytes = await this.view.read(this.message(number).uid);
    if (markRetrieved) this.retrieved.add(number);
    return bytes;
  }

  /** `read` without waiting, for a small message whose file is where the index says; undefined otherwise. `allocate` gives the memory. */
  readNow(number: number, markRetrieved: boolean, allocate?: (bytes: number) => Buffer): Buffer | undefined {
    const message = this.messages[number - 1];
    const bytes = message && this.view.readNow(message.uid, allocate);
    if (bytes && markRetrieved) this.retrieved.add(number);
    return bytes;
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
  }

  get hasDeletions(): boolean {
    return this.deleted.size > 0;
  }

  /** RSET: undoes every deletion mark. */
  reset(): void {
    this.deleted.clear();
  }

  /**
   * UPDATE state (RFC 1939 §6): retrieved messages get \Seen (as Dovecot does), marked ones are removed.
   * Resolves once the removals are durable; false when some could not be removed.
   */
  async commit(): Promise<boolean> {
    const uidsOf = (numbers: Iterable<number>): number[] => [...numbers].map((n) => this.message(n).uid);
    const seen = uidsOf([...this.retrieved].filter((n) => !this.deleted.has(n)));
    if (seen.length > 0) await this.view.storeFlags(seen, 'add', ['\\Seen']);
    if (this.deleted.size === 0) return true;
    const doomed = uidsOf(this.deleted);
    await this.view.storeFlags(doomed, 'add', ['\\Deleted']);
    const expunged = new Set((await this.view.expunge(doomed)).uids);
    // A message an IMAP session expunged meanwhile is gone too: that is what the client asked for.
    await this.view.sync();
    return doomed.every((uid) => expunged.has(uid) || this.view.sequenceOf(uid) === undefined);
  }

  /** Releases the maildrop; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.view.close();
    await this.lock.release();
  }

  private message(number: number): MessageInfo {
    const message = this.messages[number - 1];
    if (!message) throw new MailStoreError('EXPUNGED', `no message ${number}`);
    return message;
  }
}
