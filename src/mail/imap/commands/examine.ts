import { defineCommand } from '../command.js';
import { openFolder, parseSelect } from '../open-folder.js';
import { AUTHENTICATED } from './states.js';

export const examine = defineCommand({
  name: 'EXAMINE',
  states: AUTHENTICATED,
  syntax: 'EXAMINE mailbox',
  summary: 'Opens a mailbox read-only: reading does not set \\Seen and nothing can be changed.',
  rfc: 'RFC 3501 §6.3.2',
  parse: parseSelect,
  run: (session, name) => openFolder(session, name, true),
});
