import type { SmtpCommand } from '../command.js';
import { multiline, reply } from '../replies.js';
import type { SmtpSession } from '../session.js';

function greet(session: SmtpSession, verb: 'HELO' | 'EHLO', name: string): void {
  // A new greeting resets any transaction (RFC 5321 §4.1.4).
  session.setState({ phase: 'greeted', greeting: { verb, name } });
}

function helloLine(session: SmtpSession, name: string): string {
  return reply('helo', { host: session.settings.hostname, helo: name, client: session.clientAddress }).lines[0]!;
}

export const helo: SmtpCommand = {
  verb: 'HELO',
  syntax: 'HELO hostname',
  summary: 'Say hello and give your host name (plain SMTP, no extensions).',
  rfc: 'RFC 5321 §4.1.1.1',
  args: 'required',
  syntaxReply: 'heloSyntax',
  handle(session, args) {
    greet(session, 'HELO', args);
    session.send({ code: 250, lines: [helloLine(session, args)] });
  },
};

export const ehlo: SmtpCommand = {
  verb: 'EHLO',
  syntax: 'EHLO hostname',
  summary: 'Say hello as an extended SMTP client; the server lists its extensions.',
  rfc: 'RFC 5321 §4.1.1.1',
  args: 'required',
  syntaxReply: 'heloSyntax',
  handle(session, args) {
    greet(session, 'EHLO', args);
    const s = session.settings;
    const extensions = [
      'PIPELINING',
      `SIZE ${s.maxMessageBytes}`,
      'VRFY',
      ...(session.tlsOffered ? ['STARTTLS'] : []),
      ...(session.authOffered && !session.user ? ['AUTH PLAIN LOGIN'] : []),
      'ENHANCEDSTATUSCODES',
      '8BITMIME',
      'CHUNKING',
      'SMTPUTF8',
    ];
    session.send(multiline(250, [helloLine(session, args), ...extensions]));
  },
};
