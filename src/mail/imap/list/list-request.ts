import { astring, list } from '../args.js';
import { bad } from '../errors.js';
import { describeToken, type Token } from '../protocol/tokens.js';

const SELECTION_OPTIONS = ['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'] as const;
const RETURN_OPTIONS = ['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE'] as const;
type SelectionOption = (typeof SELECTION_OPTIONS)[number];
type ReturnOption = (typeof RETURN_OPTIONS)[number];

/** A LIST command in the shape of RFC 5258 (LIST-EXTENDED); a plain RFC 3501 LIST has no options. */
export interface ListRequest {
  selection: Set<SelectionOption>;
  reference: string;
  patterns: string[];
  returns: Set<ReturnOption>;
  /** Selection or return options were given: answer in the extended form (\NonExistent). */
  extended: boolean;
}

function options<T extends string>(tokens: Token[], allowed: readonly T[], what: string): Set<T> {
  return new Set(
    tokens.map((token) => {
      const name = token.kind === 'atom' ? token.value.toUpperCase() : '';
      if (!(allowed as readonly string[]).includes(name)) throw bad(`Unsupported LIST ${what} option ${describeToken(token)} (supported: ${allowed.join(' ')})`);
      return name as T;
    }),
  );
}

/** LIST [(selection)] reference pattern|(patterns) [RETURN (options)]. */
export function parseListRequest(tokens: Token[]): ListRequest {
  let i = 0;
  const selection = tokens[0]?.kind === 'list' ? options(list('selection options')(tokens[i++]!), SELECTION_OPTIONS, 'selection') : new Set<SelectionOption>();
  const reference = tokens[i];
  const patternToken = tokens[i + 1];
  if (!reference || !patternToken) throw bad('LIST needs a reference and a pattern, like LIST "" *');
  const patterns = patternToken.kind === 'list' ? patternToken.items.map(astring('a pattern')) : [astring('a pattern')(patternToken)];
  if (patterns.length === 0) throw bad('Empty pattern list');
  i += 2;
  let returns = new Set<ReturnOption>();
  if (tokens[i]) {
    const keyword = tokens[i]!;
    if (keyword.kind !== 'atom' || keyword.value.toUpperCase() !== 'RETURN' || !tokens[i + 1] || tokens.length > i + 2) {
      throw bad('After the pattern only RETURN (options) may follow');
    }
    returns = options(list('return options')(tokens[i + 1]!), RETURN_OPTIONS, 'return');
  }
  if (selection.has('RECURSIVEMATCH') && selection.size === (selection.has('REMOTE') ? 2 : 1)) {
    throw bad('RECURSIVEMATCH needs another selection option, like (SUBSCRIBED RECURSIVEMATCH)');
  }
  const extended = tokens[0]?.kind === 'list' || tokens.length > i || patternToken.kind === 'list';
  return { selection, reference: astring('a reference')(reference), patterns, returns, extended };
}
