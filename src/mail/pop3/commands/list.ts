import { optionalMessage } from '../args.js';
import type { Pop3Command } from '../command.js';
import { lineBlock } from '../multiline.js';

export const list: Pop3Command<number | undefined> = {
  verb: 'LIST',
  syntax: 'LIST [msg]',
  summary: 'The size in octets of one message, or of every message not marked deleted.',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: optionalMessage('LIST [msg]'),
  handle(session, number) {
    const maildrop = session.maildrop!;
    if (number !== undefined) {
      session.reply('listOne', { number, octets: maildrop.size(number) });
      return;
    }
    const numbers = maildrop.numbers();
    session.replyWithBody('listAll', { count: numbers.length }, lineBlock(numbers.map((n) => `${n} ${maildrop.size(n)}`)));
  },
};
