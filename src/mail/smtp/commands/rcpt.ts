import { domainOf, parsePath } from '../address.js';
import type { SmtpCommand } from '../command.js';
import { routeRecipient } from '../policy.js';

export const rcpt: SmtpCommand = {
  verb: 'RCPT',
  syntax: 'RCPT TO:<address>',
  summary: 'Name a recipient; repeat for each one.',
  rfc: 'RFC 5321 §4.1.1.3',
  args: 'required',
  outOfSequence: { connected: 'needMail', greeted: 'needMail', bdat: 'rcptAfterBdat', 'bdat-discard': 'needMail' },
  async handle(session, args) {
    const state = session.state;
    if (state.phase !== 'mail' && state.phase !== 'rcpt') return;
    const parsed = parsePath(args, 'TO');
    if (!parsed.ok) {
      if (parsed.problem === 'address') session.answer('badAddress', { role: 'recipient' });
      else session.answer('syntax', { syntax: rcpt.syntax });
      return;
    }
    const [unsupported] = parsed.path.params.keys();
    if (unsupported !== undefined) {
      session.answer('badParameter', { param: unsupported });
      return;
    }
    const recipients = state.phase === 'rcpt' ? state.recipients : [];
    if (recipients.length >= session.settings.maxRecipients) {
      session.answer('tooManyRecipients');
      return;
    }
    const raw = parsed.path.address;
    const address = raw.includes('@') ? `${raw.slice(0, raw.lastIndexOf('@'))}@${domainOf(raw)}` : `${raw.toLowerCase()}@${session.settings.defaultDomain}`;
    const verdict = routeRecipient(session.settings, { address, clientAddress: session.clientAddress, user: session.user });
    if ('reject' in verdict) {
      session.answer(verdict.reject, { address });
      return;
    }
    const route = verdict.route;
    session.setState({
      phase: 'rcpt',
      greeting: state.greeting,
      from: state.from,
      recipients: [...recipients.filter((r) => r.address !== verdict.address), { address: verdict.address, route }],
    });
    session.answer('recipientOk');
  },
};
