import { none } from '../args.js';
import type { Pop3Command } from '../command.js';
import { lineBlock } from '../multiline.js';

export const capa: Pop3Command<undefined> = {
  verb: 'CAPA',
  syntax: 'CAPA',
  summary: 'List what this server can do here and now (TOP, UIDL, USER, SASL, STLS …).',
  rfc: 'RFC 2449 §5',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  args: none('CAPA'),
  // Dovecot lists CAPA itself first; clients that probe for it find it.
  capability: () => 'CAPA',
  handle(session) {
    session.replyWithBody('capa', {}, lineBlock(session.capabilities()));
  },
};
