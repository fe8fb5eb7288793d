/**
 * The mail store's public shapes. IMAP, POP3 and SMTP reach the Maildir only through these; the
 * on-disk formats (Maildir++, dovecot-uidlist v3, dovecot-keywords, subscriptions) stay inside the store.
 */

/** The IMAP system flags kept in the Maildir info letters (`:2,DFRST`, RFC 3501 §2.3.2). */
export type SystemFlag = '\\Answered' | '\\Deleted' | '\\Draft' | '\\Flagged' | '\\Seen';

/**
 * A stored flag as IMAP spells it: a system flag or a keyword atom (`$Forwarded`, `Junk`). Keywords
 * keep the case they were first stored with and compare case-insensitively. `\Recent` is not stored:
 * it belongs to a session (see FolderView.isRecent).
 */
export type Flag = SystemFlag | (string & {});

/** RFC 6154 attributes of the folders every user gets. */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk';

/** The hierarchy delimiter, as Dovecot's default Maildir++ layout: folder `a.b` lives in `.a.b/`. */
export const HIERARCHY_DELIMITER = '.';

export interface FolderInfo {
  /** `INBOX`, `Sent`, `a.b` — exactly as on the wire (modified UTF-7 is stored as it comes, as Dovecot does). */
  name: string;
  /** False for a parent that exists only because a child does (`.a.b` without `.a`): list it \NonExistent. */
  selectable: boolean;
  hasChildren: boolean;
  specialUse?: SpecialUse;
  subscribed: boolean;
}

export interface FolderStatus {
  messages: number;
  /** Messages no session has seen yet (RFC 3501 \Recent). */
  recent: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
}

export interface MessageInfo {
  uid: number;
  /** System flags first (in SystemFlag order), then keywords in the order they were defined. */
  flags: readonly Flag[];
  /** IMAP INTERNALDATE: when the message arrived (the file's mtime, as Dovecot keeps it). */
  internalDate: Date;
  /** Octets as served, CRLF line ends counted (RFC822.SIZE, POP3 LIST/STAT). */
  size: number;
}

export interface AppendOptions {
  flags?: readonly Flag[];
  /** APPEND's date-time; default now. */
  internalDate?: Date;
}

export interface AppendResult {
  uidValidity: number;
  uid: number;
}

/** For UIDPLUS COPYUID (RFC 4315 §3): the target's UIDVALIDITY and each source UID with its new UID, in source order. */
export interface CopyResult {
  uidValidity: number;
  pairs: readonly (readonly [sourceUid: number, targetUid: number])[];
}

export interface ExpungeResult {
  /** Sequence numbers to announce with `* n EXPUNGE`, in this order (each as the client numbers messages at that moment). */
  sequences: readonly number[];
  uids: readonly number[];
}

export interface MoveResult extends CopyResult {
  expunged: ExpungeResult;
}

/** STORE's three forms (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS. */
export type FlagOperation = 'replace' | 'add' | 'remove';

/** What changed in a folder since the view last synced: the untagged responses to send. */
export interface FolderUpdate {
  /** Announce these first (EXPUNGE), in order; empty when the caller held expunges back. */
  expunged: ExpungeResult;
  /** The new message count when it changed (EXISTS), after the expunges. */
  exists?: number;
  /** The new \Recent count when it changed (RECENT). */
  recent?: number;
  /** Messages whose flags someone else changed (FETCH (FLAGS …)), numbered after the expunges. */
  flagChanges: readonly { seq: number; message: MessageInfo }[];
  /** Set when new keywords were defined: send FLAGS and PERMANENTFLAGS again. */
  keywords?: readonly string[];
}

export interface OpenOptions {
  /** EXAMINE: no flag changes, no \Recent claimed, nothing moved. */
  readOnly?: boolean;
}

export interface SyncOptions {
  /**
   * False while a FETCH, STORE or SEARCH runs (RFC 3501 §7.4.1): expunged messages stay in the view
   * (reading them fails with EXPUNGED) until a later sync may announce them. Default true.
   */
  expunge?: boolean;
}

