import type { Path } from './address.js';

/** Where a recipient's copy goes: a mailbox here, or the outbound queue. */
export type Route = 'local' | 'relay';

export interface Recipient {
  address: string;
  route: Route;
}

export interface Greeting {
  verb: 'HELO' | 'EHLO';
  name: string;
}

/**
 * The session's place in RFC 5321 §4.1.4's command order. Each phase carries only what it owns:
 * the greeting once said, the sender once a transaction began, the recipients accepted so far.
 */
export type SmtpState =
  | { phase: 'connected' }
  | { phase: 'greeted'; greeting: Greeting }
  | { phase: 'mail'; greeting: Greeting; from: Path }
  | { phase: 'rcpt'; greeting: Greeting; from: Path; recipients: Recipient[] }
  /** BDAT chunks received so far of a message not ended by LAST yet (RFC 3030). */
  | { phase: 'bdat'; greeting: Greeting; from: Path; recipients: Recipient[]; chunks: Buffer[]; bytes: number }
  /** A BDAT was refused: the rest of its chunks, up to LAST, are read and thrown away (as Postfix does). */
  | { phase: 'bdat-discard'; greeting: Greeting };

export type Phase = SmtpState['phase'];

export function greetingOf(state: SmtpState): Greeting | undefined {
  return state.phase === 'connected' ? undefined : state.greeting;
}
