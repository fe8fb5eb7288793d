import { matches, needsContent, SearchableMessage, type SearchCandidate } from '../../mime/index.js';
import { MailStoreError } from '../../store/index.js';
import { defineCommand, type RegisteredCommand } from '../command.js';
import { parseSearch } from '../search/parse-search.js';
import { SELECTED } from './states.js';
import { selectedFolder } from './user-mailbox.js';

function searchCommand(byUid: boolean): RegisteredCommand {
  return defineCommand({
    name: byUid ? 'UID SEARCH' : 'SEARCH',
    states: SELECTED,
    syntax: `${byUid ? 'UID SEARCH' : 'SEARCH'} [CHARSET UTF-8] key… (ALL, UNSEEN, FROM x, SUBJECT x, SINCE 1-Feb-2024, OR a b, NOT a, …)`,
    summary: 'Finds the messages matching all the keys; the answer lists their numbers (UIDs with UID SEARCH).',
    rfc: byUid ? 'RFC 3501 §6.4.8' : 'RFC 3501 §6.4.4',
    holdsExpunges: !byUid,
    parse: parseSearch,
    async run(session, key) {
      const folder = selectedFolder(session);
      const messages = folder.view.messages();
      const scope = { maxSequence: messages.length, maxUid: messages.length > 0 ? messages[messages.length - 1]!.uid : 0 };
      const readsContent = needsContent(key);
      const found: number[] = [];
      for (const [i, info] of messages.entries()) {
        const candidate: SearchCandidate = {
          sequence: i + 1,
          uid: info.uid,
          flags: info.flags,
          recent: folder.view.isRecent(info.uid),
          internalDate: info.internalDate,
          size: info.size,
        };
        let content: SearchableMessage | undefined;
        if (readsContent) {
          try {
            content = new SearchableMessage(await folder.view.read(info.uid));
          } catch (err) {
            // A message another session expunged meanwhile matches nothing (RFC 3501 §7.4.1 keeps it numbered).
            if (err instanceof MailStoreError && err.code === 'EXPUNGED') continue;
            throw err;
          }
        }
        if (matches(key, candidate, scope, content)) found.push(byUid ? info.uid : i + 1);
      }
      await session.send(`* SEARCH${found.map((n) => ` ${n}`).join('')}\r\n`);
    },
  });
}

export const search = searchCommand(false);
export const uidSearch = searchCommand(true);
