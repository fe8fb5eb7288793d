import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { HIERARCHY_DELIMITER } from '../../store/index.js';
import { AUTHENTICATED } from './states.js';

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  syntax: 'NAMESPACE',
  summary: 'Says where personal, other users\' and shared folders live: here one personal namespace with "." between levels.',
  rfc: 'RFC 2342',
  capability: 'NAMESPACE',
  parse: noArguments,
  async run(session) {
    await session.send(`* NAMESPACE (("" "${HIERARCHY_DELIMITER}")) NIL NIL\r\n`);
  },
});
