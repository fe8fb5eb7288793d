import type { ImapSession } from '../command.js';
import { bad } from '../errors.js';
import type { Mailbox } from '../../store/index.js';
import type { SelectedFolder } from '../selected-folder.js';

/** The logged-in user's folder tree (the gate has checked the state). */
export function userMailbox(session: ImapSession): Mailbox {
  const state = session.state;
  if (state.name !== 'authenticated' && state.name !== 'selected') throw bad('Log in first');
  return state.mailbox;
}

/** The selected mailbox (the gate has checked the state). */
export function selectedFolder(session: ImapSession): SelectedFolder {
  const state = session.state;
  if (state.name !== 'selected') throw bad('No mailbox selected');
  return state.folder;
}

/** Back from selected to authenticated (CLOSE, UNSELECT). */
export function deselect(session: ImapSession): void {
  const state = session.state;
  if (state.name === 'selected') session.setState({ name: 'authenticated', user: state.user, mailbox: state.mailbox });
}

/** Closes the selected mailbox if it is `name` (before DELETE or RENAME takes it away). */
export function deselectIf(session: ImapSession, name: string): void {
  const state = session.state;
  if (state.name === 'selected' && state.folder.view.name === name) deselect(session);
}
