import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { ANY_STATE } from './states.js';

export const noop = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  syntax: 'NOOP',
  summary: 'Does nothing, which gives the server a moment to report new mail and changes (EXISTS, EXPUNGE, FETCH).',
  rfc: 'RFC 3501 §6.1.2',
  parse: noArguments,
  async run() {
    // The session announces the selected mailbox's changes after every command.
  },
});