/** One user's Maildir++: INBOX at the root, every other folder a `.name` directory beside it. */
export interface Mailbox {
  /** The Maildir root (INBOX). */
  readonly root: string;
  /** Folders sorted by name, INBOX first; virtual parents included with `selectable: false`. */
  list(): Promise<FolderInfo[]>;
  /** Creates a folder and the parents it needs (RFC 3501 §6.3.3). ALREADY_EXISTS, INVALID_NAME. */
  create(name: string): Promise<void>;
  /**
   * NONEXISTENT, CANNOT (INBOX). Its messages are gone; its UIDVALIDITY is never reused. Children stay,
   * and the name lives on as their \Noselect parent (RFC 3501 §6.3.4).
   */
  delete(name: string): Promise<void>;
  /** Renames a folder with its children; renaming INBOX moves its messages into a new folder (RFC 3501 §6.3.5). */
  rename(from: string, to: string): Promise<void>;
  subscribe(name: string): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  /** Subscribed names, as stored (a name may no longer exist: LSUB shows it \NonExistent). */
  subscriptions(): Promise<string[]>;
  status(name: string): Promise<FolderStatus>;
  /** Stores a message durably, then gives it a UID (APPENDUID). TOO_MANY_KEYWORDS when 26 are in use. */
  append(name: string, message: Buffer, options?: AppendOptions): Promise<AppendResult>;
  /** SELECT/EXAMINE: a view with sequence numbers, kept in step with other sessions by `sync`. */
  open(name: string, options?: OpenOptions): Promise<FolderView>;
  /** The POP3 maildrop lock (RFC 1939 §8): LOCKED when another session holds it, in this or another process. */
  lockMaildrop(): Promise<MaildropLock>;
}

/**
 * One session's window on a folder: message sequence numbers (1-based, in UID order), frozen between
 * syncs so numbering never shifts under a command. Changes made through this view are applied to it at
 * once (and reported to other views); changes made elsewhere appear at the next `sync`.
 */
export interface FolderView {
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  /** As of the last sync. */
  readonly uidNext: number;
  readonly exists: number;
  readonly recent: number;
  /** Keywords defined in this folder (FLAGS lists them after the system flags). */
  readonly keywords: readonly string[];
  /** Whether a new keyword can still be stored (PERMANENTFLAGS `\*`): Maildir has 26 keyword letters. */
  readonly canCreateKeywords: boolean;

  /** 1-based; undefined past the end. */
  message(seq: number): MessageInfo | undefined;
  /** All messages; index i is sequence number i + 1. */
  messages(): readonly MessageInfo[];
  /** The sequence number of a UID in this view, or undefined. */
  sequenceOf(uid: number): number | undefined;
  /** \Recent in this session (RFC 3501 §2.3.2). */
  isRecent(uid: number): boolean;

  /** The message's bytes with CRLF line ends (files with bare LF, as other programs write them, are converted). EXPUNGED if it is gone. */
  read(uid: number): Promise<Buffer>;
  /**
   * The same bytes without waiting, when the message is small and its file is where the index says;
   * undefined otherwise (then `read`). FETCH and RETR serve most messages this way. `allocate` gives
   * the memory to read into; the bytes returned may be part of it.
   */
  readNow(uid: number, allocate?: (bytes: number) => Buffer): Buffer | undefined;
  /** Changes flags; returns the messages whose flags changed (for FETCH responses unless .SILENT). READ_ONLY in EXAMINE. */
  storeFlags(uids: readonly number[], operation: FlagOperation, flags: readonly Flag[]): Promise<MessageInfo[]>;
  /** Removes the given messages that carry \Deleted, or all \Deleted ones (EXPUNGE, UID EXPUNGE, CLOSE). */
  expunge(uids?: readonly number[]): Promise<ExpungeResult>;
  /** COPY: NONEXISTENT when the target folder does not exist (TRYCREATE). */
  copy(uids: readonly number[], target: string): Promise<CopyResult>;
  /** MOVE (RFC 6851): copy, then expunge from here, without a \Deleted flag on the way. */
  move(uids: readonly number[], target: string): Promise<MoveResult>;
  /** Picks up changes by other sessions, SMTP deliveries and other programs (a rescan of the Maildir when it changed). */
  sync(options?: SyncOptions): Promise<FolderUpdate>;
  /** Called (at most a few times a second) when a sync would report something; for IDLE. Returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Ends the view (CLOSE, UNSELECT, SELECT of another folder, logout). */
  close(): void;
}

/** Held while a POP3 session is in TRANSACTION state. */
export interface MaildropLock {
  release(): Promise<void>;
}
