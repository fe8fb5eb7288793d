import { none } from '../args.js';
import type { Pop3Command } from '../command.js';

export const stls: Pop3Command<undefined> = {
  verb: 'STLS',
  syntax: 'STLS',
  summary: 'Switch this connection to TLS before logging in, so the password is not sent in clear.',
  rfc: 'RFC 2595 §4',
  states: ['AUTHORIZATION'],
  args: none('STLS'),
  unavailable(session) {
    if (session.tlsActive) return { reply: 'tlsActive' };
    return session.settings.tls() ? undefined : { reply: 'tlsUnavailable' };
  },
  capability: (session) => (session.tlsOffered && session.state.name === 'AUTHORIZATION' ? 'STLS' : undefined),
  async handle(session) {
    const options = session.settings.tls();
    if (!options) return;
    session.reply('beginTls');
    await session.conn.flush();
    if (!(await session.conn.upgradeToTls(options))) {
      session.endAfterReply();
      return;
    }
    // Whatever was said before TLS (a USER name) is forgotten (RFC 2595 §4).
    session.setState({ name: 'AUTHORIZATION' });
  },
};
