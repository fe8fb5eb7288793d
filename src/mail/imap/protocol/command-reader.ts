import type { EndReason, LineConnection } from '../../../net/line-connection.js';
import { trailingLiteral } from './literal-marker.js';
import type { CommandFrame } from './tokens.js';

export interface FrameLimits {
  maxLiteralBytes: number;
  maxAppendBytes: number;
  maxLiterals: number;
}

export type ReadOutcome =
  | { kind: 'frame'; frame: CommandFrame }
  /**
   * The command cannot be read whole. `tag` when the first line gave one. `fatal`: the client is
   * sending bytes we refuse to read (an oversized LITERAL+), so the connection must end.
   */
  | { kind: 'refused'; tag?: string; reason: string; tooBig: boolean; fatal: boolean }
  | { kind: 'end'; reason: EndReason };

/** What the session's transcript redaction needs to know while a command is being read. */
export interface ReaderContext {
  /** The command whose continuation lines (after a literal) are being read, upper-cased. */
  continuing?: string;
}

/** The tag and command name of a first line, read loosely (before the real parse) to pick the literal limit. */
function peekCommand(line: Buffer): { tag?: string; name: string } {
  const match = /^(\S+) +(\S+)/.exec(line.toString('latin1'));
  return match ? { tag: match[1]!, name: match[2]!.toUpperCase() } : { name: '' };
}

/**
 * Reads one command with its literals (RFC 3501 §4.3, RFC 7888): after a line ending in `{n}` the
 * server sends `+` and reads n bytes; `{n+}` bytes follow without waiting. Literals over the limit
 * are refused before the client sends them (`{n}`); an oversized `{n+}` ends the connection, since
 * its bytes are already on the way and must not be read as commands.
 */
export async function readCommand(conn: LineConnection, limits: FrameLimits, context: ReaderContext, sendContinuation: () => void): Promise<ReadOutcome> {
  context.continuing = undefined;
  try {
    return await readFrame(conn, limits, context, sendContinuation);
  } finally {
    context.continuing = undefined;
  }
}

async function readFrame(conn: LineConnection, limits: FrameLimits, context: ReaderContext, sendContinuation: () => void): Promise<ReadOutcome> {
  const lines: Buffer[] = [];
  const literals: Buffer[] = [];
  let head: { tag?: string; name: string } | undefined;
  for (;;) {
    const line = await conn.readLine();
    if (line.kind === 'end') return line;
    if (line.kind === 'too-long') {
      return { kind: 'refused', ...(head?.tag ? { tag: head.tag } : {}), reason: 'Command line too long', tooBig: false, fatal: false };
    }
    lines.push(line.bytes);
    head ??= peekCommand(line.bytes);
    const marker = trailingLiteral(line.bytes);
    if (!marker) return { kind: 'frame', frame: { lines, literals } };
    const limit = head.name === 'APPEND' ? limits.maxAppendBytes : limits.maxLiteralBytes;
    const tooMany = literals.length >= limits.maxLiterals;
    if (marker.size > limit || tooMany) {
      const reason = tooMany ? `Too many literals (the limit is ${limits.maxLiterals})` : `Literal too big (the limit is ${limit} bytes)`;
      return { kind: 'refused', ...(head.tag ? { tag: head.tag } : {}), reason, tooBig: !tooMany, fatal: !marker.synchronizing };
    }
    if (marker.synchronizing) sendContinuation();
    // LOGIN's literals are its user name and password: the transcript shows neither (RFC 3501 §6.2.3 allows both as literals).
    const literal = await conn.readExact(marker.size, head.name === 'LOGIN' ? '******** (LOGIN literal)' : undefined);
    if (literal.kind === 'end') return literal;
    literals.push(literal.bytes);
    context.continuing = head.name;
  }
}
