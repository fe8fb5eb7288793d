import { setTimeout as sleep } from 'node:timers/promises';
import { MailStoreError } from '../store/index.js';
import { Maildrop } from './maildrop.js';
import type { Pop3Session } from './session.js';

/**
 * The end of every login (PASS, AUTH): checks the password against the lab directory, locks and opens
 * the maildrop, and enters TRANSACTION. A failure is -ERR after a pause, back in AUTHORIZATION, and the
 * client may try again (RFC 1939 §7).
 */
export async function logIn(session: Pop3Session, login: string, password: string): Promise<void> {
  const user = await session.settings.directory.authenticate(login, password, session.settings.defaultDomain);
  if (!user) {
    session.tap.note('error', `login failed for ${login}`);
    await sleep(session.settings.authFailureDelayMs);
    session.setState({ name: 'AUTHORIZATION' });
    session.reply('authFailed');
    return;
  }
  let maildrop: Maildrop;
  try {
    maildrop = await Maildrop.open(await session.settings.openMailbox(user.address));
  } catch (err) {
    session.setState({ name: 'AUTHORIZATION' });
    if (err instanceof MailStoreError && err.code === 'LOCKED') {
      session.tap.note('error', `${user.address}: maildrop locked by another session`);
      session.reply('inUse');
      return;
    }
    session.tap.note('error', `${user.address}: cannot open the maildrop: ${(err as Error).message}`);
    session.reply('storeFailed');
    return;
  }
  session.tap.note('user', user.address);
  session.setState({ name: 'TRANSACTION', user: user.address, maildrop });
  session.reply('loggedIn');
}
