import { none } from '../args.js';
import type { Pop3Command } from '../command.js';

export const stat: Pop3Command<undefined> = {
  verb: 'STAT',
  syntax: 'STAT',
  summary: 'How many messages the maildrop holds and their total size in octets (deleted ones left out).',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: none('STAT'),
  handle(session) {
    const { count, octets } = session.maildrop!.summary();
    session.reply('stat', { count, octets });
  },
};
