import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion, ImapSession } from './command.js';
import { no } from './errors.js';
import { code } from './responses.js';

/**
 * Checks a user name (full address or local part) and password against the lab directory and, when
 * right, opens the user's mailbox and enters the authenticated state. A failure is NO after a pause
 * (as Dovecot does), and the connection stays usable for another try.
 */
export async function signIn(session: ImapSession, login: string, password: string): Promise<Completion> {
  const user = await session.env.directory.authenticate(login, password, session.env.defaultDomain);
  if (!user) {
    await sleep(session.env.limits.authFailureDelayMs);
    throw no('Authentication failed.', code('AUTHENTICATIONFAILED'));
  }
  const mailbox = await session.env.openMailbox(user.address);
  session.setState({ name: 'authenticated', user: user.address, mailbox });
  return { text: 'Logged in', code: code('CAPABILITY', session.capabilities().join(' ')) };
}
