import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { SELECTED } from './states.js';

export const check = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  syntax: 'CHECK',
  summary: 'Asks for a checkpoint of the mailbox; every change is already on disk here, so it only reports changes like NOOP.',
  rfc: 'RFC 3501 §6.4.1',
  parse: noArguments,
  async run() {
    // Nothing to write back: the store acknowledges only what is durable.
  },
});
