import { atom, stringBytes } from '../args.js';
import { signIn } from '../auth.js';
import { defineCommand } from '../command.js';
import { bad, no } from '../errors.js';
import type { Token } from '../protocol/tokens.js';
import { NOT_AUTHENTICATED } from './states.js';

interface AuthenticateArgs {
  mechanism: string;
  /** SASL-IR (RFC 4959): the response on the command line; `=` stands for an empty one. */
  initial?: string;
}

function parseAuthenticate(tokens: Token[]): AuthenticateArgs {
  if (tokens.length < 1 || tokens.length > 2) throw bad('AUTHENTICATE takes a mechanism and, optionally, the initial response');
  const mechanism = atom('a SASL mechanism')(tokens[0]!).toUpperCase();
  return tokens.length === 2 ? { mechanism, initial: stringBytes('a base64 response')(tokens[1]!).toString('latin1') } : { mechanism };
}

/** PLAIN (RFC 4616): base64 of `authzid NUL authcid NUL password`. */
function decodePlain(response: string): { user: string; password: string } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) throw bad('The response is not base64');
  const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) throw bad('PLAIN wants authzid NUL user NUL password, in base64');
  const [authzid, user, password] = parts as [string, string, string];
  if (authzid !== '' && authzid !== user) throw no('Logging in as someone else (authorization identity) is not allowed');
  return { user, password };
}

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  syntax: 'AUTHENTICATE PLAIN [initial-response]',
  summary: 'Logs in with a SASL mechanism; PLAIN carries user and password in base64 (not encrypted: readable in the transcript).',
  rfc: 'RFC 3501 §6.2.2, RFC 4616, RFC 4959',
  sendsPassword: true,
  parse: parseAuthenticate,
  async run(session, { mechanism, initial }) {
    if (mechanism !== 'PLAIN') throw no(`Unsupported authentication mechanism ${mechanism}; use PLAIN`);
    let response = initial === '=' ? '' : initial;
    if (response === undefined) {
      response = await session.continuation('', true);
      if (response === undefined) throw bad('Authentication aborted: the connection ended');
      if (response.trim() === '*') throw bad('Authentication canceled');
    }
    const { user, password } = decodePlain(response.trim());
    return signIn(session, user, password);
  },
});
