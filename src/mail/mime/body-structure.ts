import { parseParameterized, type Parameter } from './content-type.js';
import { buildEnvelope, type Envelope } from './envelope.js';
import { headerValue } from './header.js';
import type { MimePart } from './parts.js';

/** Content-Disposition as BODYSTRUCTURE lists it (RFC 3501 §7.4.2 body-fld-dsp). */
export interface Disposition {
  value: string;
  params: Parameter[];
}

/** Extension data shared by every kind of part (only in BODYSTRUCTURE, not in BODY). */
export interface Extensions {
  disposition: Disposition | null;
  language: string[] | null;
  location: string | null;
}

export interface MultipartStructure extends Extensions {
  kind: 'multipart';
  parts: BodyStructure[];
  subtype: string;
  params: Parameter[];
}

/** A leaf part; `text` parts add a line count, `message/rfc822` parts the inner message's envelope, structure and line count. */
export interface SinglePartStructure extends Extensions {
  kind: 'single';
  type: string;
  subtype: string;
  params: Parameter[];
  id: string | null;
  description: string | null;
  encoding: string;
  /** Octets of the body as stored (CRLF line ends count two). */
  size: number;
  lines?: number;
  message?: { envelope: Envelope; body: BodyStructure };
  md5: string | null;
}

export type BodyStructure = MultipartStructure | SinglePartStructure;

/** The parameter RFC 2045 gives text parts that declare no charset. */
const DEFAULT_TEXT_PARAMS: Parameter[] = [['charset', 'us-ascii']];

const EMPTY_TEXT_PART: SinglePartStructure = {
  kind: 'single',
  type: 'text',
  subtype: 'plain',
  params: DEFAULT_TEXT_PARAMS,
  id: null,
  description: null,
  encoding: '7bit',
  size: 0,
  lines: 0,
  md5: null,
  disposition: null,
  language: null,
  location: null,
};

/** The BODYSTRUCTURE of a parsed part, sizes and line counts exact as Dovecot reports them. */
export function bodyStructure(part: MimePart): BodyStructure {
  const field = (key: string): string | null => {
    const value = headerValue(part.fields, key);
    return value === undefined || value === '' ? null : value;
  };
  const disposition = field('content-disposition');
  const parsedDisposition = disposition === null ? undefined : parseParameterized(disposition, false);
  const language = field('content-language');
  const extensions: Extensions = {
    disposition: parsedDisposition ? { value: parsedDisposition.value, params: parsedDisposition.params } : null,
    language: language === null ? null : language.split(',').map((l) => l.trim()).filter((l) => l.length > 0),
    location: field('content-location'),
  };
  const { value: type, subtype, params } = part.contentType;
  if (type === 'multipart') {
    // body-type-mpart needs at least one part; a multipart without delimiters shows as one empty text part.
    const parts = part.children.length > 0 ? part.children.map(bodyStructure) : [EMPTY_TEXT_PART];
    return { kind: 'multipart', parts, subtype, params, ...extensions };
  }
  const structure: SinglePartStructure = {
    kind: 'single',
    type,
    subtype,
    // Text without a charset parameter is US-ASCII (RFC 2045 §5.2); Dovecot lists it, as clients expect.
    params: type === 'text' && !params.some(([name]) => name === 'charset') ? [...params, ...DEFAULT_TEXT_PARAMS] : params,
    id: field('content-id'),
    description: field('content-description'),
    encoding: field('content-transfer-encoding') ?? '7bit',
    size: part.end - part.bodyStart,
    md5: field('content-md5'),
    ...extensions,
  };
  if (type === 'text') structure.lines = part.bodyLines;
  if (part.message) {
    structure.message = { envelope: buildEnvelope(part.message.fields), body: bodyStructure(part.message) };
    structure.lines = part.bodyLines;
  }
  return structure;
}
