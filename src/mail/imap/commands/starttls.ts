import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { bad } from '../errors.js';
import { NOT_AUTHENTICATED } from './states.js';

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  syntax: 'STARTTLS',
  summary: 'Turns the connection into a TLS one; after it the client must ask for CAPABILITY again.',
  rfc: 'RFC 3501 §6.2.1',
  parse: noArguments,
  async run(session) {
    if (session.tls) throw bad('TLS is already active');
    if (!session.env.tlsOptions()) throw bad('TLS is not available: the lab has no certificate authority yet');
    return {
      text: 'Begin TLS negotiation now.',
      // Whatever the client pipelined after STARTTLS is discarded by the upgrade (CVE-2011-0411).
      after: async () => {
        if (!(await session.startTls())) session.setState({ name: 'logout' });
      },
    };
  },
});
