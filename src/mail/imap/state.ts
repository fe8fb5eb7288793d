import type { Mailbox } from '../store/index.js';
import type { SelectedFolder } from './selected-folder.js';

/** The connection states of RFC 3501 §3, each carrying only what it owns. */
export type ImapState =
  | { name: 'not-authenticated' }
  | { name: 'authenticated'; user: string; mailbox: Mailbox }
  | { name: 'selected'; user: string; mailbox: Mailbox; folder: SelectedFolder }
  | { name: 'logout' };

export type StateName = ImapState['name'];

/** What a state is called in replies and in the tap. */
export function describeState(state: ImapState): string {
  switch (state.name) {
    case 'not-authenticated':
      return 'not authenticated';
    case 'authenticated':
      return `authenticated as ${state.user}`;
    case 'selected':
      return `authenticated as ${state.user}, ${state.folder.view.readOnly ? 'examining' : 'selected'} ${state.folder.view.name}`;
    case 'logout':
      return 'logout';
  }
}
