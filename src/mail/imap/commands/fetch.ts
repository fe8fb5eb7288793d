import { MailStoreError } from '../../store/index.js';
import { sequenceSet } from '../args.js';
import { defineCommand, type RegisteredCommand } from '../command.js';
import { bad, no } from '../errors.js';
import { parseFetchItems, type FetchItem } from '../fetch/fetch-items.js';
import { needsMessage, renderFetch } from '../fetch/render.js';
import type { SequenceSet } from '../protocol/sequence-set.js';
import type { Token } from '../protocol/tokens.js';
import { code } from '../responses.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

function parseFetch(byUid: boolean): (tokens: Token[]) => { set: SequenceSet; items: FetchItem[] } {
  return (tokens) => {
    if (tokens.length !== 2) throw bad('FETCH needs messages and items, like FETCH 1:* (FLAGS) or FETCH 1 BODY[]');
    const items = parseFetchItems(tokens[1]!);
    // UID FETCH always answers with the UID (RFC 3501 §6.4.8).
    if (byUid && !items.some((i) => i.kind === 'uid')) items.unshift({ kind: 'uid' });
    return { set: sequenceSet(tokens[0]!), items };
  };
}

function fetchCommand(byUid: boolean): RegisteredCommand {
  return defineCommand({
    name: byUid ? 'UID FETCH' : 'FETCH',
    states: SELECTED,
    syntax: `${byUid ? 'UID FETCH uid-set' : 'FETCH sequence-set'} (FLAGS UID ENVELOPE BODYSTRUCTURE BODY[section]<partial> BODY.PEEK[…] RFC822…)`,
    summary: 'Reads messages: flags, sizes, envelope, structure, or any part of the text; BODY[] without .PEEK marks them \\Seen.',
    rfc: byUid ? 'RFC 3501 §6.4.8' : 'RFC 3501 §6.4.5',
    holdsExpunges: !byUid,
    parse: parseFetch(byUid),
    async run(session, { set, items }) {
      const folder = selectedFolder(session);
      const { view } = folder;
      let targets = folder.resolve(set, byUid);
      const marked = new Set<number>();
      if (!view.readOnly && items.some((i) => i.kind === 'section' && i.setsSeen)) {
        const unseen = targets.filter((m) => !m.info.flags.includes('\\Seen')).map((m) => m.info.uid);
        if (unseen.length > 0) {
          for (const changed of await view.storeFlags(unseen, 'add', ['\\Seen'])) marked.add(changed.uid);
          targets = targets.map((m) => ({ seq: m.seq, info: view.message(m.seq) ?? m.info }));
        }
      }
      const readsMessage = items.some(needsMessage);
      let expunged = false;
      for (const ref of targets) {
        let message: Buffer | undefined;
        if (readsMessage) {
          message = view.readNow(ref.info.uid, session.allocateOutput);
          try {
            message ??= await view.read(ref.info.uid);
          } catch (err) {
            // Expunged by another session while this view still numbers it (RFC 3501 §7.4.1).
            if (!(err instanceof MailStoreError && err.code === 'EXPUNGED')) throw err;
            expunged = true;
            continue;
          }
        }
        // Waits only when a chunk of output has built up and the client is slow to take it.
        const backPressure = session.queue(renderFetch(folder, ref.seq, ref.info, items, message, marked.has(ref.info.uid), session.allocateOutput));
        if (backPressure) await backPressure;
      }
      if (expunged) throw no('Some of the messages were expunged by another session', code('EXPUNGEISSUED'));
    },
  });
}

export const fetch = fetchCommand(false);
export const uidFetch = fetchCommand(true);
