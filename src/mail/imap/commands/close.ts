import { noArguments } from '../args.js';
import { defineCommand } from '../command.js';
import { SELECTED } from './states.js';
import { deselect, selectedFolder } from './user-mailbox.js';

export const close = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  syntax: 'CLOSE',
  summary: 'Closes the mailbox, silently removing the messages marked \\Deleted (unless it was opened with EXAMINE).',
  rfc: 'RFC 3501 §6.4.2',
  parse: noArguments,
  async run(session) {
    const { view } = selectedFolder(session);
    if (!view.readOnly) await view.expunge();
    deselect(session);
  },
});
