import { reply } from './replies.js';
import type { SmtpSession } from './session.js';
import type { Greeting, Recipient } from './state.js';
import type { Path } from './address.js';

/** RFC 3848's name for how the message came in, for the Received header. */
function protocolName(session: SmtpSession, greeting: Greeting): string {
  if (greeting.verb === 'HELO') return 'SMTP';
  return `ESMTP${session.tlsActive ? 'S' : ''}${session.user ? 'A' : ''}`;
}

/**
 * The end of a mail transaction, after DATA's final dot or BDAT … LAST: the message is stored (the
 * acceptor answers only once it is durable), then 250 with its queue id, or 451 when it could not be.
 */
export async function takeMessage(session: SmtpSession, transaction: { greeting: Greeting; from: Path; recipients: Recipient[] }, message: Buffer): Promise<void> {
  const { greeting, from, recipients } = transaction;
  const tlsSocket = session.conn.tlsSocket;
  try {
    const accepted = await session.settings.acceptor.accept(
      {
        from: from.address,
        recipients,
        helo: greeting.name,
        clientAddress: session.clientAddress,
        protocol: protocolName(session, greeting),
        trusted: session.user !== undefined || session.settings.localNetworks.has(session.clientAddress),
        ...(session.user ? { user: session.user } : {}),
        ...(tlsSocket ? { tls: { protocol: tlsSocket.getProtocol() ?? 'TLS', cipher: tlsSocket.getCipher().name } } : {}),
      },
      message,
    );
    session.tap.note('message', `queued as ${accepted.id}: ${message.length} bytes from <${from.address}> to ${recipients.map((r) => `<${r.address}>`).join(', ')}`);
    session.send(reply('queued', { id: accepted.id }));
  } catch (err) {
    session.tap.note('error', `could not store the message: ${(err as Error).message}`);
    session.answer('writeError');
  }
}
