import type { Section, SectionText } from '../../mime/index.js';
import { bad } from '../errors.js';
import { describeToken, type SectionToken, type Token } from '../protocol/tokens.js';

/** One thing FETCH can return about a message (RFC 3501 §6.4.5). */
export type FetchItem =
  | { kind: 'uid' }
  | { kind: 'flags' }
  | { kind: 'internaldate' }
  | { kind: 'size' }
  | { kind: 'envelope' }
  /** BODY (no extension data) or BODYSTRUCTURE. */
  | { kind: 'structure'; extended: boolean }
  | {
      kind: 'section';
      /** How the response names it: `BODY[HEADER]<0>`, `RFC822.TEXT`. */
      label: string;
      section: Section;
      partial?: { start: number; length?: number };
      /** BODY[…], RFC822 and RFC822.TEXT set \Seen; BODY.PEEK[…] and RFC822.HEADER do not. */
      setsSeen: boolean;
    };

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const WHOLE: Section = { path: [], text: { kind: 'all' } };

function simpleItem(name: string): FetchItem {
  switch (name) {
    case 'UID':
      return { kind: 'uid' };
    case 'FLAGS':
      return { kind: 'flags' };
    case 'INTERNALDATE':
      return { kind: 'internaldate' };
    case 'RFC822.SIZE':
      return { kind: 'size' };
    case 'ENVELOPE':
      return { kind: 'envelope' };
    case 'BODY':
      return { kind: 'structure', extended: false };
    case 'BODYSTRUCTURE':
      return { kind: 'structure', extended: true };
    case 'RFC822':
      return { kind: 'section', label: 'RFC822', section: WHOLE, setsSeen: true };
    case 'RFC822.HEADER':
      return { kind: 'section', label: 'RFC822.HEADER', section: { path: [], text: { kind: 'header' } }, setsSeen: false };
    case 'RFC822.TEXT':
      return { kind: 'section', label: 'RFC822.TEXT', section: { path: [], text: { kind: 'text' } }, setsSeen: true };
    default:
      throw bad(`Unknown FETCH item ${name}`);
  }
}

/** A field name of HEADER.FIELDS as the response repeats it: upper-cased as Dovecot does, an atom when it can be one. */
function fieldLabel(name: string): string {
  const upper = name.toUpperCase();
  return /^[\x21-\x7e]+$/.test(upper) && !/[()"\\{%*\]]/.test(upper) ? upper : `"${upper.replace(/["\\]/g, '\\$&')}"`;
}

/** `BODY[1.2.HEADER.FIELDS (From)]<0.100>` into the part path, the text, and the label the answer uses. */
function sectionItem(token: SectionToken): FetchItem {
  if (token.name.startsWith('BINARY')) throw bad('BINARY fetches are not supported here (no BINARY capability)');
  const [spec, fieldList, ...extra] = token.section;
  if (extra.length > 0) throw bad('Unexpected text in the section');
  let path: number[] = [];
  let text: SectionText = { kind: 'all' };
  let label = '';
  if (spec) {
    if (spec.kind !== 'atom') throw bad(`Unexpected ${describeToken(spec)} in the section`);
    const match = /^((?:[1-9]\d*\.)*[1-9]\d*)?(?:(?:^|\.)(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?$/i.exec(spec.value);
    if (!match || spec.value === '' || spec.value.startsWith('.')) throw bad(`${spec.value} is not a section (examples: HEADER, TEXT, 1, 1.2.MIME, HEADER.FIELDS (From))`);
    path = match[1] ? match[1].split('.').map(Number) : [];
    const what = match[2]?.toUpperCase();
    label = spec.value.toUpperCase();
    if (what === 'HEADER.FIELDS' || what === 'HEADER.FIELDS.NOT') {
      if (fieldList?.kind !== 'list' || fieldList.items.length === 0) throw bad(`${what} needs a list of field names, like (From Subject)`);
      const fields = fieldList.items.map((f) => {
        if (f.kind === 'atom') return f.value;
        if (f.kind === 'string') return f.value.toString('latin1');
        throw bad(`Expected a field name, found ${describeToken(f)}`);
      });
      text = { kind: 'header.fields', fields, not: what === 'HEADER.FIELDS.NOT' };
      label += ` (${fields.map(fieldLabel).join(' ')})`;
    } else if (fieldList) {
      throw bad('Only HEADER.FIELDS and HEADER.FIELDS.NOT take a list');
    } else if (what === 'HEADER') {
      text = { kind: 'header' };
    } else if (what === 'TEXT') {
      text = { kind: 'text' };
    } else if (what === 'MIME') {
      if (path.length === 0) throw bad('MIME needs a part number, like 1.MIME');
      text = { kind: 'mime' };
    }
  }
  const item: FetchItem = { kind: 'section', label: `BODY[${label}]`, section: { path, text }, setsSeen: token.name === 'BODY' };
  if (token.partial) {
    item.partial = token.partial;
    item.label += `<${token.partial.start}>`;
  }
  return item;
}

function item(token: Token): FetchItem {
  if (token.kind === 'section') return sectionItem(token);
  if (token.kind !== 'atom') throw bad(`Expected a FETCH item, found ${describeToken(token)}`);
  return simpleItem(token.value.toUpperCase());
}

/** FETCH's item argument: a macro (ALL, FAST, FULL), one item, or a list of items. */
export function parseFetchItems(token: Token): FetchItem[] {
  if (token.kind === 'atom') {
    const macro = MACROS[token.value.toUpperCase()];
    if (macro) return macro.map(simpleItem);
  }
  if (token.kind === 'list') {
    if (token.items.length === 0) throw bad('Empty FETCH item list');
    return token.items.map(item);
  }
  return [item(token)];
}
