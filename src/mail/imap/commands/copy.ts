import { mailboxName, positional, sequenceSet } from '../args.js';
import { defineCommand, type RegisteredCommand } from '../command.js';
import { fromStoreError } from '../errors.js';
import { formatSequence } from '../protocol/sequence-set.js';
import { code } from '../responses.js';
import type { CopyResult } from '../../store/index.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

/** `[COPYUID validity source-uids target-uids]` (RFC 4315 §3), or nothing when no message was copied. */
export function copyUidCode(result: CopyResult): ReturnType<typeof code> | undefined {
  if (result.pairs.length === 0) return undefined;
  const sources = formatSequence(result.pairs.map(([source]) => source));
  const targets = formatSequence(result.pairs.map(([, target]) => target));
  return code('COPYUID', `${result.uidValidity} ${sources} ${targets}`);
}

function copyCommand(byUid: boolean): RegisteredCommand {
  return defineCommand({
    name: byUid ? 'UID COPY' : 'COPY',
    states: SELECTED,
    syntax: `${byUid ? 'UID COPY uid-set' : 'COPY sequence-set'} mailbox`,
    summary: 'Copies messages, with their flags, into another mailbox; the reply maps old UIDs to new ones.',
    rfc: byUid ? 'RFC 3501 §6.4.8, RFC 4315' : 'RFC 3501 §6.4.7, RFC 4315',
    parse: positional(sequenceSet, mailboxName),
    async run(session, [set, target]) {
      const folder = selectedFolder(session);
      const uids = folder.resolve(set, byUid).map((m) => m.info.uid);
      let result: CopyResult;
      try {
        result = await folder.view.copy(uids, target);
      } catch (err) {
        throw fromStoreError(err, true);
      }
      const copyUid = copyUidCode(result);
      return copyUid ? { text: 'Copy completed.', code: copyUid } : { text: 'Copy completed.' };
    },
  });
}

export const copy = copyCommand(false);
export const uidCopy = copyCommand(true);
