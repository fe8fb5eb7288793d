import { list, mailboxName } from '../args.js';
import { defineCommand } from '../command.js';
import { bad } from '../errors.js';
import { atom, encodeLine, type ImapValue } from '../protocol/serializer.js';
import type { Token } from '../protocol/tokens.js';
import type { FolderStatus } from '../../store/index.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

/** STATUS items (RFC 3501 §6.3.10) and where their values come from. */
const ITEMS: Record<string, keyof FolderStatus> = {
  MESSAGES: 'messages',
  RECENT: 'recent',
  UIDNEXT: 'uidNext',
  UIDVALIDITY: 'uidValidity',
  UNSEEN: 'unseen',
};

function parseStatus(tokens: Token[]): { name: string; items: string[] } {
  if (tokens.length !== 2) throw bad('STATUS needs a mailbox and a list of items');
  const items = list('status items')(tokens[1]!).map((t) => {
    const item = t.kind === 'atom' ? t.value.toUpperCase() : '';
    if (!(item in ITEMS)) throw bad(`Unknown STATUS item (use ${Object.keys(ITEMS).join(' ')})`);
    return item;
  });
  if (items.length === 0) throw bad('STATUS needs at least one item');
  return { name: mailboxName(tokens[0]!), items };
}

export const status = defineCommand({
  name: 'STATUS',
  states: AUTHENTICATED,
  syntax: 'STATUS mailbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)',
  summary: 'Counts the messages of a mailbox without selecting it.',
  rfc: 'RFC 3501 §6.3.10',
  parse: parseStatus,
  async run(session, { name, items }) {
    const counts = await userMailbox(session).status(name);
    const values: ImapValue[] = items.flatMap((item) => [atom(item), counts[ITEMS[item]!]]);
    await session.send(encodeLine('* STATUS', [name, values]));
  },
});
