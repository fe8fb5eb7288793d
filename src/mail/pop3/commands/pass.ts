import { rest } from '../args.js';
import type { Pop3Command } from '../command.js';
import { logIn } from '../login.js';

export const pass: Pop3Command<string> = {
  verb: 'PASS',
  syntax: 'PASS password',
  summary: 'Give the password for the name sent with USER; on success the maildrop is yours (TRANSACTION).',
  rfc: 'RFC 1939 §7',
  states: ['AUTHORIZATION'],
  args: rest('PASS password'),
  unavailable(session) {
    if (!session.plaintextAllowed) return { reply: 'plaintextDisallowed' };
    return session.state.name === 'AUTHORIZATION' && session.state.pendingUser !== undefined ? undefined : { reply: 'noUserYet' };
  },
  async handle(session, password) {
    if (session.state.name !== 'AUTHORIZATION' || session.state.pendingUser === undefined) return;
    await logIn(session, session.state.pendingUser, password);
  },
};
