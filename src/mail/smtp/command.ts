import type { ReplyName } from './replies.js';
import type { SmtpSession } from './session.js';
import type { Phase } from './state.js';

/**
 * One SMTP command, described by data. The session's gate checks the phase, the arguments and
 * availability before `handle` runs, so handlers never re-check them.
 */
export interface SmtpCommand {
  verb: string;
  /** As HELP and syntax errors show it. */
  syntax: string;
  summary: string;
  rfc: string;
  /** The reply for each phase in which the command is out of sequence; absent phases allow it. */
  outOfSequence?: Partial<Record<Phase, ReplyName>>;
  /** `required`: a command without arguments gets `syntaxReply`; `none`: arguments get it. */
  args: 'none' | 'required' | 'optional';
  syntaxReply?: ReplyName;
  /** Why the command cannot be used in this session right now (AUTH without TLS, STARTTLS twice …). */
  unavailable?(session: SmtpSession): ReplyName | undefined;
  handle(session: SmtpSession, args: string): Promise<void> | void;
}
