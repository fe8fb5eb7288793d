import { bad } from '../errors.js';
import { defineCommand } from '../command.js';
import type { Token } from '../protocol/tokens.js';


function parseEnable(tokens: Token[]): string[] {
  if (tokens.length === 0) throw bad('ENABLE needs at least one capability name');
  return tokens.map((t) => {
    if (t.kind !== 'atom') throw bad('ENABLE takes capability names');
    return t.value.toUpperCase();
  });
}

export const enable = defineCommand({
  name: 'ENABLE',
  // Only before a mailbox is selected (RFC 5161 §3.1).
  states: ['authenticated'],
  syntax: 'ENABLE capability…',
  summary: 'Turns on extensions that change how the server answers; the ENABLED reply lists those it turned on.',
  rfc: 'RFC 5161',
  capability: 'ENABLE',
  parse: parseEnable,
  async run(session) {
    // wirelab offers none of the extensions that need enabling (CONDSTORE, QRESYNC, UTF8=ACCEPT),
    // so the answer names none: the client goes on without them (RFC 5161 §3.1).
    await session.send('* ENABLED\r\n');
  },
});
