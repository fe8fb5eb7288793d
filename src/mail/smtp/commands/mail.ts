import { parsePath } from '../address.js';
import type { SmtpCommand } from '../command.js';

const SUPPORTED = new Set(['SIZE', 'BODY', 'SMTPUTF8', 'AUTH']);

export const mail: SmtpCommand = {
  verb: 'MAIL',
  syntax: 'MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]',
  summary: 'Start a message: give the sender (the bounce address). <> is the null sender of bounces.',
  rfc: 'RFC 5321 §4.1.1.2',
  args: 'required',
  outOfSequence: { connected: 'sendHeloFirst', mail: 'nestedMail', rcpt: 'nestedMail', bdat: 'nestedMail', 'bdat-discard': 'mailAfterBdat' },
  unavailable: (session) => (session.settings.submission && !session.user ? 'authRequired' : undefined),
  handle(session, args) {
    if (session.state.phase !== 'greeted') return;
    const parsed = parsePath(args, 'FROM');
    if (!parsed.ok) {
      if (parsed.problem === 'address') session.answer('badAddress', { role: 'sender' });
      else session.answer('syntax', { syntax: mail.syntax });
      return;
    }
    const { params } = parsed.path;
    for (const key of params.keys()) {
      if (!SUPPORTED.has(key)) {
        session.answer('badParameter', { param: key });
        return;
      }
    }
    const body = params.get('BODY');
    if (body !== undefined && (typeof body !== 'string' || !/^(7BIT|8BITMIME)$/i.test(body))) {
      session.answer('badParameter', { param: `BODY=${String(body)}` });
      return;
    }
    const size = params.get('SIZE');
    if (size !== undefined) {
      if (typeof size !== 'string' || !/^\d{1,20}$/.test(size)) {
        session.answer('syntax', { syntax: mail.syntax });
        return;
      }
      if (Number(size) > session.settings.maxMessageBytes) {
        session.answer('messageTooBig');
        return;
      }
    }
    session.setState({ phase: 'mail', greeting: session.state.greeting, from: parsed.path });
    session.answer('senderOk');
  },
};
