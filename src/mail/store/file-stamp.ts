import { stat } from 'node:fs/promises';

/** Identity and version of a file (inode, size, mtime): a different stamp means someone rewrote it. */
export async function fileStamp(path: string): Promise<string> {
  return stat(path).then(
    (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
    () => 'absent',
  );
}
