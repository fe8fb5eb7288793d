import type { RegisteredCommand } from '../command.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { check } from './check.js';
import { close } from './close.js';
import { copy, uidCopy } from './copy.js';
import { create } from './create.js';
import { deleteCommand } from './delete.js';
import { enable } from './enable.js';
import { examine } from './examine.js';
import { expunge } from './expunge.js';
import { fetch, uidFetch } from './fetch.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { lsub } from './lsub.js';
import { move, uidMove } from './move.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { rename } from './rename.js';
import { search, uidSearch } from './search.js';
import { select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store, uidStore } from './store.js';
import { subscribe } from './subscribe.js';
import { uidExpunge } from './uid-expunge.js';
import { unselect } from './unselect.js';
import { unsubscribe } from './unsubscribe.js';

/** Every IMAP command, in RFC 3501 §6 order, then the extensions; the gate's dispatch table and the CAPABILITY source. */
export const IMAP_COMMANDS: readonly RegisteredCommand[] = [
  capability,
  noop,
  logout,
  starttls,
  authenticate,
  login,
  select,
  examine,
  create,
  deleteCommand,
  rename,
  subscribe,
  unsubscribe,
  list,
  lsub,
  status,
  append,
  check,
  close,
  expunge,
  search,
  fetch,
  store,
  copy,
  uidSearch,
  uidFetch,
  uidStore,
  uidCopy,
  uidExpunge,
  move,
  uidMove,
  idle,
  namespace,
  id,
  enable,
  unselect,
];
