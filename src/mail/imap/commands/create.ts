import { mailboxName, positional } from '../args.js';
import { defineCommand } from '../command.js';
import { no } from '../errors.js';
import { code } from '../responses.js';
import { HIERARCHY_DELIMITER } from '../../store/index.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

export const create = defineCommand({
  name: 'CREATE',
  states: AUTHENTICATED,
  syntax: 'CREATE mailbox',
  summary: 'Creates a mailbox (folder), and the parents its name needs: "a.b" creates "a" too.',
  rfc: 'RFC 3501 §6.3.3',
  parse: positional(mailboxName),
  async run(session, [name]) {
    // A trailing delimiter only says the client means to create children under it (RFC 3501 §6.3.3).
    const wanted = name.endsWith(HIERARCHY_DELIMITER) ? name.slice(0, -HIERARCHY_DELIMITER.length) : name;
    if (wanted.toUpperCase() === 'INBOX') throw no('INBOX always exists', code('ALREADYEXISTS'));
    await userMailbox(session).create(wanted);
  },
});
