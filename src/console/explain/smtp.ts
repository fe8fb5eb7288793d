import type { CatalogueEntry, Explanation } from '../api-types.js';
import { COMMANDS } from '../../mail/smtp/commands/index.js';
import { REPLIES, type ReplyDefinition } from '../../mail/smtp/replies.js';
import { firstWord, templatePattern, type LineReader, type ProtocolCatalogue } from './catalogue.js';

/**
 * Every reply code of RFC 5321 §4.2.3 (and the extensions' 235, 334, 530, 535, 555), in the RFC's words.
 * The server's own catalogue (mail/smtp/replies.ts) says what wirelab means by each reply it sends; this
 * table covers the codes other servers send, for conversations with them.
 */
const REPLY_CODES: Record<number, Explanation> = {
  211: { term: '211', meaning: 'System status, or system help reply.', rfc: 'RFC 5321 §4.2.3' },
  214: { term: '214', meaning: 'Help message: how to use the server or a command.', rfc: 'RFC 5321 §4.2.3' },
  220: { term: '220', meaning: 'Service ready.', rfc: 'RFC 5321 §4.2.3' },
  221: { term: '221', meaning: 'Service closing transmission channel.', rfc: 'RFC 5321 §4.2.3' },
  235: { term: '235', meaning: 'Authentication succeeded.', rfc: 'RFC 4954 §6' },
  250: { term: '250', meaning: 'Requested mail action okay, completed.', rfc: 'RFC 5321 §4.2.3' },
  251: { term: '251', meaning: 'User not local; will forward.', rfc: 'RFC 5321 §4.2.3' },
  252: { term: '252', meaning: 'Cannot VRFY user, but will accept message and attempt delivery.', rfc: 'RFC 5321 §4.2.3' },
  334: { term: '334', meaning: 'Server challenge during AUTH: send the next base64 response.', rfc: 'RFC 4954 §4' },
  354: { term: '354', meaning: 'Start mail input; end with <CRLF>.<CRLF>.', rfc: 'RFC 5321 §4.2.3' },
  421: { term: '421', meaning: 'Service not available, closing transmission channel.', rfc: 'RFC 5321 §4.2.3' },
  450: { term: '450', meaning: 'Requested mail action not taken: mailbox unavailable (busy, or temporarily blocked).', rfc: 'RFC 5321 §4.2.3' },
  451: { term: '451', meaning: 'Requested action aborted: local error in processing.', rfc: 'RFC 5321 §4.2.3' },
  452: { term: '452', meaning: 'Requested action not taken: insufficient system storage.', rfc: 'RFC 5321 §4.2.3' },
  454: { term: '454', meaning: 'Temporary authentication or TLS failure.', rfc: 'RFC 3207 §4, RFC 4954 §6' },
  455: { term: '455', meaning: 'Server unable to accommodate parameters.', rfc: 'RFC 5321 §4.2.3' },
  500: { term: '500', meaning: 'Syntax error, command unrecognized (or command line too long).', rfc: 'RFC 5321 §4.2.3' },
  501: { term: '501', meaning: 'Syntax error in parameters or arguments.', rfc: 'RFC 5321 §4.2.3' },
  502: { term: '502', meaning: 'Command not implemented.', rfc: 'RFC 5321 §4.2.3' },
  503: { term: '503', meaning: 'Bad sequence of commands.', rfc: 'RFC 5321 §4.2.3' },
  504: { term: '504', meaning: 'Command parameter not implemented.', rfc: 'RFC 5321 §4.2.3' },
  530: { term: '530', meaning: 'Authentication (or STARTTLS) required first.', rfc: 'RFC 4954 §6, RFC 3207 §4' },
  535: { term: '535', meaning: 'Authentication credentials invalid.', rfc: 'RFC 4954 §6' },
  550: { term: '550', meaning: 'Requested action not taken: mailbox unavailable (not found, no access, or refused by policy).', rfc: 'RFC 5321 §4.2.3' },
  551: { term: '551', meaning: 'User not local; please try the forward-path given.', rfc: 'RFC 5321 §4.2.3' },
  552: { term: '552', meaning: 'Requested mail action aborted: exceeded storage allocation.', rfc: 'RFC 5321 §4.2.3' },
  553: { term: '553', meaning: 'Requested action not taken: mailbox name not allowed (syntax).', rfc: 'RFC 5321 §4.2.3' },
  554: { term: '554', meaning: 'Transaction failed (or, as a greeting, no SMTP service here).', rfc: 'RFC 5321 §4.2.3' },
  555: { term: '555', meaning: 'MAIL FROM/RCPT TO parameters not recognized or not implemented.', rfc: 'RFC 5321 §4.2.3' },
};

