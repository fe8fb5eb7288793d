import { passwordsAllowed } from './capabilities.js';
import type { Completion, ImapSession, RegisteredCommand } from './command.js';
import { bad, ImapError, no } from './errors.js';
import type { Command } from './protocol/tokens.js';
import { code } from './responses.js';
import type { StateName } from './state.js';

export type BoundCommand = { definition: RegisteredCommand; run: () => Promise<Completion | void> };

/** Why a command may not run in a state, in words a person at telnet can act on. */
function wrongState(current: StateName, allowed: readonly StateName[]): string {
  if (current === 'not-authenticated') return 'Log in first (LOGIN user password)';
  if (allowed.includes('selected') && !allowed.includes('authenticated')) return 'No mailbox selected (SELECT or EXAMINE one first)';
  if (allowed.includes('not-authenticated')) return 'Already logged in';
  return 'Not allowed in this state';
}

/**
 * The one check before every handler (STYLE.md): the command exists, is allowed in this state, may
 * carry a password here, and its arguments parse. Throws the BAD or NO to answer; handlers never re-check.
 */
export function admit(commands: ReadonlyMap<string, RegisteredCommand>, command: Command, session: ImapSession): BoundCommand {
  const definition = commands.get(command.name);
  if (!definition) throw bad(`Unknown command ${command.name.slice(0, 40)}`);
  const state = session.state.name;
  if (!definition.states.includes(state)) throw bad(wrongState(state, definition.states));
  if (definition.sendsPassword && !passwordsAllowed(session)) {
    throw no('Passwords are accepted only over TLS here: STARTTLS first, or use port 993', code('PRIVACYREQUIRED'));
  }
  try {
    const bound = definition.bind(command.args);
    return { definition, run: () => bound(session, command) };
  } catch (err) {
    if (err instanceof ImapError && err.status === 'BAD') {
      throw bad(`Error in IMAP command ${definition.name}: ${err.message} (syntax: ${definition.syntax})`, err.code);
    }
    throw err;
  }
}
