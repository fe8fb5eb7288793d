import { none } from '../args.js';
import type { Pop3Command } from '../command.js';

export const quit: Pop3Command<undefined> = {
  verb: 'QUIT',
  syntax: 'QUIT',
  summary: 'End the session; after login this is the UPDATE state, where marked messages are really removed.',
  rfc: 'RFC 1939 §6',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  args: none('QUIT'),
  async handle(session) {
    session.endAfterReply();
    if (session.state.name !== 'TRANSACTION') {
      session.reply('byeAuthorization');
      return;
    }
    const { user, maildrop } = session.state;
    session.setState({ name: 'UPDATE', user, maildrop });
    const deleting = maildrop.hasDeletions;
    // The reply comes only once the removals are durable: +OK means the messages are gone.
    const committed = await maildrop.commit().catch((err: unknown) => {
      session.tap.note('error', `UPDATE failed: ${(err as Error).message}`);
      return false;
    });
    // The lock goes before the +OK, so a client that reconnects at once finds its maildrop free.
    await maildrop.close();
    session.reply(!committed ? 'notRemoved' : deleting ? 'byeDeleted' : 'bye');
  },
};
