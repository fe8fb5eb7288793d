import { mailboxName, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

export const unsubscribe = defineCommand({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  syntax: 'UNSUBSCRIBE mailbox',
  summary: 'Removes a mailbox from the subscription list; the mailbox itself stays.',
  rfc: 'RFC 3501 §6.3.7',
  parse: positional(mailboxName),
  async run(session, [name]) {
    await userMailbox(session).unsubscribe(name);
  },
});
