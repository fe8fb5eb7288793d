import { mailboxName, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

export const subscribe = defineCommand({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  syntax: 'SUBSCRIBE mailbox',
  summary: 'Adds a mailbox to the subscription list (what LSUB shows; clients show only subscribed folders).',
  rfc: 'RFC 3501 §6.3.6',
  parse: positional(mailboxName),
  async run(session, [name]) {
    await userMailbox(session).subscribe(name);
  },
});
