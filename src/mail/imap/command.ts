import type { Environment } from './environment.js';
import type { Command, Token } from './protocol/tokens.js';
import type { ResponseCode } from './responses.js';
import type { ImapState, StateName } from './state.js';

/** How a command that succeeded is answered: `tag OK [code] text`, then `after` runs (STARTTLS starts TLS there). */
export interface Completion {
  text?: string;
  code?: ResponseCode;
  after?: () => Promise<void>;
}

/** What a command handler may do with the connection it runs on. */
export interface ImapSession {
  readonly state: ImapState;
  readonly env: Environment;
  readonly tls: boolean;
  /** The client connects from 127.0.0.0/8 or ::1 (clear-text passwords may be allowed). */
  readonly loopbackClient: boolean;
  /** The one place the state changes; the tap records every change. */
  setState(next: ImapState): void;
  capabilities(): string[];
  /** Queues response bytes (a response may come in pieces); resolves when the client is keeping up (back-pressure for big FETCHes). */
  send(data: Buffer | string | readonly Buffer[]): Promise<void>;
  /** `send` for a loop of responses: a promise to wait for only when the client is behind, else undefined. */
  queue(data: Buffer | string | readonly Buffer[]): Promise<void> | undefined;
  /** Memory for bytes about to be queued (a message read for FETCH), used again once they are written. */
  readonly allocateOutput: (bytes: number) => Buffer;
  /** Sends `+ text` and returns the client's next line (AUTHENTICATE); `secret` keeps it out of the transcript. */
  continuation(text: string, secret: boolean): Promise<string | undefined>;
  /** IDLE (RFC 2177): pushes mailbox changes until the client sends DONE. Returns what ended it. */
  idle(): Promise<'done' | 'bad' | 'end'>;
  /** Starts TLS on the connection (after the tagged OK of STARTTLS). */
  startTls(): Promise<boolean>;
  /** Sends the untagged EXPUNGE/EXISTS/FETCH updates other sessions caused (RFC 3501 §7.3, §7.4). */
  announceChanges(options: { expunge: boolean }): Promise<void>;
}

/** A command module: its name and grammar, where it may run, and what it does. */
export interface CommandDefinition<Args> {
  /** `FETCH`, `UID FETCH`… */
  name: string;
  states: readonly StateName[];
  /** The grammar, shown in BAD replies: `LOGIN user password`. */
  syntax: string;
  summary: string;
  /** Where it is specified: `RFC 3501 §6.2.3`. */
  rfc: string;
  /** The CAPABILITY it adds, for extensions (`IDLE`, `MOVE`…). */
  capability?: string;
  /** LOGIN and AUTHENTICATE: refused while LOGINDISABLED (clear text not allowed). */
  sendsPassword?: boolean;
  /** FETCH, STORE and SEARCH must not announce EXPUNGE while they run (RFC 3501 §7.4.1). */
  holdsExpunges?: boolean;
  /** Turns the arguments into typed values, or throws a BAD saying what is wrong. */
  parse(args: Token[]): Args;
  run(session: ImapSession, args: Args, command: Command): Promise<Completion | void>;
}

export type CommandInfo = Omit<CommandDefinition<unknown>, 'parse' | 'run'>;

/** A registered command with its argument type hidden: the gate binds arguments, the session runs the result. */
export interface RegisteredCommand extends CommandInfo {
  bind(args: Token[]): (session: ImapSession, command: Command) => Promise<Completion | void>;
}

export function defineCommand<Args>(definition: CommandDefinition<Args>): RegisteredCommand {
  const { parse, run, ...info } = definition;
  return {
    ...info,
    bind(tokens) {
      const args = parse(tokens);
      return (session, command) => run(session, args, command);
    },
  };
}
