import { mailboxName, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { AUTHENTICATED } from './states.js';
import { deselectIf, userMailbox } from './user-mailbox.js';

export const rename = defineCommand({
  name: 'RENAME',
  states: AUTHENTICATED,
  syntax: 'RENAME mailbox newname',
  summary: 'Renames a mailbox with its sub-folders; renaming INBOX moves its messages to a new folder and leaves INBOX empty.',
  rfc: 'RFC 3501 §6.3.5',
  parse: positional(mailboxName, mailboxName),
  async run(session, [from, to]) {
    deselectIf(session, from);
    await userMailbox(session).rename(from, to);
  },
});
