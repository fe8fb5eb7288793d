/**
 * SMTP replies as one catalogue: code, enhanced status (RFC 3463), default text, and what it
 * means for a learner. Texts follow Postfix's, which is what the seeds' lab sheets show.
 */
export interface ReplyDefinition {
  code: number;
  enhanced?: string;
  text: string;
  meaning: string;
  rfc: string;
}

const define = <T extends Record<string, ReplyDefinition>>(table: T): T => table;

export const REPLIES = define({
  greeting: { code: 220, text: '{host} ESMTP wirelab', meaning: 'Service ready: the server introduces itself.', rfc: 'RFC 5321 §4.2' },
  helo: { code: 250, text: '{host} Hello {helo} [{client}]', meaning: 'Hello accepted; the server echoes who you said you are and where you come from.', rfc: 'RFC 5321 §4.1.1.1' },
  ok: { code: 250, enhanced: '2.0.0', text: 'Ok', meaning: 'Requested action completed.', rfc: 'RFC 5321 §4.2.2' },
  senderOk: { code: 250, enhanced: '2.1.0', text: 'Ok', meaning: 'Sender accepted; a mail transaction has begun.', rfc: 'RFC 5321 §4.1.1.2' },
  recipientOk: { code: 250, enhanced: '2.1.5', text: 'Ok', meaning: 'Recipient accepted.', rfc: 'RFC 5321 §4.1.1.3' },
  queued: { code: 250, enhanced: '2.0.0', text: 'Ok: queued as {id}', meaning: 'The message is stored safely; the server now owns its delivery.', rfc: 'RFC 5321 §4.1.1.4' },
  vrfyCannot: { code: 252, enhanced: '2.0.0', text: '{address}', meaning: 'Cannot verify the user, but will accept mail for them (servers hide who exists).', rfc: 'RFC 5321 §3.5.3' },
  help: { code: 214, enhanced: '2.0.0', text: 'Commands: {commands}', meaning: 'Help text.', rfc: 'RFC 5321 §4.1.1.8' },
  bye: { code: 221, enhanced: '2.0.0', text: 'Bye', meaning: 'Closing the connection.', rfc: 'RFC 5321 §4.1.1.10' },
  authOk: { code: 235, enhanced: '2.7.0', text: 'Authentication successful', meaning: 'Logged in: this session may now relay.', rfc: 'RFC 4954 §6' },
  chunkReceived: { code: 250, enhanced: '2.0.0', text: 'Ok: {octets} bytes', meaning: 'This piece of the message arrived; send the next BDAT, the last one with LAST.', rfc: 'RFC 3030 §2' },
  startData: { code: 354, text: 'End data with <CR><LF>.<CR><LF>', meaning: 'Send the message now; a line with a single dot ends it.', rfc: 'RFC 5321 §4.1.1.4' },
  readyTls: { code: 220, enhanced: '2.0.0', text: 'Ready to start TLS', meaning: 'Begin the TLS handshake now; everything after it is encrypted.', rfc: 'RFC 3207 §4' },
  shuttingDown: { code: 421, enhanced: '4.3.2', text: '{host} Service shutting down, closing transmission channel', meaning: 'The server is stopping; try again later.', rfc: 'RFC 5321 §3.8' },
  timeout: { code: 421, enhanced: '4.4.2', text: '{host} Error: timeout exceeded', meaning: 'You were silent too long.', rfc: 'RFC 5321 §4.5.3.2' },
  tooManyErrors: { code: 421, enhanced: '4.7.0', text: '{host} Error: too many errors', meaning: 'Too many bad commands; the server hangs up.', rfc: 'RFC 5321 §4.2.2' },
  tooBusy: { code: 421, enhanced: '4.7.0', text: '{host} Error: too many connections', meaning: 'The server is full; try again later.', rfc: 'RFC 5321 §3.8' },
  writeError: { code: 451, enhanced: '4.3.0', text: 'Error: queue file write error', meaning: 'The server could not store the message; nothing was accepted, try again.', rfc: 'RFC 5321 §4.2.2' },
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'Error: too many recipients', meaning: 'Recipient limit reached; send the rest in another transaction.', rfc: 'RFC 5321 §4.5.3.1.8' },
  tlsUnavailable: { code: 454, enhanced: '4.7.0', text: 'TLS not available due to local problem', meaning: 'The server has no certificate to offer.', rfc: 'RFC 3207 §4' },
  bdatSyntax: { code: 521, enhanced: '5.5.4', text: 'Syntax: BDAT count [LAST]', meaning: 'BDAT needs the number of bytes that follow it; without it the server cannot tell where they end, so it hangs up.', rfc: 'RFC 3030 §2' },
  bdatDiscarded: { code: 551, enhanced: '5.0.0', text: 'Discarded {octets} bytes after earlier error', meaning: 'An earlier BDAT of this message was refused: this chunk is read and thrown away, up to the one with LAST.', rfc: 'RFC 3030 §3' },
  unknownCommand: { code: 500, enhanced: '5.5.2', text: 'Error: command not recognized', meaning: 'The server does not know this command.', rfc: 'RFC 5321 §4.2.2' },
  lineTooLong: { code: 500, enhanced: '5.5.2', text: 'Error: line too long', meaning: 'Command lines are limited to 512 characters (1000 octets here).', rfc: 'RFC 5321 §4.5.3.1.4' },
  syntax: { code: 501, enhanced: '5.5.4', text: 'Syntax: {syntax}', meaning: 'The command is known but its arguments are wrong.', rfc: 'RFC 5321 §4.2.2' },
  heloSyntax: { code: 501, text: 'Syntax: {verb} hostname', meaning: 'HELO and EHLO need your host name.', rfc: 'RFC 5321 §4.1.1.1' },
  badAddress: { code: 501, enhanced: '5.1.3', text: 'Bad {role} address syntax', meaning: 'The address in <...> is not a valid mail address.', rfc: 'RFC 5321 §4.1.2' },
  authCancelled: { code: 501, enhanced: '5.7.0', text: 'Authentication aborted', meaning: 'You sent * to cancel the login.', rfc: 'RFC 4954 §4' },
  authBadResponse: { code: 501, enhanced: '5.5.2', text: 'Cannot decode response', meaning: 'The login response was not valid base64.', rfc: 'RFC 4954 §4' },
  notImplemented: { code: 502, enhanced: '5.5.1', text: '{verb} command not implemented', meaning: 'The server knows this command but does not offer it.', rfc: 'RFC 5321 §4.2.4' },
  sendHeloFirst: { code: 503, enhanced: '5.5.1', text: 'Error: send HELO/EHLO first', meaning: 'Say hello before starting a transaction.', rfc: 'RFC 5321 §4.1.4' },
  nestedMail: { code: 503, enhanced: '5.5.1', text: 'Error: nested MAIL command', meaning: 'A transaction is already open; finish it or RSET.', rfc: 'RFC 5321 §4.1.4' },
  needMail: { code: 503, enhanced: '5.5.1', text: 'Error: need MAIL command', meaning: 'Give the sender (MAIL FROM) first.', rfc: 'RFC 5321 §4.1.4' },
  needRcpt: { code: 503, enhanced: '5.5.1', text: 'Error: need RCPT command', meaning: 'No recipient was accepted, so there is nowhere to send the data.', rfc: 'RFC 5321 §3.3' },
  authNotEnabled: { code: 503, enhanced: '5.5.1', text: 'Error: authentication not enabled', meaning: 'AUTH is not offered here (use the submission port, or STARTTLS first).', rfc: 'RFC 4954 §4' },
  alreadyAuthenticated: { code: 503, enhanced: '5.5.1', text: 'Error: already authenticated', meaning: 'You are already logged in.', rfc: 'RFC 4954 §4' },
  inTransaction: { code: 503, enhanced: '5.5.1', text: 'Error: MAIL transaction in progress', meaning: 'Not allowed inside a mail transaction: finish it or RSET first.', rfc: 'RFC 4954 §4' },
  dataAfterBdat: { code: 503, enhanced: '5.5.1', text: 'Error: DATA after BDAT', meaning: 'This message is being sent with BDAT: DATA cannot be used in the same transaction.', rfc: 'RFC 3030 §3' },
  rcptAfterBdat: { code: 503, enhanced: '5.5.1', text: 'Error: RCPT after BDAT', meaning: 'Recipients come before the message: finish it with BDAT size LAST, or RSET.', rfc: 'RFC 3030 §3' },
  mailAfterBdat: { code: 503, enhanced: '5.5.1', text: 'Error: MAIL after BDAT', meaning: 'A BDAT of this transaction was refused: its remaining chunks, up to the one with LAST, are still discarded (or RSET).', rfc: 'RFC 3030 §3' },
  tlsAlready: { code: 503, enhanced: '5.5.1', text: 'Error: TLS already active', meaning: 'The session is already encrypted.', rfc: 'RFC 3207 §4' },
  mechanismUnknown: { code: 504, enhanced: '5.5.4', text: 'Unsupported authentication mechanism', meaning: 'Use one of the mechanisms EHLO listed after AUTH.', rfc: 'RFC 4954 §4' },
  authRequired: { code: 530, enhanced: '5.7.0', text: 'Authentication required', meaning: 'The submission port takes mail only from logged-in users.', rfc: 'RFC 4954 §6, RFC 6409 §4.3' },
  tlsRequired: { code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first', meaning: 'Logging in without encryption is not allowed here.', rfc: 'RFC 3207 §4' },
  authFailed: { code: 535, enhanced: '5.7.8', text: 'Error: authentication failed: authentication failure', meaning: 'Wrong user name or password.', rfc: 'RFC 4954 §6' },
  userUnknown: { code: 550, enhanced: '5.1.1', text: '<{address}>: Recipient address rejected: User unknown in local recipient table', meaning: 'No such mailbox here.', rfc: 'RFC 5321 §4.2.2' },
  chunkTooBig: { code: 552, enhanced: '5.3.4', text: 'Chunk exceeds message size limit', meaning: 'With this chunk the message would be larger than the SIZE the server announced; the chunks up to LAST are discarded.', rfc: 'RFC 3030 §3, RFC 1870 §6' },
  messageTooBig: { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed limit', meaning: 'The message is larger than the SIZE the server announced.', rfc: 'RFC 1870 §6' },
  relayDenied: { code: 554, enhanced: '5.7.1', text: '<{address}>: Relay access denied', meaning: 'This server does not pass mail on to that domain for you (you are not in its network, nor logged in).', rfc: 'RFC 5321 §3.6.2' },
  badParameter: { code: 555, enhanced: '5.5.4', text: 'Unsupported option: {param}', meaning: 'MAIL/RCPT carried an extension parameter the server does not offer.', rfc: 'RFC 5321 §4.1.1.11' },
  authContinue: { code: 334, text: '{challenge}', meaning: 'Send the next part of your login (base64).', rfc: 'RFC 4954 §4' },
});

export type ReplyName = keyof typeof REPLIES;

export interface Reply {
  code: number;
  lines: string[];
}

/** Fills `{placeholders}`; values are cleaned of control characters so nothing a client sent can inject a line. */
export function reply(name: ReplyName, values: Record<string, string | number> = {}): Reply {
  const def: ReplyDefinition = REPLIES[name];
  const text = def.text.replace(/\{(\w+)\}/g, (_, key: string) => printable(String(values[key] ?? '')));
  return { code: def.code, lines: [def.enhanced ? `${def.enhanced} ${text}` : text] };
}

/** A multi-line reply (EHLO, HELP): every line but the last uses `code-`. */
export function multiline(code: number, lines: string[]): Reply {
  return { code, lines: lines.map(printable) };
}

export function formatReply(r: Reply): string {
  return r.lines.map((line, i) => `${r.code}${i === r.lines.length - 1 ? ' ' : '-'}${line}\r\n`).join('');
}

export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?');
}
