import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { SELECTED } from './states.js';
import { deselect } from './user-mailbox.js';

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  syntax: 'UNSELECT',
  summary: 'Closes the mailbox without removing \\Deleted messages.',
  rfc: 'RFC 3691',
  capability: 'UNSELECT',
  parse: noArguments,
  async run(session) {
    deselect(session);
  },
});
