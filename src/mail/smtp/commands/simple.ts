import type { SmtpCommand } from '../command.js';
import { multiline } from '../replies.js';
import { COMMANDS } from './index.js';

export const rset: SmtpCommand = {
  verb: 'RSET',
  syntax: 'RSET',
  summary: 'Abort the current message; the greeting stays.',
  rfc: 'RFC 5321 §4.1.1.5',
  args: 'none',
  handle(session) {
    const state = session.state;
    if (state.phase !== 'connected') session.setState({ phase: 'greeted', greeting: state.greeting });
    session.answer('ok');
  },
};

export const noop: SmtpCommand = {
  verb: 'NOOP',
  syntax: 'NOOP',
  summary: 'Do nothing; the server answers 250 (keeps the connection alive).',
  rfc: 'RFC 5321 §4.1.1.9',
  args: 'optional',
  handle(session) {
    session.answer('ok');
  },
};

export const quit: SmtpCommand = {
  verb: 'QUIT',
  syntax: 'QUIT',
  summary: 'End the session; the server answers 221 and closes the connection.',
  rfc: 'RFC 5321 §4.1.1.10',
  args: 'optional',
  handle(session) {
    session.answer('bye');
    session.endAfterReply();
  },
};

export const help: SmtpCommand = {
  verb: 'HELP',
  syntax: 'HELP [command]',
  summary: 'List the commands, or explain one.',
  rfc: 'RFC 5321 §4.1.1.8',
  args: 'optional',
  handle(session, args) {
    const topic = COMMANDS.find((c) => c.verb === args.toUpperCase());
    if (topic) {
      session.send(multiline(214, [`2.0.0 ${topic.syntax}`, `2.0.0 ${topic.summary} (${topic.rfc})`]));
      return;
    }
    session.answer('help', { commands: COMMANDS.map((c) => c.verb).join(' ') });
  },
};

export const expn: SmtpCommand = {
  verb: 'EXPN',
  syntax: 'EXPN list',
  summary: 'Expand a mailing list — not offered, as on most servers, to keep member lists private.',
  rfc: 'RFC 5321 §3.5.2',
  args: 'optional',
  handle(session) {
    session.answer('notImplemented', { verb: 'EXPN' });
  },
};
