import { rest } from '../args.js';
import type { Pop3Command } from '../command.js';

/**
 * APOP (RFC 1939 §7) proves the password with MD5(timestamp + password), which the server can check
 * only if it keeps the password itself. wirelab's directory keeps scrypt hashes, so the greeting carries
 * no timestamp (APOP is not offered) and the command explains why it cannot work.
 */
export const apop: Pop3Command<string> = {
  verb: 'APOP',
  syntax: 'APOP name digest',
  summary: 'Log in with an MD5 digest instead of the password (not offered: the directory keeps only hashes).',
  rfc: 'RFC 1939 §7',
  states: ['AUTHORIZATION'],
  args: rest('APOP name digest'),
  handle(session) {
    session.reply('apopUnavailable');
  },
};
