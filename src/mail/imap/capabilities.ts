import type { CommandInfo, ImapSession } from './command.js';

/**
 * Extensions that live in the protocol layer rather than in one command module, with why they are here.
 * Command modules add theirs (IDLE, MOVE, UIDPLUS, NAMESPACE, ID, ENABLE, UNSELECT).
 */
const PROTOCOL_EXTENSIONS = [
  'LITERAL+', // RFC 7888: {n+} literals need no continuation (the command reader)
  'SASL-IR', // RFC 4959: AUTHENTICATE PLAIN with the response on the same line
  'CHILDREN', // RFC 3348: LIST shows \HasChildren / \HasNoChildren
  'SPECIAL-USE', // RFC 6154: LIST shows \Sent \Drafts \Trash \Junk
  'LIST-EXTENDED', // RFC 5258: LIST selection and return options, several patterns
];

/** Whether LOGIN and AUTHENTICATE may run now: inside TLS, or in clear from loopback when the lab allows it. */
export function passwordsAllowed(session: ImapSession): boolean {
  return session.tls || (session.env.allowPlaintextAuth && session.loopbackClient);
}

/** The CAPABILITY list for this moment of the session (RFC 3501 §6.1.1): it changes after STARTTLS and after login. */
export function capabilityList(session: ImapSession, commands: readonly CommandInfo[]): string[] {
  const caps = ['IMAP4rev1', ...PROTOCOL_EXTENSIONS];
  for (const command of commands) {
    if (command.capability && !caps.includes(command.capability)) caps.push(command.capability);
  }
  if (session.state.name === 'not-authenticated') {
    if (!session.tls && session.env.tlsOptions()) caps.push('STARTTLS');
    caps.push(passwordsAllowed(session) ? 'AUTH=PLAIN' : 'LOGINDISABLED');
  }
  caps.push(`APPENDLIMIT=${session.env.limits.maxAppendBytes}`);
  return caps;
}
