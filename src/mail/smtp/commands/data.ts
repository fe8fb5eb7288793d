import type { SmtpCommand } from '../command.js';
import { reply } from '../replies.js';
import type { SmtpSession } from '../session.js';
import { greetingOf } from '../state.js';

/** RFC 3848's name for how the message came in, for the Received header. */
function protocolName(session: SmtpSession): string {
  if (greetingOf(session.state)?.verb === 'HELO') return 'SMTP';
  return `ESMTP${session.tlsActive ? 'S' : ''}${session.user ? 'A' : ''}`;
}

export const data: SmtpCommand = {
  verb: 'DATA',
  syntax: 'DATA',
  summary: 'Send the message itself (headers, blank line, body), ended by a line with a single dot.',
  rfc: 'RFC 5321 §4.1.1.4',
  args: 'none',
  outOfSequence: { connected: 'needMail', greeted: 'needMail', mail: 'needRcpt' },
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
    const tlsSocket = session.conn.tlsSocket;
    try {
      const accepted = await session.settings.acceptor.accept(
        {
          from: state.from.address,
          recipients: state.recipients,
          helo: state.greeting.name,
          clientAddress: session.clientAddress,
          protocol: protocolName(session),
          trusted: session.user !== undefined || session.settings.localNetworks.has(session.clientAddress),
          ...(session.user ? { user: session.user } : {}),
          ...(tlsSocket ? { tls: { protocol: tlsSocket.getProtocol() ?? 'TLS', cipher: tlsSocket.getCipher().name } } : {}),
        },
        block.data,
      );
      session.tap.note('message', `queued as ${accepted.id}: ${block.data.length} bytes from <${state.from.address}> to ${state.recipients.map((r) => `<${r.address}>`).join(', ')}`);
      session.send(reply('queued', { id: accepted.id }));
    } catch (err) {
      session.tap.note('error', `could not store the message: ${(err as Error).message}`);
      session.answer('writeError');
    }
  },
};
