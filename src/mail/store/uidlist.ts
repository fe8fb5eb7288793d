import { randomBytes } from 'node:crypto';

/** One line of `dovecot-uidlist`: a UID, Dovecot's extension fields (`W1234`…) kept as they were, the base name. */
export interface UidListEntry {
  uid: number;
  base: string;
  extensions: string;
}

/** The UID map of one folder, in Dovecot's version 3 format (doc.dovecot.org, "Maildir Mailbox Format"). */
export interface UidList {
  uidValidity: number;
  uidNext: number;
  /** The folder's GUID (`G…`), kept as found or created once. */
  guid: string;
  /** Header fields wirelab does not use, written back unchanged. */
  otherHeaderFields: string[];
  entries: UidListEntry[];
}

export function newUidList(uidValidity: number): UidList {
  return { uidValidity, uidNext: 1, guid: randomBytes(16).toString('hex'), otherHeaderFields: [], entries: [] };
}

/** Parses version 3 (and the older version 1: `1 <uidvalidity> <uidnext>`); undefined for anything else. */
export function parseUidList(text: string): UidList | undefined {
  const lines = text.split('\n');
  const header = lines[0]?.split(' ') ?? [];
  let list: UidList;
  if (header[0] === '3') {
    list = { uidValidity: 0, uidNext: 1, guid: '', otherHeaderFields: [], entries: [] };
    for (const field of header.slice(1)) {
      const value = field.slice(1);
      if (field.startsWith('V')) list.uidValidity = Number(value);
      else if (field.startsWith('N')) list.uidNext = Number(value);
      else if (field.startsWith('G')) list.guid = value;
      else if (field !== '') list.otherHeaderFields.push(field);
    }
  } else if (header[0] === '1' && header.length >= 3) {
    list = { uidValidity: Number(header[1]), uidNext: Number(header[2]), guid: '', otherHeaderFields: [], entries: [] };
  } else {
    return undefined;
  }
  if (!Number.isSafeInteger(list.uidValidity) || list.uidValidity <= 0 || !Number.isSafeInteger(list.uidNext)) return undefined;
  if (list.guid === '') list.guid = randomBytes(16).toString('hex');
  for (const line of lines.slice(1)) {
    const entry = header[0] === '3' ? parseV3Entry(line) : parseV1Entry(line);
    if (entry) list.entries.push(entry);
  }
  const highest = list.entries.reduce((max, e) => Math.max(max, e.uid), 0);
  list.uidNext = Math.max(list.uidNext, highest + 1, 1);
  return list;
}

function parseV3Entry(line: string): UidListEntry | undefined {
  const space = line.indexOf(' ');
  const colon = line.indexOf(':', space);
  if (space <= 0 || colon === -1) return undefined;
  const uid = Number(line.slice(0, space));
  const base = line.slice(colon + 1);
  if (!Number.isSafeInteger(uid) || uid <= 0 || base === '') return undefined;
  return { uid, base, extensions: line.slice(space + 1, colon).trim() };
}

function parseV1Entry(line: string): UidListEntry | undefined {
  const [uidText, name] = line.split(' ');
  const uid = Number(uidText);
  if (!name || !Number.isSafeInteger(uid) || uid <= 0) return undefined;
  return { uid, base: name.split(':')[0]!, extensions: '' };
}

export function serializeUidList(list: UidList): string {
  const header = ['3', `V${list.uidValidity}`, `N${list.uidNext}`, `G${list.guid}`, ...list.otherHeaderFields].join(' ');
  const lines = list.entries.map((e) => (e.extensions ? `${e.uid} ${e.extensions} :${e.base}` : `${e.uid} :${e.base}`));
  return `${[header, ...lines].join('\n')}\n`;
}
