import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { syncDirectory } from '../../lab/durable.js';
import { crlfSize } from './crlf.js';
import { MailStoreError } from './errors.js';
import type { Folder } from './folder.js';
import { canonicalName, directoryOf, INBOX, isInside, nameOfEntry, parentsOf, SPECIAL_USE_FOLDERS, specialUseOf } from './folder-names.js';
import { folderAt, forgetFolder } from './folder-registry.js';
import { MaildirFolderView } from './folder-view.js';
import { ensureMaildir } from './maildir-delivery.js';
import { lockMaildrop } from './maildrop-lock.js';
import { formatFileName, newBaseName } from './maildir-name.js';
import { keywordsAmong, lettersOfFlags } from './message-flags.js';
import { writeMessageFile } from './message-file.js';
import { Mutex } from './mutex.js';
import { Subscriptions } from './subscriptions.js';
import { HIERARCHY_DELIMITER } from './types.js';
import type { AppendOptions, AppendResult, FolderInfo, FolderStatus, FolderView, Mailbox, MaildropLock, OpenOptions } from './types.js';

/** Tree changes (create, delete, rename) of one Maildir run one at a time. */
const treeMutexes = new Map<string, Mutex>();
/** Maildirs whose special-use folders are known to exist, so a login costs no extra stats. */
const prepared = new Set<string>();

/** A user's mailbox: creates the Maildir and the RFC 6154 folders (subscribed, as Dovecot's `auto = subscribe`) on first use. */
export async function openMailbox(maildir: string): Promise<Mailbox> {
  const root = resolve(maildir);
  const mailbox = new MaildirMailbox(root);
  if (!prepared.has(root)) {
    await ensureMaildir(root);
    for (const [name] of SPECIAL_USE_FOLDERS) await mailbox.createIfMissing(name);
    prepared.add(root);
  }
  return mailbox;
}

class MaildirMailbox implements Mailbox {
  private readonly tree: Mutex;
  private readonly subs: Subscriptions;

  constructor(readonly root: string) {
    let tree = treeMutexes.get(root);
    if (!tree) {
      tree = new Mutex();
      treeMutexes.set(root, tree);
    }
    this.tree = tree;
    this.subs = new Subscriptions(root);
  }

  async list(): Promise<FolderInfo[]> {
    const existing = await this.folderNames();
    const subscribed = new Set(await this.subs.list());
    const all = new Set([INBOX, ...existing]);
    for (const name of existing) for (const parent of parentsOf(name)) all.add(parent);
    const names = [...all];
    return names
      .sort((a, b) => (a === INBOX ? -1 : b === INBOX ? 1 : a < b ? -1 : a > b ? 1 : 0))
      .map((name) => {
        const specialUse = specialUseOf(name);
        return {
          name,
          selectable: name === INBOX || existing.has(name),
          hasChildren: names.some((other) => isInside(other, name)),
          ...(specialUse ? { specialUse } : {}),
          subscribed: subscribed.has(name),
        };
      });
  }

  async create(name: string): Promise<void> {
    const wanted = canonicalName(name.endsWith(HIERARCHY_DELIMITER) ? name.slice(0, -1) : name);
    await this.tree.run(async () => {
      if (wanted === INBOX || (await this.exists(wanted))) throw new MailStoreError('ALREADY_EXISTS', `${wanted} already exists`);
      for (const parent of parentsOf(wanted)) if (!(await this.exists(parent))) await this.makeFolder(parent);
      await this.makeFolder(wanted);
    });
  }

  /** Used once per Maildir for the special-use folders. */
  async createIfMissing(name: string): Promise<void> {
    await this.tree.run(async () => {
      if (await this.exists(name)) return;
      await this.makeFolder(name);
      await this.subs.set(name, true);
    });
  }

  /**
   * Deletes a folder and its messages. Its children stay: the name lives on as their \Noselect
   * parent (RFC 3501 §6.3.4), which is what Maildir++ shows when `.a` is gone and `.a.b` is not.
   */
  async delete(name: string): Promise<void> {
    const target = canonicalName(name);
    if (target === INBOX) throw new MailStoreError('CANNOT', 'INBOX cannot be deleted');
    await this.tree.run(async () => {
      if (!(await this.exists(target))) throw new MailStoreError('NONEXISTENT', `${target} does not exist`);
      const dir = directoryOf(this.root, target);
      // Renamed first so a crash never leaves half a folder listed; the `..` prefix is no folder name (Dovecot's trick too).
      const trash = join(this.root, `..DOVECOT-TRASHED.${randomBytes(6).toString('hex')}`);
      await rename(dir, trash);
      await syncDirectory(this.root);
      await forgetFolder(dir);
      await rm(trash, { recursive: true, force: true });
    });
  }

