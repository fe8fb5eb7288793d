import { resolve } from 'node:path';
import { Folder } from './folder.js';

/**
 * One Folder object per directory in this process, so IMAP sessions, POP3 and SMTP deliveries share
 * a folder's state, mutex and change feed.
 */
const folders = new Map<string, Promise<Folder>>();

/** The shared Folder for a folder directory that exists; `root` is its Maildir root (where UIDVALIDITY is allocated). */
export function folderAt(path: string, root: string): Promise<Folder> {
  const key = resolve(path);
  let folder = folders.get(key);
  if (!folder) {
    folder = Folder.open(key, resolve(root));
    folders.set(key, folder);
    folder.catch(() => folders.delete(key));
  }
  return folder;
}

/** After a folder's directory was deleted or renamed: views on it see everything expunged, the next open starts afresh. */
export async function forgetFolder(path: string): Promise<void> {
  const key = resolve(path);
  const folder = folders.get(key);
  folders.delete(key);
  const loaded = await folder?.catch(() => undefined);
  loaded?.markRemoved();
}

/** Called after a delivery into `path`: views open on it pick up the message now rather than at their next rescan. */
export function notifyDelivered(path: string): void {
  folders
    .get(resolve(path))
    ?.then((folder) => folder.refresh(true))
    .catch(() => undefined);
}