/** The service extensions an EHLO reply lists, one per line after the first. */
const EXTENSIONS: Record<string, Explanation> = {
  PIPELINING: { term: 'PIPELINING', meaning: 'The client may send several commands without waiting for each reply.', rfc: 'RFC 2920' },
  SIZE: { term: 'SIZE', meaning: 'The largest message the server accepts, in octets; MAIL FROM may declare the size up front.', rfc: 'RFC 1870' },
  STARTTLS: { term: 'STARTTLS', meaning: 'The client may switch this connection to TLS.', rfc: 'RFC 3207' },
  AUTH: { term: 'AUTH', meaning: 'The SASL mechanisms the client may log in with.', rfc: 'RFC 4954' },
  '8BITMIME': { term: '8BITMIME', meaning: 'Message bodies may carry 8-bit bytes.', rfc: 'RFC 6152' },
  ENHANCEDSTATUSCODES: { term: 'ENHANCEDSTATUSCODES', meaning: 'Replies carry a class.subject.detail code (2.1.5) after the three digits.', rfc: 'RFC 2034, RFC 3463' },
  SMTPUTF8: { term: 'SMTPUTF8', meaning: 'Addresses and headers may be UTF-8.', rfc: 'RFC 6531' },
  CHUNKING: { term: 'CHUNKING', meaning: 'BDAT may send the message in counted chunks instead of DATA.', rfc: 'RFC 3030' },
  DSN: { term: 'DSN', meaning: 'Delivery status notifications may be requested per recipient.', rfc: 'RFC 3461' },
  VRFY: { term: 'VRFY', meaning: 'VRFY is offered.', rfc: 'RFC 5321 §3.5' },
  ETRN: { term: 'ETRN', meaning: 'The client may ask the server to start its queue for a domain.', rfc: 'RFC 1985' },
  HELP: { term: 'HELP', meaning: 'HELP is offered.', rfc: 'RFC 5321 §4.1.1.8' },
};

/** Commands of the RFCs that wirelab's server does not implement, so other servers' transcripts are explained too. */
const OTHER_COMMANDS: CatalogueEntry[] = [
  { side: 'client', term: 'BDAT', syntax: 'BDAT size [LAST]', meaning: 'Send the next chunk of the message, of the given size (CHUNKING).', rfc: 'RFC 3030 §2' },
  { side: 'client', term: 'ETRN', syntax: 'ETRN domain', meaning: 'Ask the server to deliver its queued mail for a domain.', rfc: 'RFC 1985' },
  { side: 'client', term: 'TURN', syntax: 'TURN', meaning: 'Swap client and server roles — obsolete and unsafe, refused everywhere.', rfc: 'RFC 821 §4.1.1, RFC 2505 §2.9' },
  { side: 'client', term: 'SEND', syntax: 'SEND FROM:<path>', meaning: 'Deliver to a terminal instead of a mailbox — removed in RFC 5321.', rfc: 'RFC 821 §4.1.1' },
];

const MESSAGE: Explanation = {
  term: 'message',
  meaning: 'The message itself: header fields, an empty line, the body. A line holding a single dot ends it; a line that starts with a dot gets a second one (dot-stuffing).',
  rfc: 'RFC 5321 §4.1.1.4, §4.5.2; RFC 5322',
};
const AUTH_RESPONSE: Explanation = {
  term: 'AUTH response',
  meaning: 'The client answers the 334 challenge in base64 (AUTH LOGIN: the user name, then the password). Base64 is an encoding, not encryption: anyone on the wire can decode it.',
  rfc: 'RFC 4954 §4',
};

