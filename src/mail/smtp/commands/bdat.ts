import { toCrlf } from '../../store/crlf.js';
import type { SmtpCommand } from '../command.js';
import type { ReplyName } from '../replies.js';
import type { SmtpSession } from '../session.js';
import { takeMessage } from '../take-message.js';

const ARGUMENTS = /^(\d{1,10})(?: +(LAST))?$/i;

/**
 * Reads and drops a refused chunk; unless it was the last, so are the chunks that follow up to LAST
 * (a client may have pipelined them). Postfix does the same.
 */
async function discard(session: SmtpSession, size: number, last: boolean, answer: ReplyName): Promise<void> {
  const state = session.state;
  if ((await session.conn.skipExact(size)) !== undefined) return;
  if (state.phase !== 'connected') session.setState(last ? { phase: 'greeted', greeting: state.greeting } : { phase: 'bdat-discard', greeting: state.greeting });
  session.answer(answer, { octets: size });
}

export const bdat: SmtpCommand = {
  verb: 'BDAT',
  syntax: 'BDAT count [LAST]',
  summary: 'Send the message, or its next piece, as exactly count bytes right after the command, with no dot at the end; LAST ends the message (CHUNKING).',
  rfc: 'RFC 3030 §2',
  // A bare BDAT is answered here too: 521, then the connection closes.
  args: 'optional',
  // No sequence check before the handler: a chunk's bytes follow the command whatever the answer,
  // so they are read (or skipped) first, never taken for commands.
  async handle(session, args) {
    const parsed = ARGUMENTS.exec(args);
    if (!parsed) {
      // Without the count nobody can tell where the chunk ends: 521, and the connection closes.
      session.answer('bdatSyntax');
      session.endAfterReply();
      return;
    }
    const size = Number(parsed[1]);
    const last = parsed[2] !== undefined;
    const state = session.state;
    switch (state.phase) {
      case 'connected':
        return discard(session, size, last, 'sendHeloFirst');
      case 'greeted':
        return discard(session, size, last, 'needMail');
      case 'mail':
        return discard(session, size, last, 'needRcpt');
      case 'bdat-discard':
        return discard(session, size, last, 'bdatDiscarded');
      case 'rcpt':
      case 'bdat': {
        const sofar = state.phase === 'bdat' ? state.bytes : 0;
        if (sofar + size > session.settings.maxMessageBytes) return discard(session, size, last, 'chunkTooBig');
        const chunk = await session.conn.readExact(size);
        if (chunk.kind === 'end') return;
        const chunks = state.phase === 'bdat' ? [...state.chunks, chunk.bytes] : [chunk.bytes];
        const { greeting, from, recipients } = state;
        if (!last) {
          session.setState({ phase: 'bdat', greeting, from, recipients, chunks, bytes: sofar + size });
          session.answer('chunkReceived', { octets: size });
          return;
        }
        session.setState({ phase: 'greeted', greeting });
        // Stored with CRLF line ends, as a message that came with DATA (CHUNKING without BINARYMIME carries text).
        return takeMessage(session, { greeting, from, recipients }, toCrlf(Buffer.concat(chunks, sofar + size)));
      }
    }
  },
};
