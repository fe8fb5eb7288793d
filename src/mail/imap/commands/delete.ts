import { mailboxName, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { no } from '../errors.js';
import { code } from '../responses.js';
import { AUTHENTICATED } from './states.js';
import { deselectIf, userMailbox } from './user-mailbox.js';

export const deleteCommand = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  syntax: 'DELETE mailbox',
  summary: 'Deletes a mailbox and the messages in it (not INBOX; a folder with sub-folders must lose them first).',
  rfc: 'RFC 3501 §6.3.4',
  parse: positional(mailboxName),
  async run(session, [name]) {
    if (name === 'INBOX') throw no('INBOX cannot be deleted', code('CANNOT'));
    deselectIf(session, name);
    await userMailbox(session).delete(name);
  },
});
