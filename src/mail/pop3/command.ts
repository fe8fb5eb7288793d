import type { ReplyName } from './replies.js';
import type { Pop3Session } from './session.js';
import type { StateName } from './state.js';

/** A refusal the gate answers with instead of running the handler. */
export interface Refusal {
  reply: ReplyName;
  values?: Record<string, string | number>;
}

/** Turns a command's argument text into typed arguments, or refuses with a reply. */
export type ArgParser<A> = (text: string, session: Pop3Session) => { ok: true; value: A } | { ok: false; refusal: Refusal };

/**
 * One POP3 command, described by data: where it is allowed, its syntax, what it is for. The session's
 * gate checks the state, availability and arguments (message numbers included) before `handle` runs,
 * so handlers never re-check them.
 */
export interface Pop3Command<A> {
  verb: string;
  syntax: string;
  summary: string;
  rfc: string;
  /** States in which the command is allowed. */
  states: readonly StateName[];
  args: ArgParser<A>;
  /** Why it cannot be used in this session right now (USER without TLS when clear text is off, STLS twice …). */
  unavailable?(session: Pop3Session): Refusal | undefined;
  /** The CAPA line this command contributes in this session, if any (RFC 2449 §6). */
  capability?(session: Pop3Session): string | undefined;
  handle(session: Pop3Session, args: A): Promise<void> | void;
}
