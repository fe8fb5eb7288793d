import { readFile, stat } from 'node:fs/promises';
import { crlfSize } from './crlf.js';
import { sizesInBase } from './maildir-name.js';

/** What the store keeps about a message file besides its name. */
export interface FileFacts {
  /** Octets on disk. */
  diskSize: number;
  /** Octets with CRLF line ends, as served. */
  size: number;
  /** The file's mtime: IMAP INTERNALDATE, as Dovecot keeps it. */
  internalDate: Date;
  /** Dovecot's uidlist extension fields, with `W<size>` added when the file had to be read to learn it. */
  extensions: string;
}

/**
 * Size, CRLF size and arrival time of a message file; undefined when it vanished meanwhile. The CRLF
 * size comes from the name (`W=`), the uid list (`W…`), or, for a file another program wrote, from
 * reading it once.
 */
export async function readFileFacts(path: string, base: string, extensions: string): Promise<FileFacts | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  const fromList = /(?:^| )W(\d+)/.exec(extensions)?.[1];
  let size = sizesInBase(base).vsize ?? (fromList ? Number(fromList) : undefined);
  let kept = extensions;
  if (size === undefined) {
    const bytes = await readFile(path).catch(() => undefined);
    if (!bytes) return undefined;
    size = crlfSize(bytes);
    kept = [extensions, `W${size}`].filter((e) => e !== '').join(' ');
  }
  return { diskSize: info.size, size, internalDate: info.mtime, extensions: kept };
}
