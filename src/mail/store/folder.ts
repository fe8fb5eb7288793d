import { copyFile, link, readFile, rename, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../../lab/durable.js';
import { toCrlf } from './crlf.js';
import { MailStoreError } from './errors.js';
import { directoryStamp, listMaildir, mayHaveChanged, type DirectoryStamp, type ListedFile, type MessageDir } from './folder-scan.js';
import { FolderWatcher } from './folder-watcher.js';
import { KeywordStore } from './keyword-store.js';
import { formatFileName, newBaseName, parseFileName } from './maildir-name.js';
import { readFileFacts, type FileFacts } from './file-facts.js';
import { applyFlagOperation, flagsOfLetters, keywordsAmong, lettersOfFlags } from './message-flags.js';
import { Mutex } from './mutex.js';
import { readMessageFileSync } from './message-file.js';
import { MessageIndex, type StoredMessage } from './message-index.js';
import { UidListFile } from './uidlist-file.js';
import { allocateUidValidity } from './uidvalidity.js';
import type { Flag, FlagOperation } from './types.js';

const UIDLIST_FILE = 'dovecot-uidlist';
const KEYWORDS_FILE = 'dovecot-keywords';

export type { StoredMessage } from './message-index.js';

/** A file already in new/ or cur/ that needs a UID (APPEND, COPY, MOVE). */
export interface PlacedFile {
  dir: MessageDir;
  fileName: string;
}

/** `origin` is the view that made the change (undefined for deliveries and other programs), so it does not wake itself. */
export type ChangeListener = (origin: unknown) => void;

const SYNC_READ_LIMIT = 256 * 1024;
const STAT_BATCH = 64;

/**
 * The state of one Maildir folder shared by everything in this process that uses it: messages by UID,
 * the uid list, keywords, \Recent, and a change feed. Every change runs through one mutex.
 */
export class Folder {
  readonly keywords: KeywordStore;
  /** Bumps at every change a view could report (new, expunged, flags). */
  version = 0;
  private readonly mutex = new Mutex();
  private readonly watcher: FolderWatcher;
  /** Set by `load`, before anyone sees the folder. */
  private uidList!: UidListFile;
  private readonly index = new MessageIndex();
  private stamp: DirectoryStamp | undefined;
  private firstRecentUid = 1;
  private modseq = 0;
  private removed = false;
  private readonly listeners = new Set<ChangeListener>();
  private refreshRunning: Promise<void> | undefined;
  private refreshQueued: Promise<void> | undefined;
  private queuedForce = false;

  private constructor(
    readonly path: string,
    private readonly root: string,
  ) {
    this.keywords = new KeywordStore(join(path, KEYWORDS_FILE));
    this.watcher = new FolderWatcher(path, () => {
      this.refresh(true).catch(() => undefined);
    });
  }

  /** Loads a folder that exists on disk: reads its uid list and gives UIDs to files that have none. */
  static async open(path: string, root: string): Promise<Folder> {
    const folder = new Folder(path, root);
    await folder.mutex.run(() => folder.load());
    return folder;
  }

  get uidValidity(): number {
    return this.uidList.uidValidity;
  }

  get uidNext(): number {
    return this.uidList.uidNext;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  get count(): number {
    return this.index.count;
  }

  messages(): readonly StoredMessage[] {
    return this.index.all();
  }

  get(uid: number): StoredMessage | undefined {
    return this.index.get(uid);
  }

  /** Messages with a UID above `uid`, in UID order. */
  messagesAfter(uid: number): StoredMessage[] {
    return this.index.after(uid);
  }

  /** Messages no session has claimed as \Recent yet. */
  recentCount(): number {
    return this.messagesAfter(this.firstRecentUid - 1).length;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches new/ and cur/ for other programs' changes while someone waits for them (IDLE); returns a release. */
  watch(): () => void {
    return this.removed ? () => undefined : this.watcher.acquire();
  }

  /**
   * Picks up changes made on disk by others when the directories changed since the last scan (or
   * always, forced). Calls that arrive while a refresh runs share the next one, forced only if one of
   * them asked: four sessions checking at once must not cost four scans of a big folder.
   */
  refresh(force = false): Promise<void> {
    if (!this.refreshRunning) {
      this.refreshRunning = this.refreshNow(force).finally(() => {
        this.refreshRunning = undefined;
      });
      return this.refreshRunning;
    }
    this.queuedForce ||= force;
    this.refreshQueued ??= this.refreshRunning.then(() => {
      const forced = this.queuedForce;
      this.refreshQueued = undefined;
      this.queuedForce = false;
      return this.refresh(forced);
    });
    return this.refreshQueued;
  }

  /** The message's bytes with CRLF line ends; EXPUNGED when the file is gone. */
  async read(uid: number): Promise<Buffer> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const message = this.index.get(uid);
      if (!message) break;
      const now = this.readNow(uid);
      if (now) return now;
      try {
        // Large messages are read asynchronously, so one big RETR or FETCH never stalls the other sessions.
        if (message.diskSize > SYNC_READ_LIMIT) return this.withCrlf(message, await readFile(this.fileOf(message)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      // The file was renamed or removed by another program since the last scan.
      await this.refresh(true);
    }
    throw new MailStoreError('EXPUNGED', `message ${uid} has been expunged`);
  }

  /**
   * A small message is read at once: from the page cache that takes microseconds, fewer than the
   * thread-pool round trips (open, read, close) and promises of an asynchronous read.
   */
  readNow(uid: number, allocate?: (bytes: number) => Buffer): Buffer | undefined {
    const message = this.index.get(uid);
    if (!message || message.diskSize > SYNC_READ_LIMIT) return undefined;
    try {
      return this.withCrlf(message, readMessageFileSync(this.fileOf(message), message.diskSize, allocate));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private withCrlf(message: StoredMessage, bytes: Buffer): Buffer {
    return message.size === message.diskSize ? bytes : toCrlf(bytes);
  }

  /** Changes flags by renaming files in cur/, durably; returns the messages whose flags changed. */
  async setFlags(uids: readonly number[], operation: FlagOperation, flags: readonly Flag[], origin: unknown): Promise<StoredMessage[]> {
    if (operation !== 'remove') await this.keywords.ensure(keywordsAmong(flags));
    return this.mutex.run(async () => {
      const changed: StoredMessage[] = [];
      const touched = new Set<MessageDir>();
      for (const uid of uids) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const message = this.index.get(uid);
          if (!message) break;
          const letters = lettersOfFlags(applyFlagOperation(message.flags, operation, flags), this.keywords, message.letters);
          if (letters === message.letters) break;
          const fileName = formatFileName(message.base, letters, 'cur');
          if (!(await this.renameInPlace(message, fileName))) continue;
          touched.add(message.dir).add('cur');
          message.dir = 'cur';
          message.fileName = fileName;
          message.letters = letters;
          message.flags = flagsOfLetters(letters, this.keywords);
          message.modseq = ++this.modseq;
          changed.push(message);
          break;
        }
      }
      await Promise.all([...touched].map((dir) => syncDirectory(join(this.path, dir))));
      if (changed.length > 0) this.changed(origin);
      return changed;
    });
  }

  /** Deletes the messages among `uids` (all when omitted) that carry \Deleted; returns their UIDs. */
  expunge(uids: readonly number[] | undefined, origin: unknown): Promise<number[]> {
    return this.mutex.run(async () => {
      const wanted = uids ?? this.index.all().map((m) => m.uid);
      const gone: number[] = [];
      for (const uid of wanted) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const message = this.index.get(uid);
          if (!message?.flags.includes('\\Deleted')) break;
          try {
            await unlink(this.fileOf(message));
            gone.push(uid);
            break;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await this.rescanLocked();
          }
        }
      }
      if (gone.length === 0) return gone;
      await Promise.all(['new', 'cur'].map((dir) => syncDirectory(join(this.path, dir))));
      this.index.remove(new Set(gone));
      this.changed(origin);
      return gone;
    });
  }

  /**
   * Gives UIDs to files already placed in new/ or cur/ (APPEND, COPY, MOVE), in the order given,
   * and records them in the uid list before returning. A file that vanished meanwhile gets undefined.
   */
  addPlaced(files: readonly PlacedFile[], origin: unknown): Promise<(number | undefined)[]> {
    return this.mutex.run(async () => {
      const unknown = files
        .map((f) => ({ ...f, ...parseFileName(f.fileName) }))
        .filter((f) => !this.index.withBase(f.base));
      if (unknown.length > 0) {
        await this.assignUids(unknown, false);
        this.changed(origin);
      }
      return files.map((f) => this.index.withBase(parseFileName(f.fileName).base)?.uid);
    });
  }

  /**
   * Hard-links (or copies) messages into `target` with their flags and internal dates. Returns the
   * placed files in source order, each with its source UID; the target gives them UIDs afterwards.
   */
  async copyOut(uids: readonly number[], target: Folder): Promise<(PlacedFile & { sourceUid: number })[]> {
    const placed: (PlacedFile & { sourceUid: number })[] = [];
    for (const uid of uids) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const message = this.index.get(uid);
        if (!message) break;
        const fileName = await target.fileNameFor(message);
        const from = this.fileOf(message);
        const to = join(target.path, 'cur', fileName);
        try {
          await link(from, to);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            await this.refresh(true);
            continue;
          }
          await copyFile(from, to);
          await utimes(to, message.internalDate, message.internalDate);
        }
        placed.push({ dir: 'cur', fileName, sourceUid: uid });
        break;
      }
    }
    if (placed.length > 0) await syncDirectory(join(target.path, 'cur'));
    return placed;
  }

  /** MOVE: renames the files into `target` (atomic per message), then forgets them here. */
  moveOut(uids: readonly number[], target: Folder, origin: unknown): Promise<(PlacedFile & { sourceUid: number })[]> {
    return this.mutex.run(async () => {
      const placed: (PlacedFile & { sourceUid: number })[] = [];
      for (const uid of uids) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const message = this.index.get(uid);
          if (!message) break;
          const fileName = await target.fileNameFor(message);
          try {
            await rename(this.fileOf(message), join(target.path, 'cur', fileName));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await this.rescanLocked();
            continue;
          }
          placed.push({ dir: 'cur', fileName, sourceUid: uid });
          break;
        }
      }
      if (placed.length === 0) return placed;
      await Promise.all([join(target.path, 'cur'), join(this.path, 'new'), join(this.path, 'cur')].map((dir) => syncDirectory(dir)));
      this.index.remove(new Set(placed.map((p) => p.sourceUid)));
      this.changed(origin);
      return placed;
    });
  }

  /** The UIDs among `uids` no session has claimed as \Recent yet: what EXAMINE reports as recent without claiming them. */
  unclaimedRecent(uids: readonly number[]): number[] {
    return uids.filter((uid) => uid >= this.firstRecentUid);
  }

  /**
   * \Recent (RFC 3501 §2.3.2): the first read-write session to see a message claims it. Returns the
   * claimed UIDs among `uids`, and moves claimed files from new/ to cur/ as Dovecot does, so mutt
   * shows them as seen-by-a-client.
   */
  claimRecent(uids: readonly number[]): Promise<Set<number>> {
    return this.mutex.run(async () => {
      const claimed = new Set(uids.filter((uid) => uid >= this.firstRecentUid && this.index.has(uid)));
      if (claimed.size === 0) return claimed;
      this.firstRecentUid = Math.max(...claimed) + 1;
      for (const uid of claimed) {
        const message = this.index.get(uid)!;
        if (message.dir !== 'new') continue;
        const fileName = formatFileName(message.base, message.letters, 'cur');
        if (await this.renameInPlace(message, fileName)) {
          message.dir = 'cur';
          message.fileName = fileName;
        }
      }
      return claimed;
    });
  }

  /** The folder was deleted or renamed: every view sees its messages expunged. */
  markRemoved(): void {
    this.removed = true;
    this.watcher.stop();
    this.index.remove(new Set(this.index.uids()));
    this.changed(undefined);
  }

  /** A file name in this folder's cur/ for a message arriving from another folder, keeping its flags. */
  private async fileNameFor(message: StoredMessage): Promise<string> {
    await this.keywords.ensure(keywordsAmong(message.flags));
    return formatFileName(newBaseName(message.diskSize, message.size), lettersOfFlags(message.flags, this.keywords), 'cur');
  }

  private fileOf(message: StoredMessage): string {
    // Joined by hand: path.join normalizes on every call, and every RETR and FETCH asks.
    return `${this.path}/${message.dir}/${message.fileName}`;
  }

  private get uidListPath(): string {
    return join(this.path, UIDLIST_FILE);
  }

  private async load(): Promise<void> {
    await this.keywords.load();
    const { file, entries, created } = await UidListFile.open(this.uidListPath, () => allocateUidValidity(this.root));
    this.uidList = file;
    const listing = await listMaildir(this.path);
    this.stamp = listing.stamp;
    const known = new Map(entries.map((e) => [e.base, e]));
    const unknown: ListedFile[] = [];
    const withUid: { file: ListedFile; uid: number; extensions: string }[] = [];
    for (const listed of listing.files.values()) {
      const entry = known.get(listed.base);
      if (entry) withUid.push({ file: listed, uid: entry.uid, extensions: entry.extensions });
      else unknown.push(listed);
    }
    for (let i = 0; i < withUid.length; i += STAT_BATCH) {
      const batch = await Promise.all(withUid.slice(i, i + STAT_BATCH).map((w) => this.describe(w.file, w.uid, w.extensions)));
      for (const message of batch) if (message) this.index.add(message);
    }
    this.index.sortIfNeeded();
    if (unknown.length > 0 || created) await this.assignUids(unknown, true);
    this.firstRecentUid = Math.min(this.uidList.uidNext, ...this.index.all().filter((m) => m.dir === 'new').map((m) => m.uid));
  }

  private async refreshNow(force: boolean): Promise<void> {
    await this.mutex.run(async () => {
      if (this.removed) return;
      const now = await directoryStamp(this.path).catch(() => undefined);
      if (!now) return;
      if (force || mayHaveChanged(this.stamp, now)) await this.rescanLocked();
    });
  }

  /** Rereads new/ and cur/: vanished files are expunged, renamed ones carry new flags, new ones get UIDs. */
  private async rescanLocked(): Promise<void> {
    const listing = await listMaildir(this.path);
    await this.keywords.load();
    let changed = false;
    const vanished = new Set<number>();
    for (const message of this.index.all()) {
      const file = listing.files.get(message.base);
      if (!file) {
        vanished.add(message.uid);
        continue;
      }
      if (file.fileName === message.fileName) continue;
      message.dir = file.dir;
      message.fileName = file.fileName;
      const flags = flagsOfLetters(file.letters, this.keywords);
      if (file.letters !== message.letters && flags.join(' ') !== message.flags.join(' ')) {
        message.flags = flags;
        message.modseq = ++this.modseq;
        changed = true;
      }
      message.letters = file.letters;
    }
    if (vanished.size > 0) {
      this.index.remove(vanished);
      changed = true;
    }
    const unknown = [...listing.files.values()].filter((f) => !this.index.withBase(f.base));
    if (unknown.length > 0 && (await this.assignUids(unknown, false)) > 0) changed = true;
    this.stamp = listing.stamp;
    if (changed) this.changed(undefined);
  }

  /**
   * Gives the next UIDs to files (in base-name order, which is arrival order for Maildir names),
   * merging UIDs another program wrote meanwhile, and writes the uid list durably under Dovecot's dot-lock.
   */
  private async assignUids(files: ListedFile[], writeAnyway: boolean): Promise<number> {
    const described: { file: ListedFile; stats: FileFacts }[] = [];
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const batch = await Promise.all(files.slice(i, i + STAT_BATCH).map(async (file) => ({ file, stats: await readFileFacts(join(this.path, file.dir, file.fileName), file.base, '') })));
      for (const d of batch) if (d.stats) described.push({ file: d.file, stats: d.stats });
    }
    // Arrival order: base names start with the time, seconds then microseconds, compared as numbers
    // (as Dovecot's maildir_filename_sort_cmp does), so M99999 comes before M100000.
    described.sort((a, b) => a.file.base.localeCompare(b.file.base, 'en', { numeric: true }));
    if (described.length === 0 && !writeAnyway) return 0;
    await this.uidList.update((allocate) => {
      for (const { file, stats } of described) this.index.add(this.toMessage(file, allocate(file.base, (uid) => !this.index.has(uid)), stats));
      this.index.sortIfNeeded();
      return this.index.all().map((m) => ({ uid: m.uid, base: m.base, extensions: m.extensions }));
    });
    return described.length;
  }

  private async describe(file: ListedFile, uid: number, extensions: string): Promise<StoredMessage | undefined> {
    const stats = await readFileFacts(join(this.path, file.dir, file.fileName), file.base, extensions);
    return stats ? this.toMessage(file, uid, stats) : undefined;
  }

  private toMessage(file: ListedFile, uid: number, facts: FileFacts): StoredMessage {
    return {
      uid,
      base: file.base,
      dir: file.dir,
      fileName: file.fileName,
      letters: file.letters,
      flags: flagsOfLetters(file.letters, this.keywords),
      size: facts.size,
      diskSize: facts.diskSize,
      internalDate: facts.internalDate,
      extensions: facts.extensions,
      modseq: ++this.modseq,
    };
  }

  /** Renames a message's file within this folder; false when it is gone (after a rescan has noticed). */
  private async renameInPlace(message: StoredMessage, fileName: string): Promise<boolean> {
    try {
      await rename(this.fileOf(message), join(this.path, 'cur', fileName));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await this.rescanLocked();
      return false;
    }
  }

  private changed(origin: unknown): void {
    this.version += 1;
    for (const listener of [...this.listeners]) listener(origin);
  }
}