const codeOf = (line: string): number | undefined => {
  const match = /^(\d{3})[ -]?/.exec(line);
  return match ? Number(match[1]) : undefined;
};

/** The server catalogue's entry for a reply line: same code, same enhanced code, text matching its template. */
function replyFor(line: string): ReplyDefinition | undefined {
  const match = /^(\d{3})[ -](?:(\d\.\d{1,3}\.\d{1,3}) )?(.*)$/.exec(line);
  if (!match) return undefined;
  const [, code, enhanced, text] = match;
  const candidates = Object.values(REPLIES as Record<string, ReplyDefinition>).filter((r) => r.code === Number(code) && (r.enhanced ?? undefined) === (enhanced ?? undefined));
  return candidates.find((r) => templatePattern(r.text).test(text ?? '')) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

function explainReply(line: string, inEhlo: boolean): Explanation | undefined {
  const code = codeOf(line);
  if (code === undefined) return undefined;
  if (inEhlo && code === 250) {
    const extension = EXTENSIONS[(/^\d{3}[ -](\S+)/.exec(line)?.[1] ?? '').toUpperCase()];
    if (extension) return extension;
  }
  const own = replyFor(line);
  if (own) return { term: String(own.code) + (own.enhanced ? ` ${own.enhanced}` : ''), meaning: own.meaning, rfc: own.rfc };
  return REPLY_CODES[code] ?? { term: String(code), meaning: classMeaning(code), rfc: 'RFC 5321 §4.2.1' };
}

function classMeaning(code: number): string {
  switch (Math.floor(code / 100)) {
    case 2:
      return 'Positive completion: the action was done.';
    case 3:
      return 'Positive intermediate: send the rest of the information.';
    case 4:
      return 'Transient failure: try again later.';
    case 5:
      return 'Permanent failure: do not repeat the same request.';
    default:
      return 'Not a reply code RFC 5321 defines.';
  }
}

function explainCommand(line: string): Explanation {
  const verb = firstWord(line).replace(/:.*$/, '');
  const command = COMMANDS.find((c) => c.verb === verb);
  if (command) return { term: command.verb, meaning: `${command.summary} Syntax: ${command.syntax}`, rfc: command.rfc };
  const other = OTHER_COMMANDS.find((c) => c.term === verb);
  if (other) return { term: other.term, meaning: other.meaning, rfc: other.rfc };
  return { term: verb || '(empty line)', meaning: 'Not an SMTP command this server knows: it answers 500.', rfc: 'RFC 5321 §4.2.4' };
}

class SmtpReader implements LineReader {
  private lastCode: number | undefined;
  private lastCommand = '';

  explain(from: 'client' | 'server', line: string): Explanation | undefined {
    if (from === 'client') {
      if (this.lastCode === 334) return AUTH_RESPONSE;
      if (this.lastCode === 354) return MESSAGE;
      this.lastCommand = firstWord(line);
      this.lastCode = undefined;
      return explainCommand(line);
    }
    const explanation = explainReply(line, this.lastCommand === 'EHLO');
    const code = codeOf(line);
    if (code !== undefined && line[3] !== '-') this.lastCode = code;
    return explanation;
  }
}

export const smtpCatalogue: ProtocolCatalogue = {
  protocol: 'smtp',
  kinds: ['smtp', 'submission', 'smtps'],
  entries: () => [
    ...COMMANDS.map((c): CatalogueEntry => ({ side: 'client', term: c.verb, syntax: c.syntax, meaning: c.summary, rfc: c.rfc })),
    ...OTHER_COMMANDS,
    ...Object.values(REPLY_CODES).map((e): CatalogueEntry => ({ side: 'server', ...e })),
    ...Object.values(REPLIES as Record<string, ReplyDefinition>).map(
      (r): CatalogueEntry => ({ side: 'server', term: `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text}`, meaning: r.meaning, rfc: r.rfc }),
    ),
    ...Object.values(EXTENSIONS).map((e): CatalogueEntry => ({ side: 'server', ...e, term: `250-${e.term}` })),
  ],
  reader: () => new SmtpReader(),
};
