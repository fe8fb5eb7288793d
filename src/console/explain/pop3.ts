import type { CatalogueEntry, Explanation } from '../api-types.js';
import { POP3_COMMANDS } from '../../mail/pop3/commands/index.js';
import { REPLIES, type ReplyDefinition } from '../../mail/pop3/replies.js';
import { firstWord, templatePattern, type LineReader, type ProtocolCatalogue } from './catalogue.js';

/** The capabilities a CAPA reply may list (RFC 2449 §6, RFC 2595, RFC 5034). */
const CAPABILITIES: Record<string, Explanation> = {
  TOP: { term: 'TOP', meaning: 'TOP is offered: the header and the first lines of a message.', rfc: 'RFC 2449 §6.1' },
  USER: { term: 'USER', meaning: 'USER/PASS login is offered (the password crosses the wire as typed).', rfc: 'RFC 2449 §6.2' },
  SASL: { term: 'SASL', meaning: 'AUTH is offered with these SASL mechanisms.', rfc: 'RFC 2449 §6.3, RFC 5034' },
  'RESP-CODES': { term: 'RESP-CODES', meaning: 'Error replies may carry a [CODE] in brackets.', rfc: 'RFC 2449 §6.4' },
  'LOGIN-DELAY': { term: 'LOGIN-DELAY', meaning: 'The least time allowed between logins, in seconds.', rfc: 'RFC 2449 §6.5' },
  PIPELINING: { term: 'PIPELINING', meaning: 'The client may send several commands without waiting for each reply.', rfc: 'RFC 2449 §6.6' },
  EXPIRE: { term: 'EXPIRE', meaning: 'How long the server keeps messages after they were retrieved.', rfc: 'RFC 2449 §6.7' },
  UIDL: { term: 'UIDL', meaning: 'UIDL is offered: unique ids that stay the same across sessions.', rfc: 'RFC 2449 §6.8' },
  IMPLEMENTATION: { term: 'IMPLEMENTATION', meaning: 'The server software’s name, for information only.', rfc: 'RFC 2449 §6.9' },
  'AUTH-RESP-CODE': { term: 'AUTH-RESP-CODE', meaning: 'A failed login says [AUTH] when the credentials were wrong.', rfc: 'RFC 3206 §5' },
  STLS: { term: 'STLS', meaning: 'The client may switch this connection to TLS.', rfc: 'RFC 2595 §4' },
};

/** Response codes in brackets after -ERR (RFC 2449 §8, RFC 3206). */
const RESPONSE_CODES: Record<string, Explanation> = {
  'IN-USE': { term: '[IN-USE]', meaning: 'Another session holds the maildrop lock.', rfc: 'RFC 2449 §8.1.1' },
  'LOGIN-DELAY': { term: '[LOGIN-DELAY]', meaning: 'Logged in again too soon.', rfc: 'RFC 2449 §8.1.2' },
  'SYS/TEMP': { term: '[SYS/TEMP]', meaning: 'A temporary problem on the server; try again later.', rfc: 'RFC 3206 §4' },
  'SYS/PERM': { term: '[SYS/PERM]', meaning: 'A permanent problem on the server; do not retry.', rfc: 'RFC 3206 §4' },
  AUTH: { term: '[AUTH]', meaning: 'The credentials were wrong (not a server problem).', rfc: 'RFC 3206 §4' },
};

const POSITIVE: Explanation = { term: '+OK', meaning: 'Positive reply: the command worked.', rfc: 'RFC 1939 §3' };
const NEGATIVE: Explanation = { term: '-ERR', meaning: 'Negative reply: the command failed; the text says why.', rfc: 'RFC 1939 §3' };
const TERMINATOR: Explanation = { term: '.', meaning: 'A line holding a single dot ends a multi-line reply.', rfc: 'RFC 1939 §3' };
const CONTINUATION: Explanation = { term: '+', meaning: 'SASL challenge: the client answers with a base64 line (or * to cancel).', rfc: 'RFC 5034 §4' };
const SASL_RESPONSE: Explanation = {
  term: 'AUTH response',
  meaning: 'The client’s base64 SASL response (PLAIN: authzid NUL user NUL password). Base64 is not encryption.',
  rfc: 'RFC 5034 §4, RFC 4616',
};
const MULTILINE: Record<string, Explanation> = {
  LIST: { term: 'scan listing', meaning: 'A message number and its size in octets.', rfc: 'RFC 1939 §5' },
  UIDL: { term: 'unique-id listing', meaning: 'A message number and its unique id.', rfc: 'RFC 1939 §7' },
  RETR: { term: 'message line', meaning: 'The message, line by line; a line starting with a dot is sent with a second dot.', rfc: 'RFC 1939 §3, §5' },
  TOP: { term: 'message line', meaning: 'The header and the first lines of the body.', rfc: 'RFC 1939 §7' },
  AUTH: { term: 'mechanism', meaning: 'A SASL mechanism the server offers.', rfc: 'RFC 5034 §4' },
};

