import { mailboxName, positional, sequenceSet } from '../args.js';
import { defineCommand, type RegisteredCommand } from '../command.js';
import { fromStoreError, no } from '../errors.js';
import { statusLine } from '../responses.js';
import type { MoveResult } from '../../store/index.js';
import { copyUidCode } from './copy.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

function moveCommand(byUid: boolean): RegisteredCommand {
  return defineCommand({
    name: byUid ? 'UID MOVE' : 'MOVE',
    states: SELECTED,
    syntax: `${byUid ? 'UID MOVE uid-set' : 'MOVE sequence-set'} mailbox`,
    summary: 'Moves messages to another mailbox in one step (copy, then expunge here, without marking them \\Deleted).',
    rfc: 'RFC 6851',
    capability: 'MOVE',
    parse: positional(sequenceSet, mailboxName),
    async run(session, [set, target]) {
      const folder = selectedFolder(session);
      if (folder.view.readOnly) throw no('The mailbox is read-only (opened with EXAMINE)');
      const uids = folder.resolve(set, byUid).map((m) => m.info.uid);
      let result: MoveResult;
      try {
        result = await folder.view.move(uids, target);
      } catch (err) {
        throw fromStoreError(err, true);
      }
      // COPYUID comes in an untagged OK before the EXPUNGEs (RFC 6851 §4.3).
      const copyUid = copyUidCode(result);
      if (copyUid) await session.send(statusLine('*', 'OK', 'Moved UIDs.', copyUid));
      for (const seq of result.expunged.sequences) await session.send(`* ${seq} EXPUNGE\r\n`);
      return { text: 'Move completed.' };
    },
  });
}

export const move = moveCommand(false);
export const uidMove = moveCommand(true);
