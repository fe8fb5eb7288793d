import { mechanism } from '../args.js';
import type { Pop3Command } from '../command.js';
import { logIn } from '../login.js';
import { lineBlock } from '../multiline.js';
import type { Pop3Session } from '../session.js';

const MECHANISMS = ['PLAIN'];

type Response = Buffer | 'aborted' | 'undecodable' | 'closed';

/** A base64 SASL response; `*` cancels (RFC 5034 §4), `=` is an empty initial response. */
function decode(text: string): Exclude<Response, 'closed'> {
  if (text === '*') return 'aborted';
  if (text === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'undecodable';
  return Buffer.from(text, 'base64');
}

/** Sends the empty challenge "+ " and reads the client's response, which the tap shows only as ***. */
async function challenge(session: Pop3Session): Promise<Response> {
  session.conn.write('+ \r\n');
  session.expectingSecret = true;
  const line = await session.conn.readLine();
  session.expectingSecret = false;
  if (line.kind === 'end') return 'closed';
  if (line.kind === 'too-long') return 'undecodable';
  return decode(line.text.trim());
}

export const auth: Pop3Command<{ mechanism?: string; initial?: string }> = {
  verb: 'AUTH',
  syntax: 'AUTH PLAIN [initial-response]',
  summary: 'Log in with SASL PLAIN: base64 of authzid NUL user NUL password. AUTH alone lists the mechanisms.',
  rfc: 'RFC 5034 §4',
  states: ['AUTHORIZATION'],
  args: mechanism('AUTH PLAIN [initial-response]'),
  unavailable: (session) => (session.plaintextAllowed ? undefined : { reply: 'plaintextDisallowed' }),
  capability: (session) => (session.plaintextAllowed && session.state.name === 'AUTHORIZATION' ? `SASL ${MECHANISMS.join(' ')}` : undefined),
  async handle(session, { mechanism: name, initial }) {
    if (name === undefined) {
      session.replyWithBody('mechanisms', {}, lineBlock(MECHANISMS));
      return;
    }
    if (!MECHANISMS.includes(name)) {
      session.reply('mechanismUnknown');
      return;
    }
    const response = initial === undefined ? await challenge(session) : decode(initial);
    if (response === 'closed') return;
    if (response === 'aborted') return session.reply('authAborted');
    if (response === 'undecodable') return session.reply('authBadResponse');
    // RFC 4616: [authzid] NUL authcid NUL passwd. Acting for another user (authzid) is not offered.
    const [authzid, authcid, password, extra] = response.toString('utf8').split('\0');
    if (authcid === undefined || password === undefined || extra !== undefined || authcid === '') return session.reply('authBadResponse');
    if (authzid !== '' && authzid !== authcid) return session.reply('authFailed');
    await logIn(session, authcid, password);
  },
};