  async rename(from: string, to: string): Promise<void> {
    const source = canonicalName(from);
    const target = canonicalName(to.endsWith(HIERARCHY_DELIMITER) ? to.slice(0, -1) : to);
    if (target === source || isInside(target, source)) throw new MailStoreError('CANNOT', `${source} cannot be renamed into itself`);
    if (source === INBOX) {
      await this.renameInbox(target);
      return;
    }
    await this.tree.run(async () => {
      if (!(await this.exists(source))) throw new MailStoreError('NONEXISTENT', `${source} does not exist`);
      if (target === INBOX || (await this.exists(target))) throw new MailStoreError('ALREADY_EXISTS', `${target} already exists`);
      for (const parent of parentsOf(target)) if (!(await this.exists(parent))) await this.makeFolder(parent);
      const moving = [source, ...[...(await this.folderNames())].filter((n) => isInside(n, source))];
      for (const name of moving) {
        const renamed = target + name.slice(source.length);
        await rename(directoryOf(this.root, name), directoryOf(this.root, renamed));
        await forgetFolder(directoryOf(this.root, name));
      }
      await syncDirectory(this.root);
    });
  }

  subscribe(name: string): Promise<void> {
    return this.subs.set(canonicalName(name), true);
  }

  unsubscribe(name: string): Promise<void> {
    return this.subs.set(canonicalName(name), false);
  }

  subscriptions(): Promise<string[]> {
    return this.subs.list();
  }

  async status(name: string): Promise<FolderStatus> {
    const folder = await this.folder(name);
    await folder.refresh();
    const messages = folder.messages();
    return {
      messages: messages.length,
      recent: folder.recentCount(),
      unseen: messages.filter((m) => !m.flags.includes('\\Seen')).length,
      uidNext: folder.uidNext,
      uidValidity: folder.uidValidity,
    };
  }

  async append(name: string, message: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    const folder = await this.folder(name);
    const flags = options.flags ?? [];
    await folder.keywords.ensure(keywordsAmong(flags));
    const letters = lettersOfFlags(flags, folder.keywords);
    const base = newBaseName(message.length, crlfSize(message));
    // Without flags the message is new, as if delivered; with flags it goes where a client would have put it.
    const dir = letters === '' ? 'new' : 'cur';
    const fileName = formatFileName(base, letters, dir);
    await writeMessageFile(folder.path, base, dir, fileName, message, options.internalDate ?? new Date());
    const [uid] = await folder.addPlaced([{ dir, fileName }], undefined);
    if (uid === undefined) throw new MailStoreError('EXPUNGED', 'the appended message vanished before it got a UID');
    return { uidValidity: folder.uidValidity, uid };
  }

  async open(name: string, options: OpenOptions = {}): Promise<FolderView> {
    const canonical = canonicalName(name);
    const folder = await this.folder(canonical);
    return MaildirFolderView.open(canonical, folder, options.readOnly ?? false, (target) => this.folder(target));
  }

  lockMaildrop(): Promise<MaildropLock> {
    return lockMaildrop(this.root);
  }

  /** RENAME INBOX (RFC 3501 §6.3.5): its messages move to a new folder; INBOX stays, empty, with its children. */
  private async renameInbox(target: string): Promise<void> {
    await this.tree.run(async () => {
      if (target === INBOX || (await this.exists(target))) throw new MailStoreError('ALREADY_EXISTS', `${target} already exists`);
      for (const parent of parentsOf(target)) if (!(await this.exists(parent))) await this.makeFolder(parent);
      await this.makeFolder(target);
    });
    const inbox = await this.folder(INBOX);
    const destination = await this.folder(target);
    await inbox.refresh(true);
    const placed = await inbox.moveOut(
      inbox.messages().map((m) => m.uid),
      destination,
      undefined,
    );
    await destination.addPlaced(placed, undefined);
  }

  private async folder(name: string): Promise<Folder> {
    const canonical = canonicalName(name);
    if (canonical !== INBOX && !(await this.exists(canonical))) throw new MailStoreError('NONEXISTENT', `${canonical} does not exist`);
    return folderAt(directoryOf(this.root, canonical), this.root);
  }

  private async exists(name: string): Promise<boolean> {
    return stat(join(directoryOf(this.root, name), 'cur')).then(
      (s) => s.isDirectory(),
      () => false,
    );
  }

  /** Every folder directory under the root except INBOX (a Maildir++ folder is a `.name` directory with cur/). */
  private async folderNames(): Promise<Set<string>> {
    const entries = await readdir(this.root, { withFileTypes: true });
    const candidates = entries
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => nameOfEntry(e.name))
      .filter((n): n is string => n !== undefined && isValidName(n));
    const present = await Promise.all(candidates.map(async (n) => ((await this.exists(n)) ? n : undefined)));
    return new Set(present.filter((n): n is string => n !== undefined));
  }

  /** A Maildir++ folder: the directory, its cur/new/tmp, and the `maildirfolder` marker (Maildir++ spec). */
  private async makeFolder(name: string): Promise<void> {
    const dir = directoryOf(this.root, name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await Promise.all(['cur', 'new', 'tmp'].map((sub) => mkdir(join(dir, sub), { recursive: true, mode: 0o700 })));
    await writeFile(join(dir, 'maildirfolder'), '');
    await syncDirectory(this.root);
  }
}

/** A directory name wirelab would have written for this folder (so `.inbox` or `.a..b` are left alone). */
function isValidName(name: string): boolean {
  try {
    return canonicalName(name) === name && name !== INBOX;
  } catch {
    return false;
  }
}
