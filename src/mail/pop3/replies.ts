/**
 * POP3 replies as one catalogue: status, RFC 2449/3206 response code, text, and what it means for a
 * learner. Texts follow Dovecot's, which is what the seeds' transcripts show.
 */
export interface ReplyDefinition {
  ok: boolean;
  /** Extended response code (RFC 2449 §8, RFC 3206), shown in brackets after -ERR. */
  code?: 'IN-USE' | 'AUTH' | 'SYS/TEMP' | 'SYS/PERM';
  text: string;
  meaning: string;
  rfc: string;
}

const define = <T extends Record<string, ReplyDefinition>>(table: T): T => table;

export const REPLIES = define({
  greeting: { ok: true, text: 'wirelab ready.', meaning: 'The server is ready: log in with USER and PASS (or AUTH).', rfc: 'RFC 1939 §4' },
  ok: { ok: true, text: '', meaning: 'Done.', rfc: 'RFC 1939 §3' },
  userOk: { ok: true, text: '', meaning: 'Name noted; now send PASS with the password.', rfc: 'RFC 1939 §7' },
  loggedIn: { ok: true, text: 'Logged in.', meaning: 'Password accepted and the maildrop locked for this session: TRANSACTION state.', rfc: 'RFC 1939 §7' },
  stat: { ok: true, text: '{count} {octets}', meaning: 'Messages in the maildrop and their total size in octets.', rfc: 'RFC 1939 §5' },
  listAll: { ok: true, text: '{count} messages:', meaning: 'A list of message numbers and sizes follows, ending with a line holding a dot.', rfc: 'RFC 1939 §5' },
  listOne: { ok: true, text: '{number} {octets}', meaning: 'The message number and its size in octets.', rfc: 'RFC 1939 §5' },
  uidlAll: { ok: true, text: '', meaning: 'A list of message numbers and unique ids follows; the ids stay the same across sessions.', rfc: 'RFC 1939 §7' },
  uidlOne: { ok: true, text: '{number} {uid}', meaning: 'The message number and its unique id.', rfc: 'RFC 1939 §7' },
  retr: { ok: true, text: '{octets} octets', meaning: 'The message follows, lines starting with a dot doubled, ending with a line holding a dot.', rfc: 'RFC 1939 §5' },
  top: { ok: true, text: '', meaning: 'The header and the first lines of the body follow, ending with a dot.', rfc: 'RFC 1939 §7' },
  deleted: { ok: true, text: 'Marked to be deleted.', meaning: 'The message is marked; it is removed only when you QUIT (RSET unmarks it).', rfc: 'RFC 1939 §5' },
  reset: { ok: true, text: '', meaning: 'Every deletion mark of this session is undone.', rfc: 'RFC 1939 §5' },
  capa: { ok: true, text: '', meaning: 'The capabilities follow, one per line, ending with a dot.', rfc: 'RFC 2449 §5' },
  mechanisms: { ok: true, text: '', meaning: 'The SASL mechanisms follow, ending with a dot.', rfc: 'RFC 5034 §4' },
  beginTls: { ok: true, text: 'Begin TLS negotiation now.', meaning: 'Start the TLS handshake; everything after it is encrypted. Log in afterwards.', rfc: 'RFC 2595 §4' },
  byeAuthorization: { ok: true, text: 'Logging out', meaning: 'Goodbye; nothing was changed.', rfc: 'RFC 1939 §4' },
  bye: { ok: true, text: 'Logging out.', meaning: 'Goodbye; no message was marked for deletion.', rfc: 'RFC 1939 §6' },
  byeDeleted: { ok: true, text: 'Logging out, messages deleted.', meaning: 'UPDATE state: the marked messages are now removed from the maildrop.', rfc: 'RFC 1939 §6' },
  saslContinue: { ok: true, text: '', meaning: 'Send the base64 SASL response.', rfc: 'RFC 5034 §4' },

  unknownCommand: { ok: false, text: 'Unknown command: {verb}', meaning: 'The server does not know this command.', rfc: 'RFC 1939 §3' },
  loginFirst: { ok: false, text: 'Log in first (USER and PASS, or AUTH).', meaning: 'This command works only after logging in (TRANSACTION state).', rfc: 'RFC 1939 §3' },
  alreadyLoggedIn: { ok: false, text: 'Already logged in.', meaning: 'You are in the TRANSACTION state; login commands are over.', rfc: 'RFC 1939 §3' },
  syntax: { ok: false, text: 'Syntax: {syntax}', meaning: 'The command is known but its arguments are wrong.', rfc: 'RFC 1939 §3' },
  noSuchMessage: { ok: false, text: "There's no message {number}.", meaning: 'No message has this number in this session.', rfc: 'RFC 1939 §5' },
  messageDeleted: { ok: false, text: 'Message is deleted.', meaning: 'You marked this message for deletion in this session; RSET undoes that.', rfc: 'RFC 1939 §5' },
  badNumber: { ok: false, text: 'Invalid message number: {value}', meaning: 'Message numbers are positive decimal integers.', rfc: 'RFC 1939 §5' },
  noUserYet: { ok: false, text: 'No username given.', meaning: 'Send USER before PASS.', rfc: 'RFC 1939 §7' },
  authFailed: { ok: false, code: 'AUTH', text: 'Authentication failed.', meaning: 'Wrong user name or password.', rfc: 'RFC 3206 §4' },
  plaintextDisallowed: {
    ok: false,
    code: 'AUTH',
    text: 'Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    meaning: 'Passwords may not cross this connection in clear: STLS first.',
    rfc: 'RFC 2595 §3.1',
  },
  inUse: { ok: false, code: 'IN-USE', text: 'Mailbox is locked by another POP3 session.', meaning: 'Another session holds this maildrop (RFC 1939 §8); try again when it has quit.', rfc: 'RFC 2449 §8.1.1' },
  apopUnavailable: {
    ok: false,
    text: 'APOP is not available: the directory keeps only password hashes.',
    meaning: 'APOP needs the clear password on the server to compute the digest; wirelab stores scrypt hashes only.',
    rfc: 'RFC 1939 §7',
  },
  mechanismUnknown: { ok: false, text: 'Unsupported authentication mechanism.', meaning: 'Use a mechanism that CAPA lists after SASL.', rfc: 'RFC 5034 §4' },
  authAborted: { ok: false, text: 'Authentication aborted by client.', meaning: 'You sent * to cancel the login.', rfc: 'RFC 5034 §4' },
  authBadResponse: { ok: false, text: 'Invalid base64 data in continued response', meaning: 'The SASL response was not valid base64, or not authzid NUL authcid NUL password.', rfc: 'RFC 5034 §4' },
  tlsActive: { ok: false, text: 'TLS is already active.', meaning: 'The connection is already encrypted.', rfc: 'RFC 2595 §4' },
  tlsUnavailable: { ok: false, text: 'TLS support isn\'t enabled.', meaning: 'The lab has no certificate yet.', rfc: 'RFC 2595 §4' },
  messageGone: { ok: false, code: 'SYS/TEMP', text: 'Message {number} was expunged by another session.', meaning: 'An IMAP client removed this message while you were connected.', rfc: 'RFC 2449 §8.1.2' },
  notRemoved: { ok: false, code: 'SYS/TEMP', text: 'Some deleted messages were not removed.', meaning: 'The server could not remove every marked message; they are still in the maildrop.', rfc: 'RFC 1939 §6' },
  storeFailed: { ok: false, code: 'SYS/TEMP', text: 'Cannot open the maildrop.', meaning: 'The server could not read your mailbox; try again.', rfc: 'RFC 2449 §8.1.2' },
  lineTooLong: { ok: false, text: 'Input line too long.', meaning: 'Command lines are limited in length.', rfc: 'RFC 2449 §4' },
  tooManyErrors: { ok: false, text: 'Too many bad commands.', meaning: 'The server hangs up after too many errors.', rfc: 'RFC 1939 §3' },
  timeout: { ok: false, text: 'Disconnected for inactivity.', meaning: 'You were silent longer than the autologout timer (RFC 1939 §3: at least 10 minutes).', rfc: 'RFC 1939 §3' },
  shuttingDown: { ok: false, text: 'Server shutting down.', meaning: 'The lab is stopping; nothing you marked was deleted.', rfc: 'RFC 1939 §3' },
});

export type ReplyName = keyof typeof REPLIES;

/** A reply's text split at its `{placeholders}`: literal text at even indexes, value names at odd ones. */
const templates = new Map<ReplyName, { head: string; parts: string[] }>();

function template(name: ReplyName): { head: string; parts: string[] } {
  let compiled = templates.get(name);
  if (!compiled) {
    const def: ReplyDefinition = REPLIES[name];
    const status = def.ok ? '+OK' : '-ERR';
    compiled = { head: def.code ? `${status} [${def.code}]` : status, parts: def.text.split(/\{(\w+)\}/) };
    templates.set(name, compiled);
  }
  return compiled;
}

/** Fills `{placeholders}` with values cleaned of control characters, so nothing a client sent can inject a line. */
export function formatReply(name: ReplyName, values: Record<string, string | number> = {}): string {
  const { head, parts } = template(name);
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) text += printable(String(values[parts[i]!] ?? '')) + parts[i + 1]!;
  return text === '' ? `${head}\r\n` : `${head} ${text}\r\n`;
}

export function isError(name: ReplyName): boolean {
  return !REPLIES[name].ok;
}

function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 200);
}
