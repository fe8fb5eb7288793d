import { positional, sequenceSet } from '../args.js';
import { defineCommand } from '../command.js';
import { no } from '../errors.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

export const uidExpunge = defineCommand({
  name: 'UID EXPUNGE',
  states: SELECTED,
  syntax: 'UID EXPUNGE uid-set',
  summary: 'Removes only the given messages, if they are marked \\Deleted (so other \\Deleted ones stay).',
  rfc: 'RFC 4315 §2.1',
  capability: 'UIDPLUS',
  parse: positional(sequenceSet),
  async run(session, [set]) {
    const folder = selectedFolder(session);
    if (folder.view.readOnly) throw no('The mailbox is read-only (opened with EXAMINE)');
    const uids = folder.resolve(set, true).map((m) => m.info.uid);
    const result = await folder.view.expunge(uids);
    for (const seq of result.sequences) await session.send(`* ${seq} EXPUNGE\r\n`);
  },
});
