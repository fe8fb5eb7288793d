import { MIME_SPECIALS, tokenize, type StructuredToken } from './structured-tokens.js';

/** A parameter as BODYSTRUCTURE lists it: name in lower case, value as written. */
export type Parameter = readonly [name: string, value: string];

/** `type/subtype; name=value…` (RFC 2045 §5.1), or `disposition; name=value…` (RFC 2183). */
export interface ParameterizedValue {
  /** The value before the first ";" (for Content-Type: the type), in lower case. */
  value: string;
  /** Content-Type only: the subtype, in lower case. */
  subtype: string;
  params: Parameter[];
}

/** Parses Content-Type or Content-Disposition. Returns undefined when there is no value before the parameters. */
export function parseParameterized(text: string, withSubtype: boolean): ParameterizedValue | undefined {
  const tokens = tokenize(text, MIME_SPECIALS, false).filter((t) => t.kind !== 'comment');
  let i = 0;
  const first = tokens[i];
  if (!first || first.kind !== 'atom') return undefined;
  const value = first.text.toLowerCase();
  i += 1;
  let subtype = '';
  if (withSubtype) {
    if (tokens[i]?.text !== '/' || tokens[i + 1]?.kind !== 'atom') return undefined;
    subtype = tokens[i + 1]!.text.toLowerCase();
    i += 2;
  }
  return { value, subtype, params: mergeContinuations(parseParams(tokens.slice(i))) };
}

function parseParams(tokens: StructuredToken[]): Parameter[] {
  const params: Parameter[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.text !== ';' || tokens[i]!.kind !== 'special') {
      i += 1;
      continue;
    }
    const name = tokens[i + 1];
    const equals = tokens[i + 2];
    if (name?.kind !== 'atom' || equals?.text !== '=') {
      i += 1;
      continue;
    }
    // A value is one atom or quoted string; some mailers leave "/" or "?" unquoted, so take the run up to ";".
    let j = i + 3;
    let value = '';
    while (j < tokens.length && !(tokens[j]!.kind === 'special' && tokens[j]!.text === ';')) {
      value += tokens[j]!.text;
      j += 1;
    }
    params.push([name.text.toLowerCase(), value]);
    i = j;
  }
  return params;
}

/**
 * Joins RFC 2231 continuations (`name*0=`, `name*1*=`) into one parameter, `name` or `name*` when
 * the pieces are charset-encoded, as Dovecot presents them in BODYSTRUCTURE.
 */
function mergeContinuations(params: Parameter[]): Parameter[] {
  const out: Parameter[] = [];
  const groups = new Map<string, { pieces: Map<number, string>; encoded: boolean; at: number }>();
  for (const [name, value] of params) {
    const match = /^(.+?)\*(\d+)(\*?)$/.exec(name);
    if (!match) {
      out.push([name, value]);
      continue;
    }
    const base = match[1]!;
    let group = groups.get(base);
    if (!group) {
      group = { pieces: new Map(), encoded: false, at: out.length };
      groups.set(base, group);
      out.push([base, '']);
    }
    const index = Number(match[2]);
    if (index === 0 && match[3] === '*') group.encoded = true;
    if (!group.pieces.has(index)) group.pieces.set(index, value);
  }
  for (const [base, group] of groups) {
    const joined = [...group.pieces.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v).join('');
    out[group.at] = [group.encoded ? `${base}*` : base, joined];
  }
  return out;
}
