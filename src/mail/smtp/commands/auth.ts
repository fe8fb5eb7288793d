import type { SmtpCommand } from '../command.js';
import { reply } from '../replies.js';
import type { SmtpSession } from '../session.js';

type Credentials = { login: string; password: string } | 'cancelled' | 'undecodable' | 'closed';

const USERNAME = Buffer.from('Username:').toString('base64');
const PASSWORD = Buffer.from('Password:').toString('base64');

/** Decodes one base64 client response; `*` cancels the exchange (RFC 4954 §4). */
function decode(text: string): Buffer | 'cancelled' | 'undecodable' {
  if (text === '*') return 'cancelled';
  if (text === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'undecodable';
  return Buffer.from(text, 'base64');
}

/** Sends a 334 challenge and reads the answer, which the tap shows only as ***. */
async function challenge(session: SmtpSession, text: string): Promise<Buffer | 'cancelled' | 'undecodable' | 'closed'> {
  session.send(reply('authContinue', { challenge: text }));
  session.expectingSecret = true;
  const line = await session.conn.readLine();
  session.expectingSecret = false;
  if (line.kind === 'end') return 'closed';
  if (line.kind === 'too-long') return 'undecodable';
  return decode(line.text.trim());
}

/** PLAIN (RFC 4616): authzid NUL authcid NUL password, possibly as an initial response. */
async function plain(session: SmtpSession, initial: string | undefined): Promise<Credentials> {
  const response = initial === undefined ? await challenge(session, '') : decode(initial);
  if (typeof response === 'string') return response;
  const parts = response.toString('utf8').split('\0');
  if (parts.length !== 3 || !parts[1]) return 'undecodable';
  return { login: parts[1], password: parts[2]! };
}

/** LOGIN (draft-murchison-sasl-login): user name and password each after its own 334. */
async function login(session: SmtpSession, initial: string | undefined): Promise<Credentials> {
  const name = initial === undefined ? await challenge(session, USERNAME) : decode(initial);
  if (typeof name === 'string') return name;
  const password = await challenge(session, PASSWORD);
  if (typeof password === 'string') return password;
  return { login: name.toString('utf8'), password: password.toString('utf8') };
}

const MECHANISMS: Record<string, (session: SmtpSession, initial: string | undefined) => Promise<Credentials>> = { PLAIN: plain, LOGIN: login };

export const auth: SmtpCommand = {
  verb: 'AUTH',
  syntax: 'AUTH mechanism [initial-response]',
  summary: 'Log in (PLAIN or LOGIN, base64). Logged-in users may send mail anywhere.',
  rfc: 'RFC 4954 §4',
  args: 'required',
  outOfSequence: { connected: 'sendHeloFirst', mail: 'inTransaction', rcpt: 'inTransaction', bdat: 'inTransaction', 'bdat-discard': 'inTransaction' },
  unavailable(session) {
    if (session.user) return 'alreadyAuthenticated';
    if (session.authOffered) return undefined;
    return session.tlsOffered ? 'tlsRequired' : 'authNotEnabled';
  },
  async handle(session, args) {
    const [name = '', initial, extra] = args.split(/\s+/);
    const mechanism: ((s: SmtpSession, i: string | undefined) => Promise<Credentials>) | undefined = MECHANISMS[name.toUpperCase()];
    if (!mechanism || extra !== undefined) {
      session.answer(mechanism === undefined ? 'mechanismUnknown' : 'syntax', { syntax: auth.syntax });
      return;
    }
    const credentials = await mechanism(session, initial);
    if (credentials === 'closed') return;
    if (credentials === 'cancelled') return session.answer('authCancelled');
    if (credentials === 'undecodable') return session.answer('authBadResponse');
    const user = await session.settings.directory.authenticate(credentials.login, credentials.password, session.settings.defaultDomain);
    if (!user) {
      session.tap.note('error', `login failed for ${credentials.login}`);
      await new Promise((resolve) => setTimeout(resolve, session.settings.authFailureDelayMs));
      session.answer('authFailed');
      return;
    }
    session.user = user.address;
    session.tap.note('user', user.address);
    session.answer('authOk');
  },
};
