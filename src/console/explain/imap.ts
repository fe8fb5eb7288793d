import type { CatalogueEntry, Explanation } from '../api-types.js';
import { IMAP_COMMANDS } from '../../mail/imap/commands/index.js';
import { RESPONSE_CODES } from '../../mail/imap/responses.js';
import type { LineReader, ProtocolCatalogue } from './catalogue.js';

/** Status responses (RFC 3501 §7.1): tagged they complete a command, untagged they inform. */
const STATUS: Record<string, Explanation> = {
  OK: { term: 'OK', meaning: 'Success: tagged, the command with this tag is done; untagged, information (the greeting, a response code).', rfc: 'RFC 3501 §7.1.1' },
  NO: { term: 'NO', meaning: 'Operational failure: the command was understood but could not be done (wrong password, no such mailbox).', rfc: 'RFC 3501 §7.1.2' },
  BAD: { term: 'BAD', meaning: 'Protocol error: the command is unknown, misplaced or its arguments are wrong.', rfc: 'RFC 3501 §7.1.3' },
  PREAUTH: { term: 'PREAUTH', meaning: 'Greeting: the connection is already authenticated, no login needed.', rfc: 'RFC 3501 §7.1.4' },
  BYE: { term: 'BYE', meaning: 'The server is about to close the connection (after LOGOUT, on shutdown or idle timeout).', rfc: 'RFC 3501 §7.1.5' },
};

/** Untagged data responses (RFC 3501 §7.2–7.4 and the extensions wirelab speaks). */
const DATA: Record<string, Explanation> = {
  CAPABILITY: { term: '* CAPABILITY', meaning: 'What the server can do: IMAP4rev1, the login methods, the extensions.', rfc: 'RFC 3501 §7.2.1' },
  LIST: { term: '* LIST', meaning: 'One mailbox: its attributes, the hierarchy delimiter, its name.', rfc: 'RFC 3501 §7.2.2' },
  LSUB: { term: '* LSUB', meaning: 'One subscribed mailbox.', rfc: 'RFC 3501 §7.2.3' },
  STATUS: { term: '* STATUS', meaning: 'Counters of a mailbox that is not selected (MESSAGES, UNSEEN, UIDNEXT…).', rfc: 'RFC 3501 §7.2.4' },
  SEARCH: { term: '* SEARCH', meaning: 'The numbers (or UIDs) of the messages that match.', rfc: 'RFC 3501 §7.2.5' },
  FLAGS: { term: '* FLAGS', meaning: 'The flags that messages of this mailbox can carry.', rfc: 'RFC 3501 §7.2.6' },
  EXISTS: { term: '* n EXISTS', meaning: 'How many messages the mailbox holds now (sent on SELECT and whenever mail arrives).', rfc: 'RFC 3501 §7.3.1' },
  RECENT: { term: '* n RECENT', meaning: 'How many messages arrived since a session last saw the mailbox.', rfc: 'RFC 3501 §7.3.2' },
  EXPUNGE: { term: '* n EXPUNGE', meaning: 'Message n was removed; the ones after it move down by one.', rfc: 'RFC 3501 §7.4.1' },
  FETCH: { term: '* n FETCH', meaning: 'Data about message n: flags, size, envelope, structure or the message itself.', rfc: 'RFC 3501 §7.4.2' },
  NAMESPACE: { term: '* NAMESPACE', meaning: 'Where personal, other users’ and shared mailboxes live, and their delimiter.', rfc: 'RFC 2342 §5' },
  ID: { term: '* ID', meaning: 'The server’s name and version, answering the client’s ID.', rfc: 'RFC 2971 §3.2' },
  ENABLED: { term: '* ENABLED', meaning: 'The extensions ENABLE switched on.', rfc: 'RFC 5161 §3.2' },
};

const CONTINUATION: Explanation = { term: '+', meaning: 'Continuation request: the server is ready for the rest of the command (a literal, a SASL response, or IDLE has begun).', rfc: 'RFC 3501 §7.5' };
const LITERAL: Explanation = { term: 'literal', meaning: 'The bytes announced by {n} at the end of the previous line, sent as they are.', rfc: 'RFC 3501 §4.3' };
const SASL_RESPONSE: Explanation = { term: 'AUTHENTICATE response', meaning: 'The client’s base64 SASL response (PLAIN: authzid NUL user NUL password). Base64 is not encryption.', rfc: 'RFC 3501 §6.2.2, RFC 4616' };
const DONE: Explanation = { term: 'DONE', meaning: 'Ends IDLE; the server then completes the IDLE command.', rfc: 'RFC 2177 §3' };

