import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { no } from '../errors.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

export const expunge = defineCommand({
  name: 'EXPUNGE',
  states: SELECTED,
  syntax: 'EXPUNGE',
  summary: 'Removes every message marked \\Deleted; each removal is announced as "* n EXPUNGE", renumbering the rest.',
  rfc: 'RFC 3501 §6.4.3',
  parse: noArguments,
  async run(session) {
    const { view } = selectedFolder(session);
    if (view.readOnly) throw no('The mailbox is read-only (opened with EXAMINE)');
    const result = await view.expunge();
    for (const seq of result.sequences) await session.send(`* ${seq} EXPUNGE\r\n`);
  },
});
