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
  | { phase: 'rcpt'; greeting: Greeting; from: Path; recipients: Recipient[] };

export type Phase = SmtpState['phase'];

export function greetingOf(state: SmtpState): Greeting | undefined {
  return state.phase === 'connected' ? undefined : state.greeting;
}
