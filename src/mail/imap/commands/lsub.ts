import { astring, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { entryLine, lsubEntries } from '../list/listing.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

export const lsub = defineCommand({
  name: 'LSUB',
  states: AUTHENTICATED,
  syntax: 'LSUB reference pattern',
  summary: 'Lists the subscribed mailboxes whose names match a pattern.',
  rfc: 'RFC 3501 §6.3.9',
  parse: positional(astring('a reference'), astring('a pattern')),
  async run(session, [reference, pattern]) {
    for (const entry of await lsubEntries(userMailbox(session), reference, pattern)) await session.send(entryLine('LSUB', entry));
  },
});
