import { word } from '../args.js';
import type { Pop3Command } from '../command.js';

export const user: Pop3Command<string> = {
  verb: 'USER',
  syntax: 'USER name',
  summary: 'Give your user name (the full address, or just the part before @); PASS follows.',
  rfc: 'RFC 1939 §7',
  states: ['AUTHORIZATION'],
  args: word('USER name'),
  unavailable: (session) => (session.plaintextAllowed ? undefined : { reply: 'plaintextDisallowed' }),
  capability: (session) => (session.plaintextAllowed && session.state.name === 'AUTHORIZATION' ? 'USER' : undefined),
  handle(session, name) {
    session.setState({ name: 'AUTHORIZATION', pendingUser: name });
    session.reply('userOk');
  },
};
