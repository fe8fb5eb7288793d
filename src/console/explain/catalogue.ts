import type { CatalogueEntry, Explanation, Side } from '../api-types.js';

/**
 * Reads one conversation's lines in order and says what each means. A reader keeps what it needs of
 * the conversation so far (after SMTP's 334 the client's line is a login response, after 354 a message).
 */
export interface LineReader {
  explain(from: Side, line: string): Explanation | undefined;
}

/**
 * A protocol's contribution to the console's explanations: every command and reply it knows (for
 * /api/explain and the tests), and a reader for conversations of the service kinds it covers. A new
 * protocol adds one of these to CATALOGUES (index.ts) — derived from its own command registry and
 * reply catalogue where it has them.
 */
export interface ProtocolCatalogue {
  protocol: string;
  /** Service kinds whose conversations it explains (smtp, submission, smtps …). */
  kinds: readonly string[];
  entries(): CatalogueEntry[];
  reader(): LineReader;
}

/** The first word of a line in upper case (a command verb, a status, a tag). */
export function firstWord(line: string): string {
  return (/^\s*(\S+)/.exec(line)?.[1] ?? '').toUpperCase();
}

/** Turns a reply template (`Ok: queued as {id}`) into a pattern that matches the filled-in text. */
export function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 'i');
}
