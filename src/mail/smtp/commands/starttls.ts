import type { SmtpCommand } from '../command.js';

export const starttls: SmtpCommand = {
  verb: 'STARTTLS',
  syntax: 'STARTTLS',
  summary: 'Switch this connection to TLS; afterwards the client must say EHLO again.',
  rfc: 'RFC 3207 §4',
  args: 'none',
  outOfSequence: { connected: 'sendHeloFirst', mail: 'inTransaction', rcpt: 'inTransaction', bdat: 'inTransaction', 'bdat-discard': 'inTransaction' },
  unavailable(session) {
    if (session.tlsActive) return 'tlsAlready';
    return session.settings.tls() ? undefined : 'tlsUnavailable';
  },
  async handle(session) {
    const options = session.settings.tls();
    if (!options) return;
    session.answer('readyTls');
    await session.conn.flush();
    if (!(await session.conn.upgradeToTls(options))) {
      session.endAfterReply();
      return;
    }
    // RFC 3207 §4.2: forget everything learned before TLS, the greeting and any login included.
    session.user = undefined;
    session.setState({ phase: 'connected' });
  },
};
