import { MailStoreError } from '../store/index.js';
import type { Pop3Session } from './session.js';

/**
 * A message's bytes for RETR/TOP, or undefined after answering -ERR when an IMAP session expunged it
 * meanwhile. Small messages come back at once, without a promise: most RETRs take that path.
 */
export function readOrExplain(session: Pop3Session, number: number, markRetrieved: boolean): Buffer | Promise<Buffer | undefined> {
  return session.maildrop!.readNow(number, markRetrieved, session.allocateOutput) ?? readOrExplainLater(session, number, markRetrieved);
}

async function readOrExplainLater(session: Pop3Session, number: number, markRetrieved: boolean): Promise<Buffer | undefined> {
  try {
    return await session.maildrop!.read(number, markRetrieved);
  } catch (err) {
    if (!(err instanceof MailStoreError) || err.code !== 'EXPUNGED') throw err;
    session.reply('messageGone', { number });
    return undefined;
  }
}
