import { astring, positional } from '../args.js';
import { signIn } from '../auth.js';
import { defineCommand } from '../command.js';
import { NOT_AUTHENTICATED } from './states.js';

export const login = defineCommand({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  syntax: 'LOGIN user password',
  summary: 'Logs in with a user name and a password sent as they are (watch them in the transcript: use TLS outside the lab).',
  rfc: 'RFC 3501 §6.2.3',
  sendsPassword: true,
  parse: positional(astring('a user name'), astring('a password')),
  run: (session, [user, password]) => signIn(session, user, password),
});
