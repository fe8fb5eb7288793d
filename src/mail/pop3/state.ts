import type { Maildrop } from './maildrop.js';

/**
 * The session's RFC 1939 state, carrying only what that state owns: in AUTHORIZATION the name a USER
 * command gave, in TRANSACTION and UPDATE the user and their locked maildrop.
 */
export type Pop3State =
  | { name: 'AUTHORIZATION'; pendingUser?: string }
  | { name: 'TRANSACTION'; user: string; maildrop: Maildrop }
  | { name: 'UPDATE'; user: string; maildrop: Maildrop };

export type StateName = Pop3State['name'];
