import { bad } from '../errors.js';
import { defineCommand } from '../command.js';
import { describeToken, type Token } from '../protocol/tokens.js';
import { ResponseBuilder } from '../protocol/serializer.js';
import { ANY_STATE } from './states.js';

/** What the server tells a client that sends ID. */
const SERVER_ID = ['name', 'wirelab', 'vendor', 'wirelab', 'support-url', 'https://github.com/wirelab'];

function parseId(tokens: Token[]): string[] | null {
  if (tokens.length !== 1) throw bad('ID takes one argument: a list of field/value pairs, or NIL');
  const [arg] = tokens as [Token];
  if (arg.kind === 'atom' && arg.value.toUpperCase() === 'NIL') return null;
  if (arg.kind !== 'list' || arg.items.length % 2 !== 0 || arg.items.length > 60) throw bad('ID wants (field value …) with at most 30 pairs, or NIL');
  return arg.items.map((item) => {
    if (item.kind === 'string') return item.value.toString('utf8');
    if (item.kind === 'atom') return item.value.toUpperCase() === 'NIL' ? '' : item.value;
    throw bad(`Expected a string in ID, found ${describeToken(item)}`);
  });
}

export const id = defineCommand({
  name: 'ID',
  states: ANY_STATE,
  syntax: 'ID ("name" "client" "version" "1.0" …) | ID NIL',
  summary: 'Client and server tell each other what software they are.',
  rfc: 'RFC 2971',
  capability: 'ID',
  parse: parseId,
  async run(session, fields) {
    if (fields) session.env.log.debug(`client ID: ${fields.join(' ')}`);
    await session.send(new ResponseBuilder().raw('* ID ').list(SERVER_ID).raw('\r\n').build());
  },
});
