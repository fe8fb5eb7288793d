import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { ANY_STATE } from './states.js';

export const logout = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  syntax: 'LOGOUT',
  summary: 'Ends the session: the server says BYE, answers OK and closes the connection.',
  rfc: 'RFC 3501 §6.1.3',
  parse: noArguments,
  async run(session) {
    await session.send('* BYE Logging out\r\n');
    session.setState({ name: 'logout' });
    return { text: 'Logout completed.' };
  },
});
