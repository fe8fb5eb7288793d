import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { bad } from '../errors.js';
import { AUTHENTICATED } from './states.js';

export const idle = defineCommand({
  name: 'IDLE',
  states: AUTHENTICATED,
  syntax: 'IDLE … DONE',
  summary: 'Waits for news: the server pushes EXISTS, EXPUNGE and flag changes as they happen, until the client sends DONE.',
  rfc: 'RFC 2177',
  capability: 'IDLE',
  parse: noArguments,
  async run(session) {
    const ended = await session.idle();
    if (ended === 'end') session.setState({ name: 'logout' });
    if (ended === 'bad') throw bad('IDLE ends with DONE');
    return { text: 'Idle completed.' };
  },
});
