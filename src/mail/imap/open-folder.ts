import type { Completion, ImapSession } from './command.js';
import { bad } from './errors.js';
import { SelectedFolder } from './selected-folder.js';
import { code } from './responses.js';
import { mailboxName } from './args.js';
import type { Token } from './protocol/tokens.js';

/** SELECT/EXAMINE mailbox [(CONDSTORE)]: the parameter list is accepted empty only (no CONDSTORE here). */
export function parseSelect(tokens: Token[]): string {
  if (tokens.length === 0) throw bad('Missing mailbox name');
  if (tokens.length > 2) throw bad('Too many arguments');
  const extra = tokens[1];
  if (extra && !(extra.kind === 'list' && extra.items.length === 0)) throw bad('SELECT parameters (CONDSTORE, QRESYNC) are not supported here');
  return mailboxName(tokens[0]!);
}

/**
 * Opens a mailbox for SELECT (read-write) or EXAMINE (read-only), sending what RFC 3501 §6.3.1 lists
 * and clients rely on: FLAGS, PERMANENTFLAGS, EXISTS, RECENT, UNSEEN, UIDVALIDITY, UIDNEXT.
 * The previous mailbox is closed first, even if this one cannot be opened.
 */
export async function openFolder(session: ImapSession, name: string, readOnly: boolean): Promise<Completion> {
  const state = session.state;
  if (state.name !== 'authenticated' && state.name !== 'selected') throw bad('Log in first');
  const { user, mailbox } = state;
  if (state.name === 'selected') session.setState({ name: 'authenticated', user, mailbox });
  const view = await mailbox.open(name, { readOnly });
  const folder = new SelectedFolder(view);
  for (const line of folder.flagLines()) await session.send(line);
  await session.send(`* ${view.exists} EXISTS\r\n* ${view.recent} RECENT\r\n`);
  const firstUnseen = view.messages().findIndex((m) => !m.flags.includes('\\Seen'));
  if (firstUnseen !== -1) await session.send(`* OK [UNSEEN ${firstUnseen + 1}] First unseen.\r\n`);
  await session.send(`* OK [UIDVALIDITY ${view.uidValidity}] UIDs valid\r\n* OK [UIDNEXT ${view.uidNext}] Predicted next UID\r\n`);
  session.setState({ name: 'selected', user, mailbox, folder });
  return readOnly ? { text: 'Examine completed.', code: code('READ-ONLY') } : { text: 'Select completed.', code: code('READ-WRITE') };
}
