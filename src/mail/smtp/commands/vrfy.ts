import { domainOf, isMailbox } from '../address.js';
import type { SmtpCommand } from '../command.js';

export const vrfy: SmtpCommand = {
  verb: 'VRFY',
  syntax: 'VRFY address',
  summary: 'Ask whether a mailbox exists here.',
  rfc: 'RFC 5321 §3.5.1',
  args: 'required',
  handle(session, args) {
    const raw = args.replace(/^<(.*)>$/, '$1');
    const address = raw.includes('@') ? raw : `${raw}@${session.settings.defaultDomain}`;
    if (!isMailbox(address)) {
      session.answer('syntax', { syntax: vrfy.syntax });
      return;
    }
    if (!session.settings.localDomains.has(domainOf(address))) {
      session.answer('vrfyCannot', { address });
      return;
    }
    const user = session.settings.directory.find(address);
    if (user) session.answer('vrfyCannot', { address: user.address });
    else session.answer('userUnknown', { address });
  },
};
