import { messageAndLines } from '../args.js';
import type { Pop3Command } from '../command.js';
import { readOrExplain } from '../read-message.js';
import { topOf } from '../multiline.js';

export const top: Pop3Command<{ number: number; lines: number }> = {
  verb: 'TOP',
  syntax: 'TOP msg n',
  summary: 'The header of a message and the first n lines of its body (does not mark it read).',
  rfc: 'RFC 1939 §7',
  states: ['TRANSACTION'],
  args: messageAndLines('TOP msg n'),
  capability: () => 'TOP',
  async handle(session, { number, lines }) {
    const bytes = await readOrExplain(session, number, false);
    if (bytes) session.replyWithBody('top', {}, topOf(bytes, lines));
  },
};
