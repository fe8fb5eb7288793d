import { hostname } from 'node:os';

/**
 * Maildir file names: `<base>:2,<info>` (cr.yp.to/proto/maildir.html). The base is unique and never
 * changes; the info letters carry the flags, in ASCII order.
 */
export interface MaildirFileName {
  base: string;
  /** The letters after `:2,` ('' when there are none or no info at all). */
  letters: string;
}

const INFO_SEPARATOR = ':2,';

export function parseFileName(name: string): MaildirFileName {
  const at = name.indexOf(':');
  if (at === -1) return { base: name, letters: '' };
  const info = name.slice(at);
  return { base: name.slice(0, at), letters: info.startsWith(INFO_SEPARATOR) ? info.slice(INFO_SEPARATOR.length) : '' };
}

/** The file name for a message in `cur/` (always with info) or `new/` (info only when there are letters). */
export function formatFileName(base: string, letters: string, dir: 'new' | 'cur'): string {
  if (dir === 'new' && letters === '') return base;
  return `${base}${INFO_SEPARATOR}${[...letters].sort().join('')}`;
}

/** The sizes Dovecot and wirelab put in the base name: `S=` on disk, `W=` with CRLF line ends. */
export function sizesInBase(base: string): { size?: number; vsize?: number } {
  const size = /,S=(\d+)/.exec(base)?.[1];
  const vsize = /,W=(\d+)/.exec(base)?.[1];
  return { ...(size ? { size: Number(size) } : {}), ...(vsize ? { vsize: Number(vsize) } : {}) };
}

let sequence = 0;
/** Base names must not contain '/' or ':' (the info separator); Dovecot escapes them the same way. */
const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072');

/** A new unique base name in Dovecot's form, with both sizes so readers need not open the file. */
export function newBaseName(size: number, vsize = size): string {
  const now = Date.now();
  sequence += 1;
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000 + (sequence % 1000);
  return `${seconds}.M${micros}P${process.pid}Q${sequence}.${host},S=${size},W=${vsize}`;
}
