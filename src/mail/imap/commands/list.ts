import { defineCommand } from '../command.js';
import { HIERARCHY_DELIMITER } from '../../store/index.js';
import { parseListRequest } from '../list/list-request.js';
import { entryLine, listEntries } from '../list/listing.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

export const list = defineCommand({
  name: 'LIST',
  states: AUTHENTICATED,
  syntax: 'LIST [(SUBSCRIBED|SPECIAL-USE|RECURSIVEMATCH…)] reference pattern [RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)]',
  summary: 'Lists mailboxes whose names match a pattern: * matches anything, % stops at the "." between levels.',
  rfc: 'RFC 3501 §6.3.8, RFC 5258',
  parse: parseListRequest,
  async run(session, request) {
    if (request.patterns.length === 1 && request.patterns[0] === '' && !request.extended) {
      // An empty pattern asks only for the hierarchy delimiter and the root (RFC 3501 §6.3.8).
      await session.send(`* LIST (\\Noselect) "${HIERARCHY_DELIMITER}" ""\r\n`);
      return;
    }
    for (const entry of await listEntries(userMailbox(session), request)) await session.send(entryLine('LIST', entry));
  },
});