function explainCommand(line: string): Explanation {
  const verb = firstWord(line);
  const command = POP3_COMMANDS.find((c) => c.verb === verb);
  if (command) return { term: command.verb, meaning: `${command.summary} Syntax: ${command.syntax}`, rfc: command.rfc };
  return { term: verb || '(empty line)', meaning: 'Not a POP3 command this server knows: it answers -ERR.', rfc: 'RFC 1939 §3' };
}

/** The server catalogue's entry for a status line, or the generic +OK / -ERR meaning (with the bracket code's). */
function explainStatus(line: string): Explanation {
  const match = /^([+-]\S*)(?: \[([A-Z/-]+)\])? ?(.*)$/.exec(line);
  const ok = line.startsWith('+OK');
  const code = match?.[2];
  const text = match?.[3] ?? '';
  const own = Object.values(REPLIES as Record<string, ReplyDefinition>).find(
    (r) => r.ok === ok && r.code === code && r.text !== '' && templatePattern(r.text).test(text),
  );
  if (own) return { term: ok ? '+OK' : `-ERR${code ? ` [${code}]` : ''}`, meaning: own.meaning, rfc: own.rfc };
  if (code && RESPONSE_CODES[code]) return RESPONSE_CODES[code];
  return ok ? POSITIVE : NEGATIVE;
}

class Pop3Reader implements LineReader {
  /** The client's last command line: LIST and UIDL with an argument answer on one line, without it a list follows. */
  private lastLine = '';
  private inMultiline = false;
  private challenged = false;

  explain(from: 'client' | 'server', line: string): Explanation | undefined {
    if (from === 'client') {
      if (this.challenged) {
        this.challenged = false;
        return SASL_RESPONSE;
      }
      this.lastLine = line;
      return explainCommand(line);
    }
    const command = firstWord(this.lastLine);
    if (this.inMultiline) {
      if (line === '.') {
        this.inMultiline = false;
        return TERMINATOR;
      }
      return command === 'CAPA' ? CAPABILITIES[firstWord(line)] : MULTILINE[command];
    }
    if (line.startsWith('+ ') || line === '+') {
      this.challenged = true;
      return CONTINUATION;
    }
    const listsAll = (command === 'LIST' || command === 'UIDL') && !/^\S+\s+\S/.test(this.lastLine);
    const multiline = ['CAPA', 'RETR', 'TOP'].includes(command) || listsAll || (command === 'AUTH' && /^AUTH\s*$/i.test(this.lastLine));
    if (line.startsWith('+OK') && multiline) this.inMultiline = true;
    return explainStatus(line);
  }
}

export const pop3Catalogue: ProtocolCatalogue = {
  protocol: 'pop3',
  kinds: ['pop3', 'pop3s'],
  entries: () => [
    ...POP3_COMMANDS.map((c): CatalogueEntry => ({ side: 'client', term: c.verb, syntax: c.syntax, meaning: c.summary, rfc: c.rfc })),
    { side: 'server', ...POSITIVE },
    { side: 'server', ...NEGATIVE },
    { side: 'server', ...TERMINATOR },
    { side: 'server', ...CONTINUATION },
    ...Object.values(RESPONSE_CODES).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    ...Object.values(CAPABILITIES).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    ...Object.values(REPLIES as Record<string, ReplyDefinition>).map(
      (r): CatalogueEntry => ({ side: 'server', term: `${r.ok ? '+OK' : '-ERR'}${r.code ? ` [${r.code}]` : ''} ${r.text}`.trim(), meaning: r.meaning, rfc: r.rfc }),
    ),
  ],
  reader: () => new Pop3Reader(),
};
