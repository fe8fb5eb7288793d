import { MailStoreError } from '../store/index.js';
import type { Pop3Session } from './session.js';

/** A message's bytes for RETR/TOP, or undefined after answering -ERR when an IMAP session expunged it meanwhile. */
export async function readOrExplain(session: Pop3Session, number: number, markRetrieved: boolean): Promise<Buffer | undefined> {
  try {
    return await session.maildrop!.read(number, markRetrieved);
  } catch (err) {
    if (!(err instanceof MailStoreError) || err.code !== 'EXPUNGED') throw err;
    session.reply('messageGone', { number });
    return undefined;
  }
}
