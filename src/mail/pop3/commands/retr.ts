import { message } from '../args.js';
import type { Pop3Command } from '../command.js';
import { readOrExplain } from '../read-message.js';

export const retr: Pop3Command<number> = {
  verb: 'RETR',
  syntax: 'RETR msg',
  summary: 'Download a whole message: exactly the stored bytes, lines starting with a dot doubled.',
  rfc: 'RFC 1939 §5',
  states: ['TRANSACTION'],
  args: message('RETR msg'),
  async handle(session, number) {
    const bytes = await readOrExplain(session, number, true);
    if (bytes) session.replyWithBody('retr', { octets: bytes.length }, bytes);
  },
};
