import { ADDRESS_SPECIALS, tokenize, type StructuredToken } from './structured-tokens.js';

/**
 * An address as ENVELOPE lists it (RFC 3501 §7.4.2): display name, source route, mailbox (local part)
 * and host. A group is framed by a start entry (mailbox = the group's name, host = null) and an end
 * entry (all null).
 */
export interface EnvelopeAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** Parses an address-list header (From, To, Cc, …), leniently: what a mail reader would show, never an exception. */
export function parseAddressList(value: string): EnvelopeAddress[] {
  const tokens = tokenize(value, ADDRESS_SPECIALS, true);
  const out: EnvelopeAddress[] = [];
  let pending: StructuredToken[] = [];
  let inGroup = false;
  const flush = (): void => {
    const address = mailbox(pending);
    if (address) out.push(address);
    pending = [];
  };
  for (const token of tokens) {
    if (token.kind === 'special' && token.text === ',') {
      flush();
    } else if (token.kind === 'special' && token.text === ':' && !inGroup && !pending.some((t) => t.text === '<')) {
      out.push({ name: null, adl: null, mailbox: phrase(pending) ?? '', host: null });
      pending = [];
      inGroup = true;
    } else if (token.kind === 'special' && token.text === ';' && inGroup) {
      flush();
      out.push({ name: null, adl: null, mailbox: null, host: null });
      inGroup = false;
    } else {
      pending.push(token);
    }
  }
  flush();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

function mailbox(tokens: StructuredToken[]): EnvelopeAddress | undefined {
  const words = tokens.filter((t) => t.kind !== 'comment');
  if (words.length === 0) return undefined;
  const comment = tokens.find((t) => t.kind === 'comment')?.text.trim() || null;
  const open = words.findIndex((t) => t.kind === 'special' && t.text === '<');
  if (open === -1) return { ...addrSpec(words), adl: null, name: comment };
  const closeAt = words.findIndex((t, i) => i > open && t.kind === 'special' && t.text === '>');
  let inner = words.slice(open + 1, closeAt === -1 ? words.length : closeAt);
  let adl: string | null = null;
  const colon = inner.findIndex((t) => t.kind === 'special' && t.text === ':');
  if (inner[0]?.text === '@' && colon !== -1) {
    adl = inner.slice(0, colon).map((t) => t.text).join('');
    inner = inner.slice(colon + 1);
  }
  return { ...addrSpec(inner), adl, name: phrase(words.slice(0, open)) ?? comment };
}

/** `local@domain` into mailbox and host; a missing part is an empty string, as Dovecot reports it. */
function addrSpec(tokens: StructuredToken[]): { mailbox: string; host: string } {
  const at = tokens.findIndex((t) => t.kind === 'special' && t.text === '@');
  const local = at === -1 ? tokens : tokens.slice(0, at);
  const domain = at === -1 ? [] : tokens.slice(at + 1);
  return { mailbox: local.map(localPiece).join(''), host: domain.map((t) => t.text).join('') };
}

function localPiece(token: StructuredToken): string {
  if (token.kind !== 'quoted') return token.text;
  return /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(token.text) ? token.text : `"${token.text.replace(/(["\\])/g, '\\$1')}"`;
}

/** The words of a display name, spaced as written; null when empty. */
function phrase(tokens: StructuredToken[]): string | null {
  let text = '';
  for (const token of tokens) {
    if (token.kind === 'comment') continue;
    text += (text.length > 0 && token.spaced ? ' ' : '') + token.text;
  }
  return text.length > 0 ? text : null;
}
