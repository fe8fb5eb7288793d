import { dateTime, flagList, mailboxName } from '../args.js';
import { defineCommand } from '../command.js';
import { bad, fromStoreError, no } from '../errors.js';
import { describeToken, type Token } from '../protocol/tokens.js';
import { code } from '../responses.js';
import { AUTHENTICATED } from './states.js';
import { userMailbox } from './user-mailbox.js';

interface AppendArgs {
  name: string;
  flags: string[];
  internalDate?: Date;
  message: Buffer;
}

function parseAppend(tokens: Token[]): AppendArgs {
  if (tokens.length < 2 || tokens.length > 4) throw bad('APPEND needs a mailbox, optional flags and date, and the message as a literal');
  const last = tokens[tokens.length - 1]!;
  if (last.kind !== 'string' || !last.literal) throw bad(`The message must be sent as a literal {size}, found ${describeToken(last)}`);
  const middle = tokens.slice(1, -1);
  let flags: string[] = [];
  let internalDate: Date | undefined;
  for (const token of middle) {
    if (token.kind === 'list' && flags.length === 0 && internalDate === undefined) flags = flagList(token);
    else if (token.kind === 'string' && internalDate === undefined) internalDate = dateTime(token);
    else throw bad(`Unexpected ${describeToken(token)}`);
  }
  const args: AppendArgs = { name: mailboxName(tokens[0]!), flags, message: last.value };
  if (internalDate) args.internalDate = internalDate;
  return args;
}

export const append = defineCommand({
  name: 'APPEND',
  states: AUTHENTICATED,
  syntax: 'APPEND mailbox [(flags)] ["date-time"] {size}',
  summary: 'Stores a new message in a mailbox (how a client saves a sent message or a draft); the reply gives its UID.',
  rfc: 'RFC 3501 §6.3.11, RFC 4315 (APPENDUID)',
  parse: parseAppend,
  async run(session, { name, flags, internalDate, message }) {
    if (message.length === 0) throw no('An empty message cannot be stored');
    try {
      const stored = await userMailbox(session).append(name, message, internalDate ? { flags, internalDate } : { flags });
      return { text: 'Append completed.', code: code('APPENDUID', `${stored.uidValidity} ${stored.uid}`) };
    } catch (err) {
      throw fromStoreError(err, true);
    }
  },
});
