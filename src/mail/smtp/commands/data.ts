import type { SmtpCommand } from '../command.js';
import { takeMessage } from '../take-message.js';

export const data: SmtpCommand = {
  verb: 'DATA',
  syntax: 'DATA',
  summary: 'Send the message itself (headers, blank line, body), ended by a line with a single dot.',
  rfc: 'RFC 5321 §4.1.1.4',
  args: 'none',
  outOfSequence: { connected: 'needMail', greeted: 'needMail', mail: 'needRcpt', bdat: 'dataAfterBdat', 'bdat-discard': 'dataAfterBdat' },
  async handle(session) {
    const state = session.state;
    if (state.phase !== 'rcpt') return;
    session.answer('startData');
    const block = await session.conn.readDotBlock(session.settings.maxMessageBytes);
    if (block.kind === 'end') return;
    session.setState({ phase: 'greeted', greeting: state.greeting });
    if (block.kind === 'too-big') {
      session.answer('messageTooBig');
      return;
    }
    await takeMessage(session, state, block.data);
  },
};
