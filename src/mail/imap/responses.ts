/**
 * The response codes wirelab sends in `[…]` after OK, NO, BAD and BYE, with what each tells a learner
 * and where it is defined. Every status response goes through `statusLine` so the wire format is in one place.
 */
export const RESPONSE_CODES = {
  ALERT: { meaning: 'A message the client must show to the user.', rfc: 'RFC 3501 §7.1' },
  BADCHARSET: { meaning: 'SEARCH named a charset the server does not know; the list says which it does.', rfc: 'RFC 3501 §7.1' },
  CAPABILITY: { meaning: 'The capability list, sent unasked so the client saves a CAPABILITY command.', rfc: 'RFC 3501 §7.1' },
  PARSE: { meaning: 'A message could not be parsed (its MIME structure is broken).', rfc: 'RFC 3501 §7.1' },
  PERMANENTFLAGS: { meaning: 'The flags a client can change for good; \\* means new keywords may be created.', rfc: 'RFC 3501 §7.1' },
  'READ-ONLY': { meaning: 'The mailbox is open for reading only (EXAMINE): flags will not change.', rfc: 'RFC 3501 §7.1' },
  'READ-WRITE': { meaning: 'The mailbox is open for reading and changing (SELECT).', rfc: 'RFC 3501 §7.1' },
  TRYCREATE: { meaning: 'The target mailbox does not exist; CREATE it and try again.', rfc: 'RFC 3501 §7.1' },
  UIDNEXT: { meaning: 'The UID the next message to arrive will get.', rfc: 'RFC 3501 §7.1' },
  UIDVALIDITY: { meaning: 'While this number stays the same, UIDs keep naming the same messages.', rfc: 'RFC 3501 §7.1' },
  UNSEEN: { meaning: 'The sequence number of the first message without \\Seen.', rfc: 'RFC 3501 §7.1' },
  APPENDUID: { meaning: 'The UIDVALIDITY and the UID the appended message got.', rfc: 'RFC 4315 §3' },
  COPYUID: { meaning: 'The target UIDVALIDITY, the source UIDs and the UIDs their copies got, in the same order.', rfc: 'RFC 4315 §3' },
  AUTHENTICATIONFAILED: { meaning: 'Wrong user name or password.', rfc: 'RFC 5530 §3' },
  PRIVACYREQUIRED: { meaning: 'This needs TLS first (STARTTLS, or port 993).', rfc: 'RFC 5530 §3' },
  NONEXISTENT: { meaning: 'No mailbox has that name.', rfc: 'RFC 5530 §3' },
  ALREADYEXISTS: { meaning: 'A mailbox with that name exists already.', rfc: 'RFC 5530 §3' },
  CANNOT: { meaning: 'The server cannot do this (for example delete INBOX or use that name).', rfc: 'RFC 5530 §3' },
  LIMIT: { meaning: 'A server limit was reached (for example the 26 keywords a Maildir can store).', rfc: 'RFC 5530 §3' },
  EXPUNGEISSUED: { meaning: 'Another session expunged some of the messages asked for.', rfc: 'RFC 5530 §3' },
  INUSE: { meaning: 'Someone else is using the resource.', rfc: 'RFC 5530 §3' },
  TOOBIG: { meaning: 'The message or literal is larger than the server accepts.', rfc: 'RFC 4469 §4.2, RFC 7889' },
  CLIENTBUG: { meaning: 'The command is allowed, but the client asked for something that makes no sense.', rfc: 'RFC 5530 §3' },
  SERVERBUG: { meaning: 'The server failed; the command was not carried out.', rfc: 'RFC 5530 §3' },
  CLOSED: { meaning: 'The previously selected mailbox is now closed.', rfc: 'RFC 7162 §3.2.11' },
} as const;

export type ResponseCodeName = keyof typeof RESPONSE_CODES;

export interface ResponseCode {
  name: ResponseCodeName;
  /** What follows the name inside the brackets: `[UIDNEXT 5]`, `[PERMANENTFLAGS (\Seen)]`. */
  data?: string;
}

export type Status = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

export function code(name: ResponseCodeName, data?: string | number): ResponseCode {
  return data === undefined ? { name } : { name, data: String(data) };
}

/**
 * `tag STATUS [CODE data] text` (RFC 3501 §7.1), `*` for untagged. Line breaks in the text are
 * replaced so an echoed name can never start a second response.
 */
export function statusLine(tag: string, status: Status, text: string, responseCode?: ResponseCode): string {
  const bracket = responseCode ? `[${responseCode.name}${responseCode.data === undefined ? '' : ` ${responseCode.data}`}] ` : '';
  return `${tag} ${status} ${bracket}${text.replace(/[\r\n]+/g, ' ')}\r\n`;
}
