import { MailStoreError } from './errors.js';
import type { Folder, StoredMessage } from './folder.js';
import type {
  CopyResult,
  ExpungeResult,
  Flag,
  FlagOperation,
  FolderUpdate,
  FolderView,
  MessageInfo,
  MoveResult,
  SyncOptions,
} from './types.js';

/** Finds the shared Folder of a folder name in the same mailbox (COPY/MOVE targets); NONEXISTENT otherwise. */
export type FolderResolver = (name: string) => Promise<Folder>;

const NOTHING_EXPUNGED: ExpungeResult = { sequences: [], uids: [] };

/** Each message's latest frozen info, shared by every view that reports that state of it. */
const sharedInfos = new WeakMap<StoredMessage, { modseq: number; info: MessageInfo }>();

/**
 * A view's frozen copy of what it last told its client about a message. Views share the copy until
 * the flags change (modseq), so a SELECT of 2,000 messages allocates an array, not 4,000 objects.
 */
function infoOf(message: StoredMessage): MessageInfo {
  const shared = sharedInfos.get(message);
  if (shared?.modseq === message.modseq) return shared.info;
  const info = Object.freeze({ uid: message.uid, flags: Object.freeze([...message.flags]), internalDate: message.internalDate, size: message.size });
  sharedInfos.set(message, { modseq: message.modseq, info });
  return info;
}

/**
 * One session's SELECT or EXAMINE. Sequence numbers change only through this object: at `sync`, or
 * when this session expunges or moves. Changes by others mark the view dirty and wake `onChange`.
 */
export class MaildirFolderView implements FolderView {
  private infos: MessageInfo[] = [];
  /** modseqs[i] is the folder's modseq of infos[i] when this view last reported it. */
  private modseqs: number[] = [];
  private highestUid = 0;
  private syncedVersion = -1;
  private keywordsVersion: number;
  private reportedKeywords: readonly string[];
  private readonly recentUids = new Set<number>();
  private lastUidNext: number;
  /** Messages expunged elsewhere but still numbered here, because the client was busy (RFC 3501 §7.4.1). */
  private ghosts = 0;
  private closed = false;
  private readonly changeListeners = new Set<() => void>();
  private stopWatching: (() => void) | undefined;
  private notifyScheduled = false;
  private readonly unsubscribe: () => void;

  private constructor(
    readonly name: string,
    private readonly folder: Folder,
    readonly readOnly: boolean,
    private readonly resolveFolder: FolderResolver,
  ) {
    this.keywordsVersion = folder.keywords.version;
    this.reportedKeywords = folder.keywords.names();
    this.lastUidNext = folder.uidNext;
    this.unsubscribe = folder.subscribe((origin) => {
      if (origin !== this) this.scheduleNotify();
    });
  }

  static async open(name: string, folder: Folder, readOnly: boolean, resolveFolder: FolderResolver): Promise<MaildirFolderView> {
    const view = new MaildirFolderView(name, folder, readOnly, resolveFolder);
    await view.sync();
    return view;
  }

  get uidValidity(): number {
    return this.folder.uidValidity;
  }

  get uidNext(): number {
    return this.lastUidNext;
  }

  get exists(): number {
    return this.infos.length;
  }

  get recent(): number {
    return this.recentUids.size;
  }

  get keywords(): readonly string[] {
    return this.reportedKeywords;
  }

  get canCreateKeywords(): boolean {
    return this.folder.keywords.canCreate();
  }

  message(seq: number): MessageInfo | undefined {
    return this.infos[seq - 1];
  }

  messages(): readonly MessageInfo[] {
    return this.infos;
  }

  sequenceOf(uid: number): number | undefined {
    const index = this.indexOf(uid);
    return index === undefined ? undefined : index + 1;
  }

  isRecent(uid: number): boolean {
    return this.recentUids.has(uid);
  }

  read(uid: number): Promise<Buffer> {
    return this.folder.read(uid);
  }

  readNow(uid: number, allocate?: (bytes: number) => Buffer): Buffer | undefined {
    return this.folder.readNow(uid, allocate);
  }

  async storeFlags(uids: readonly number[], operation: FlagOperation, flags: readonly Flag[]): Promise<MessageInfo[]> {
    this.refuseIfReadOnly();
    const changed = await this.folder.setFlags(this.inView(uids), operation, flags, this);
    const reported: MessageInfo[] = [];
    for (const message of changed) {
      const index = this.indexOf(message.uid);
      if (index === undefined) continue;
      this.infos[index] = infoOf(message);
      this.modseqs[index] = message.modseq;
      reported.push(this.infos[index]!);
    }
    return reported;
  }

  async expunge(uids?: readonly number[]): Promise<ExpungeResult> {
    this.refuseIfReadOnly();
    const gone = await this.folder.expunge(this.inView(uids ?? this.infos.map((m) => m.uid)), this);
    return this.forget(new Set(gone));
  }

  async copy(uids: readonly number[], target: string): Promise<CopyResult> {
    const destination = await this.resolveFolder(target);
    const placed = await this.folder.copyOut(this.inView(uids), destination);
    const newUids = await destination.addPlaced(placed, this);
    return { uidValidity: destination.uidValidity, pairs: pairUp(placed, newUids) };
  }

