import { message } from '../args.js';
import type { Pop3Command } from '../command.js';

export const dele: Pop3Command<number> = {
  verb: 'DELE',
  syntax: 'DELE msg',
  summary: 'Mark a message for deletion; it is removed only when you QUIT.',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: message('DELE msg'),
  handle(session, number) {
    session.maildrop!.markDeleted(number);
    session.reply('deleted');
  },
};
