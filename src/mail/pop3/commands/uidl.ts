import { optionalMessage } from '../args.js';
import type { Pop3Command } from '../command.js';
import { lineBlock } from '../multiline.js';

export const uidl: Pop3Command<number | undefined> = {
  verb: 'UIDL',
  syntax: 'UIDL [msg]',
  summary: 'The unique id of one message or of all: clients remember it to fetch only what is new.',
  rfc: 'RFC 1939 §7',
  states: ['TRANSACTION'],
  args: optionalMessage('UIDL [msg]'),
  capability: () => 'UIDL',
  handle(session, number) {
    const maildrop = session.maildrop!;
    if (number !== undefined) {
      session.reply('uidlOne', { number, uid: maildrop.uniqueId(number) });
      return;
    }
    session.replyWithBody('uidlAll', {}, lineBlock(maildrop.numbers().map((n) => `${n} ${maildrop.uniqueId(n)}`)));
  },
};
