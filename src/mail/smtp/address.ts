/** The reverse-path or forward-path of MAIL FROM / RCPT TO, with its ESMTP parameters (RFC 5321 §4.1.2). */
export interface Path {
  /** `''` is the null reverse-path `<>` (bounces). */
  address: string;
  params: Map<string, string | true>;
}

export type PathResult = { ok: true; path: Path } | { ok: false; problem: 'syntax' | 'address' };

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const DOT_ATOM = new RegExp(`^${ATOM}(\\.${ATOM})*$`);
const QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uffff]|\\[\x20-\x7e])*"$/;
const LABEL = '[A-Za-z0-9\\u0080-\\uFFFF]([A-Za-z0-9\\u0080-\\uFFFF-]{0,61}[A-Za-z0-9\\u0080-\\uFFFF])?';
const DOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*\\.?$`);
const ADDRESS_LITERAL = /^\[(\d{1,3}(\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/;

/**
 * Parses `FROM:<a@b> SIZE=10` (keyword `FROM`) or `TO:<a@b>`. Like Postfix, it also takes the forms
 * people type at telnet in the seeds: a space after the colon, and an address without angle brackets.
 */
export function parsePath(argument: string, keyword: 'FROM' | 'TO'): PathResult {
  const match = new RegExp(`^${keyword}\\s*:\\s*`, 'i').exec(argument);
  if (!match) return { ok: false, problem: 'syntax' };
  let rest = argument.slice(match[0].length);
  let raw: string;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    if (close === -1) return { ok: false, problem: 'address' };
    raw = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (rest !== '' && !rest.startsWith(' ')) return { ok: false, problem: 'syntax' };
  } else {
    const space = rest.indexOf(' ');
    raw = space === -1 ? rest : rest.slice(0, space);
    rest = space === -1 ? '' : rest.slice(space);
    if (raw === '') return { ok: false, problem: 'syntax' };
  }
  // A source route (@relay1,@relay2:user@domain) is obsolete; its last part is the address (RFC 5321 §4.1.2).
  const routeEnd = raw.startsWith('@') ? raw.indexOf(':') : -1;
  if (raw.startsWith('@')) {
    if (routeEnd === -1) return { ok: false, problem: 'address' };
    raw = raw.slice(routeEnd + 1);
  }
  if (raw !== '' && !isMailbox(raw) && !(keyword === 'TO' && /^postmaster$/i.test(raw))) return { ok: false, problem: 'address' };
  if (keyword === 'TO' && raw === '') return { ok: false, problem: 'address' };
  const params = parseParams(rest.trim());
  if (!params) return { ok: false, problem: 'syntax' };
  return { ok: true, path: { address: raw, params } };
}

export function isMailbox(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (Buffer.byteLength(local) > 64 || domain.length === 0 || domain.length > 253) return false;
  return (DOT_ATOM.test(local) || QUOTED.test(local)) && (DOMAIN.test(domain) || ADDRESS_LITERAL.test(domain));
}

function parseParams(text: string): Map<string, string | true> | undefined {
  const params = new Map<string, string | true>();
  if (text === '') return params;
  for (const word of text.split(/ +/)) {
    const eq = word.indexOf('=');
    const key = (eq === -1 ? word : word.slice(0, eq)).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) return undefined;
    params.set(key, eq === -1 ? true : word.slice(eq + 1));
  }
  return params;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
}
