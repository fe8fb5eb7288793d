import { HIERARCHY_DELIMITER, type FolderInfo, type Mailbox } from '../../store/index.js';
import { atom, encodeLine, type ImapValue } from '../protocol/serializer.js';
import type { ListRequest } from './list-request.js';
import { ancestors, compilePattern } from './pattern.js';

/** One LIST reply line before it is written. */
interface Entry {
  name: string;
  attributes: string[];
  childInfo?: boolean;
}

function matcher(request: Pick<ListRequest, 'reference' | 'patterns'>): (name: string) => boolean {
  const patterns = request.patterns.map((p) => compilePattern(request.reference, p));
  return (name) => patterns.some((p) => p.test(name));
}

/** Attributes of an existing folder (RFC 3501 §7.2.2, RFC 3348 CHILDREN, RFC 6154 SPECIAL-USE). */
function attributesOf(folder: FolderInfo, request: ListRequest): string[] {
  const attributes: string[] = [];
  if (!folder.selectable) attributes.push(request.extended ? '\\NonExistent' : '\\Noselect');
  attributes.push(folder.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  if (folder.specialUse) attributes.push(folder.specialUse);
  if (folder.subscribed && (request.returns.has('SUBSCRIBED') || request.selection.has('SUBSCRIBED'))) attributes.push('\\Subscribed');
  return attributes;
}

/** The entries a LIST answers with, in the store's order (INBOX first). */
export async function listEntries(mailbox: Mailbox, request: ListRequest): Promise<Entry[]> {
  const matches = matcher(request);
  const folders = await mailbox.list();
  if (!request.selection.has('SUBSCRIBED')) {
    const wanted = request.selection.has('SPECIAL-USE') ? folders.filter((f) => f.specialUse) : folders;
    return wanted.filter((f) => matches(f.name)).map((f) => ({ name: f.name, attributes: attributesOf(f, request) }));
  }
  // LIST (SUBSCRIBED …): subscribed names, existing or not (RFC 5258 §3.1).
  const byName = new Map(folders.map((f) => [f.name, f]));
  const subscribed = sortedNames(await mailbox.subscriptions());
  const entries: Entry[] = [];
  for (const name of subscribed) {
    if (!matches(name)) continue;
    const folder = byName.get(name);
    entries.push({ name, attributes: folder ? attributesOf(folder, request) : ['\\Subscribed', '\\NonExistent'] });
  }
  if (request.selection.has('RECURSIVEMATCH')) {
    // A parent that is not subscribed but has a subscribed child is listed with CHILDINFO (RFC 5258 §3.5).
    const listed = new Set(subscribed);
    for (const parent of new Set(subscribed.flatMap(ancestors))) {
      if (listed.has(parent) || !matches(parent)) continue;
      const folder = byName.get(parent);
      entries.push({ name: parent, attributes: folder ? attributesOf(folder, request) : ['\\NonExistent'], childInfo: true });
    }
  }
  return entries;
}

/**
 * LSUB (RFC 3501 §6.3.9): subscribed names matching the pattern; a parent that is not subscribed
 * itself stands in, \Noselect, for a subscribed child the pattern cannot reach ("%" and foo.bar).
 */
export async function lsubEntries(mailbox: Mailbox, reference: string, pattern: string): Promise<Entry[]> {
  const matches = matcher({ reference, patterns: [pattern] });
  const subscribed = sortedNames(await mailbox.subscriptions());
  const listed = new Set(subscribed);
  const entries: Entry[] = subscribed.filter(matches).map((name) => ({ name, attributes: [] }));
  const standIns = new Set(subscribed.filter((name) => !matches(name)).flatMap((name) => ancestors(name).filter((a) => !listed.has(a) && matches(a))));
  for (const parent of sortedNames([...standIns])) entries.push({ name: parent, attributes: ['\\Noselect'] });
  return entries;
}

/** INBOX first, then by name, as LIST orders folders. */
function sortedNames(names: string[]): string[] {
  return [...names].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** `* LIST (attributes) "." name [("CHILDINFO" ("SUBSCRIBED"))]` */
export function entryLine(kind: 'LIST' | 'LSUB', entry: Entry): Buffer {
  const values: ImapValue[] = [entry.attributes.map(atom), HIERARCHY_DELIMITER, entry.name];
  if (entry.childInfo) values.push(['CHILDINFO', ['SUBSCRIBED']]);
  return encodeLine(`* ${kind}`, values);
}
