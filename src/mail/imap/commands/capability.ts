import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { ANY_STATE } from './states.js';

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  syntax: 'CAPABILITY',
  summary: 'Lists what this server can do; the list changes after STARTTLS and after login.',
  rfc: 'RFC 3501 §6.1.1',
  parse: noArguments,
  async run(session) {
    await session.send(`* CAPABILITY ${session.capabilities().join(' ')}\r\n`);
  },
});
