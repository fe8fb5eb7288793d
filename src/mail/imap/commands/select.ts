import { defineCommand } from '../command.js';
import { openFolder, parseSelect } from '../open-folder.js';
import { AUTHENTICATED } from './states.js';

export const select = defineCommand({
  name: 'SELECT',
  states: AUTHENTICATED,
  syntax: 'SELECT mailbox',
  summary: 'Opens a mailbox to read and change: the server tells how many messages, which flags, and the UID numbering.',
  rfc: 'RFC 3501 §6.3.1',
  parse: parseSelect,
  run: (session, name) => openFolder(session, name, false),
});
