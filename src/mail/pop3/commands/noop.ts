import { none } from '../args.js';
import type { Pop3Command } from '../command.js';

export const noop: Pop3Command<undefined> = {
  verb: 'NOOP',
  syntax: 'NOOP',
  summary: 'Do nothing; the server answers +OK (keeps the connection alive).',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: none('NOOP'),
  handle(session) {
    session.reply('ok');
  },
};