  async move(uids: readonly number[], target: string): Promise<MoveResult> {
    this.refuseIfReadOnly();
    const destination = await this.resolveFolder(target);
    const placed = await this.folder.moveOut(this.inView(uids), destination, this);
    const newUids = await destination.addPlaced(placed, this);
    const expunged = this.forget(new Set(placed.map((p) => p.sourceUid)));
    return { uidValidity: destination.uidValidity, pairs: pairUp(placed, newUids), expunged };
  }

  async sync(options: SyncOptions = {}): Promise<FolderUpdate> {
    const allowExpunge = options.expunge ?? true;
    await this.folder.refresh();
    const keywordsChanged = this.folder.keywords.version !== this.keywordsVersion;
    const nothingNew = this.folder.version === this.syncedVersion && !keywordsChanged;
    if (this.closed || (nothingNew && (this.ghosts === 0 || !allowExpunge))) return { expunged: NOTHING_EXPUNGED, flagChanges: [] };
    const syncedVersion = this.folder.version;
    const recentBefore = this.recentUids.size;

    const expunged = allowExpunge ? this.forget(new Set(this.infos.filter((m) => !this.folder.get(m.uid)).map((m) => m.uid))) : NOTHING_EXPUNGED;
    const flagChanges: { seq: number; message: MessageInfo }[] = [];
    let ghosts = 0;
    for (let i = 0; i < this.infos.length; i += 1) {
      const stored = this.folder.get(this.infos[i]!.uid);
      if (!stored) {
        ghosts += 1;
        continue;
      }
      if (stored.modseq === this.modseqs[i]) continue;
      this.modseqs[i] = stored.modseq;
      if (stored.flags.join(' ') === this.infos[i]!.flags.join(' ')) continue;
      this.infos[i] = infoOf(stored);
      flagChanges.push({ seq: i + 1, message: this.infos[i]! });
    }
    this.ghosts = ghosts;

    const arrived = this.folder.messagesAfter(this.highestUid);
    for (const message of arrived) {
      this.infos.push(infoOf(message));
      this.modseqs.push(message.modseq);
    }
    if (arrived.length > 0) {
      this.highestUid = arrived[arrived.length - 1]!.uid;
      const uids = arrived.map((m) => m.uid);
      // EXAMINE sees \Recent messages as recent but leaves them for the next SELECT (RFC 3501 §6.3.2).
      const recent = this.readOnly ? this.folder.unclaimedRecent(uids) : await this.folder.claimRecent(uids);
      for (const uid of recent) this.recentUids.add(uid);
    }
    this.lastUidNext = Math.max(this.lastUidNext, this.folder.uidNext, this.highestUid + 1);
    this.syncedVersion = syncedVersion;

    const update: FolderUpdate = { expunged, flagChanges };
    if (arrived.length > 0) update.exists = this.infos.length;
    if (this.recentUids.size !== recentBefore || arrived.length > 0) update.recent = this.recentUids.size;
    if (keywordsChanged) {
      this.keywordsVersion = this.folder.keywords.version;
      this.reportedKeywords = this.folder.keywords.names();
      update.keywords = this.reportedKeywords;
    }
    return update;
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    this.stopWatching ??= this.folder.watch();
    return () => {
      this.changeListeners.delete(listener);
      if (this.changeListeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = undefined;
      }
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.changeListeners.clear();
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Removes messages from the numbering and says how to announce it: ascending, each number as the client sees it then. */
  private forget(uids: Set<number>): ExpungeResult {
    if (uids.size === 0) return NOTHING_EXPUNGED;
    const sequences: number[] = [];
    const removed: number[] = [];
    const infos: MessageInfo[] = [];
    const modseqs: number[] = [];
    for (let i = 0; i < this.infos.length; i += 1) {
      const info = this.infos[i]!;
      if (uids.has(info.uid)) {
        sequences.push(i + 1 - removed.length);
        removed.push(info.uid);
        this.recentUids.delete(info.uid);
      } else {
        infos.push(info);
        modseqs.push(this.modseqs[i]!);
      }
    }
    this.infos = infos;
    this.modseqs = modseqs;
    return { sequences, uids: removed };
  }

  private indexOf(uid: number): number | undefined {
    let low = 0;
    let high = this.infos.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = this.infos[mid]!.uid;
      if (at === uid) return mid;
      if (at < uid) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  private inView(uids: readonly number[]): number[] {
    return uids.filter((uid) => this.indexOf(uid) !== undefined);
  }

  private refuseIfReadOnly(): void {
    if (this.readOnly) throw new MailStoreError('READ_ONLY', `${this.name} is open read-only`);
  }

  /** Wakes IDLE listeners once per burst of changes. */
  private scheduleNotify(): void {
    if (this.notifyScheduled || this.changeListeners.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.changeListeners]) listener();
    });
  }
}

function pairUp(placed: readonly { sourceUid: number }[], newUids: readonly (number | undefined)[]): [number, number][] {
  const pairs: [number, number][] = [];
  placed.forEach((p, i) => {
    const uid = newUids[i];
    if (uid !== undefined) pairs.push([p.sourceUid, uid]);
  });
  return pairs;
}