const LITERAL_AT_END = /\{(\d+)\+?\}$/;

function commandName(words: string[]): string {
  const first = (words[1] ?? '').toUpperCase();
  return first === 'UID' ? `UID ${(words[2] ?? '').toUpperCase()}` : first;
}

function explainCommand(line: string): Explanation {
  const words = line.split(' ');
  const name = commandName(words);
  const command = IMAP_COMMANDS.find((c) => c.name === name);
  if (command) return { term: command.name, meaning: `${command.summary} Syntax: tag ${command.syntax}`, rfc: command.rfc };
  return { term: name || '(empty line)', meaning: 'Not a command this server knows: it answers BAD.', rfc: 'RFC 3501 §7.1.3' };
}

/** The meaning of the [CODE] after OK/NO/BAD/BYE, appended to the status's. */
function withCode(status: Explanation, rest: string): Explanation {
  const code = /^\[([A-Z-]+)/.exec(rest)?.[1];
  const entry = code ? (RESPONSE_CODES as Record<string, { meaning: string; rfc: string }>)[code] : undefined;
  if (!entry || !code) return status;
  return { term: `${status.term} [${code}]`, meaning: `${status.meaning} [${code}]: ${entry.meaning}`, rfc: `${status.rfc}; ${entry.rfc}` };
}

function explainResponse(line: string, tags: Map<string, string>): Explanation | undefined {
  if (line === '+' || line.startsWith('+ ')) return CONTINUATION;
  const words = line.split(' ');
  const [tag, second = '', third = ''] = words;
  if (tag === '*') {
    const status = STATUS[second.toUpperCase()];
    if (status) return withCode(status, words.slice(2).join(' '));
    return DATA[second.toUpperCase()] ?? DATA[third.toUpperCase()];
  }
  const status = STATUS[second.toUpperCase()];
  if (!status || !tag) return undefined;
  const command = tag ? tags.get(tag) : undefined;
  const completed = withCode(status, words.slice(2).join(' '));
  return command ? { ...completed, term: `${tag} ${second.toUpperCase()}`, meaning: `Completes ${command} (tag ${tag}). ${completed.meaning}` } : completed;
}

class ImapReader implements LineReader {
  /** Tag → command name, so a tagged completion names what it completes. */
  private readonly tags = new Map<string, string>();
  private literalLeft = { client: 0, server: 0 };
  private lastCommand = '';
  private continued = false;

  explain(from: 'client' | 'server', line: string): Explanation | undefined {
    if (this.literalLeft[from] > 0) {
      this.literalLeft[from] = Math.max(0, this.literalLeft[from] - Buffer.byteLength(line) - 2);
      return this.literalLeft[from] === 0 || from === 'client' ? LITERAL : undefined;
    }
    const literal = LITERAL_AT_END.exec(line);
    if (literal) this.literalLeft[from] = Number(literal[1]);
    if (from === 'server') {
      const explanation = explainResponse(line, this.tags);
      if (explanation === CONTINUATION) this.continued = true;
      return explanation;
    }
    if (this.continued) {
      this.continued = false;
      if (this.lastCommand === 'AUTHENTICATE') return SASL_RESPONSE;
      if (this.lastCommand === 'IDLE' && line.toUpperCase() === 'DONE') return DONE;
    }
    const words = line.split(' ');
    this.lastCommand = commandName(words);
    if (words[0]) this.tags.set(words[0], this.lastCommand);
    if (this.tags.size > 1000) this.tags.clear();
    return explainCommand(line);
  }
}

export const imapCatalogue: ProtocolCatalogue = {
  protocol: 'imap',
  kinds: ['imap', 'imaps'],
  entries: () => [
    ...IMAP_COMMANDS.map((c): CatalogueEntry => ({ side: 'client', term: c.name, syntax: `tag ${c.syntax}`, meaning: c.summary, rfc: c.rfc })),
    { side: 'client', ...DONE },
    ...Object.values(STATUS).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    ...Object.values(DATA).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    { side: 'server', ...CONTINUATION },
    ...Object.entries(RESPONSE_CODES as Record<string, { meaning: string; rfc: string }>).map(
      ([code, e]): CatalogueEntry => ({ side: 'server', term: `[${code}]`, meaning: e.meaning, rfc: e.rfc }),
    ),
  ],
  reader: () => new ImapReader(),
};
