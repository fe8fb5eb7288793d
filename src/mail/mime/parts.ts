import { parseParameterized, type ParameterizedValue } from './content-type.js';
import { headerValue, parseHeader, type HeaderField } from './header.js';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/** Deeper nesting than this is served as an opaque body (a message cannot make the parser recurse without end). */
const MAX_DEPTH = 64;

/** One part of a message, as offsets into the stored bytes (RFC 2045, 2046). */
export interface MimePart {
  /** Header start, body start (after the empty line) and body end. */
  start: number;
  bodyStart: number;
  end: number;
  fields: HeaderField[];
  /** Content-Type, with RFC 2045 §5.2's default (text/plain, or message/rfc822 inside multipart/digest). */
  contentType: ParameterizedValue;
  /** Sub-parts of a multipart. */
  children: MimePart[];
  /** The message inside a message/rfc822 part. */
  message: MimePart | undefined;
  /** Line feeds in the body: BODYSTRUCTURE's line count, counted as Dovecot counts it. */
  bodyLines: number;
  /** A multipart: where its last delimiter line ends, before that line's line break. */
  lastDelimiterEnd?: number;
}

const TEXT_PLAIN: ParameterizedValue = { value: 'text', subtype: 'plain', params: [] };
const MESSAGE_RFC822: ParameterizedValue = { value: 'message', subtype: 'rfc822', params: [] };

/** Parses a whole message (or the message inside a message/rfc822 part) into its MIME tree. */
export function parseMime(message: Buffer, start = 0, end = message.length): MimePart {
  return parsePart(message, start, end, TEXT_PLAIN, 0);
}

function parsePart(message: Buffer, start: number, end: number, defaultType: ParameterizedValue, depth: number): MimePart {
  const { fields, bodyStart } = parseHeader(message, start, end);
  const declared = headerValue(fields, 'content-type');
  const part: MimePart = {
    start,
    bodyStart,
    end,
    fields,
    contentType: (declared === undefined ? undefined : parseParameterized(declared, true)) ?? defaultType,
    children: [],
    message: undefined,
    bodyLines: countLines(message, bodyStart, end),
  };
  if (depth >= MAX_DEPTH) return part;
  const { value, subtype, params } = part.contentType;
  if (value === 'multipart') {
    const boundary = params.find(([name]) => name === 'boundary')?.[1];
    if (boundary) {
      const childDefault = subtype === 'digest' ? MESSAGE_RFC822 : TEXT_PLAIN;
      const split = splitMultipart(message, bodyStart, end, boundary);
      part.lastDelimiterEnd = split.lastDelimiterEnd;
      part.children = split.parts.map(({ start: s, end: e, claimed }) => {
        const child = parsePart(message, s, e, childDefault, depth + 1);
        // A delimiter line right after a nested part's own last delimiter line takes no line break
        // from it: that one already ended a boundary line (how Dovecot's parser sizes such parts).
        if (claimed > 0 && endsWithDelimiterLine(child)) extendEnd(message, child, claimed);
        return child;
      });
    }
  } else if (value === 'message' && subtype === 'rfc822') {
    part.message = parsePart(message, bodyStart, end, TEXT_PLAIN, depth + 1);
  }
  return part;
}

function endsWithDelimiterLine(part: MimePart): boolean {
  if (part.message) return endsWithDelimiterLine(part.message);
  return part.lastDelimiterEnd === part.end;
}

function extendEnd(message: Buffer, part: MimePart, by: number): void {
  part.end += by;
  part.bodyLines = countLines(message, part.bodyStart, part.end);
  if (part.message) extendEnd(message, part.message, by);
}

function countLines(message: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let i = message.indexOf(LF, start); i !== -1 && i < end; i = message.indexOf(LF, i + 1)) lines += 1;
  return lines;
}

interface Split {
  /** Each part's body range, and how many bytes of line break before the next delimiter were given to it. */
  parts: { start: number; end: number; claimed: number }[];
  lastDelimiterEnd?: number;
}

/**
 * The ranges of a multipart's parts (RFC 2046 §5.1.1): each runs from after a delimiter line to the
 * line break before the next one — that CRLF belongs to the delimiter. Preamble and epilogue are
 * not parts. Without a close delimiter the last part runs to the end.
 */
function splitMultipart(message: Buffer, start: number, end: number, boundary: string): Split {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const split: Split = { parts: [] };
  let partStart = -1;
  let at = message.indexOf(marker, start);
  while (at !== -1 && at < end) {
    const lineStart = at === start || message[at - 1] === LF;
    const delimiter = lineStart ? delimiterLine(message, at + marker.length, end) : undefined;
    if (delimiter) {
      if (partStart !== -1) {
        const lineBreak = at > start && message[at - 1] === LF ? (at - 1 > start && message[at - 2] === CR ? 2 : 1) : 0;
        const partEnd = Math.max(partStart, at - lineBreak);
        split.parts.push({ start: partStart, end: partEnd, claimed: at - partEnd });
      }
      split.lastDelimiterEnd = delimiter.contentEnd;
      if (delimiter.close) return split;
      partStart = delimiter.next;
    }
    at = message.indexOf(marker, at + marker.length);
  }
  if (partStart !== -1) split.parts.push({ start: partStart, end, claimed: 0 });
  return split;
}

/** After `--boundary`: an optional `--`, transport padding, then the line end. */
function delimiterLine(message: Buffer, pos: number, end: number): { close: boolean; contentEnd: number; next: number } | undefined {
  let close = false;
  if (pos + 1 < end && message[pos] === DASH && message[pos + 1] === DASH) {
    close = true;
    pos += 2;
  }
  while (pos < end && (message[pos] === 0x20 || message[pos] === 0x09)) pos += 1;
  if (pos >= end) return { close, contentEnd: end, next: end };
  if (message[pos] === LF) return { close, contentEnd: pos, next: pos + 1 };
  if (message[pos] === CR && pos + 1 < end && message[pos + 1] === LF) return { close, contentEnd: pos, next: pos + 2 };
  return undefined;
}
