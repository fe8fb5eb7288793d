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
  /** Whether the part had a usable Content-Type field. */
  typed: boolean;
  /** Sub-parts of a multipart. */
  children: MimePart[];
  /** The message inside a message/rfc822 part. */
  message: MimePart | undefined;
  /** Line feeds in the body: BODYSTRUCTURE's line count, counted as Dovecot counts it. */
  bodyLines: number;
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
  const parsed = declared === undefined ? undefined : parseParameterized(declared, true);
  const part: MimePart = {
    start,
    bodyStart,
    end,
    fields,
    contentType: parsed ?? defaultType,
    typed: parsed !== undefined,
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
      part.children = splitMultipart(message, bodyStart, end, boundary).map(([s, e]) => parsePart(message, s, e, childDefault, depth + 1));
    }
  } else if (value === 'message' && subtype === 'rfc822') {
    part.message = parsePart(message, bodyStart, end, TEXT_PLAIN, depth + 1);
  }
  return part;
}

function countLines(message: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let i = message.indexOf(LF, start); i !== -1 && i < end; i = message.indexOf(LF, i + 1)) lines += 1;
  return lines;
}

/**
 * The body ranges of a multipart's parts (RFC 2046 §5.1.1): each runs from after a delimiter line to
 * the line break before the next one — that CRLF belongs to the delimiter. Preamble and epilogue are
 * not parts. Without a close delimiter the last part runs to the end.
 */
function splitMultipart(message: Buffer, start: number, end: number, boundary: string): [number, number][] {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const ranges: [number, number][] = [];
  let partStart = -1;
  let at = message.indexOf(marker, start);
  while (at !== -1 && at < end) {
    const lineStart = at === start || message[at - 1] === LF;
    const delimiter = lineStart ? delimiterLine(message, at + marker.length, end) : undefined;
    if (delimiter) {
      if (partStart !== -1) {
        let partEnd = at;
        if (at > start && message[at - 1] === LF) partEnd -= at - 1 > start && message[at - 2] === CR ? 2 : 1;
        ranges.push([partStart, Math.max(partStart, partEnd)]);
      }
      if (delimiter.close) return ranges;
      partStart = delimiter.next;
    }
    at = message.indexOf(marker, at + marker.length);
  }
  if (partStart !== -1) ranges.push([partStart, end]);
  return ranges;
}

/** After `--boundary`: an optional `--`, transport padding, then the line end. */
function delimiterLine(message: Buffer, pos: number, end: number): { close: boolean; next: number } | undefined {
  let close = false;
  if (pos + 1 < end && message[pos] === DASH && message[pos + 1] === DASH) {
    close = true;
    pos += 2;
  }
  while (pos < end && (message[pos] === 0x20 || message[pos] === 0x09)) pos += 1;
  if (pos >= end) return { close, next: end };
  if (message[pos] === LF) return { close, next: pos + 1 };
  if (message[pos] === CR && message[pos + 1] === LF && pos + 1 < end) return { close, next: pos + 2 };
  return undefined;
}
