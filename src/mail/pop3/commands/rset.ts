import { none } from '../args.js';
import type { Pop3Command } from '../command.js';

export const rset: Pop3Command<undefined> = {
  verb: 'RSET',
  syntax: 'RSET',
  summary: 'Undo every deletion mark of this session.',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: none('RSET'),
  handle(session) {
    session.maildrop!.reset();
    session.reply('reset');
  },
};
