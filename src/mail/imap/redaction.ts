/**
 * What the transcript shows instead of a command line that carries a secret: LOGIN's password and
 * AUTHENTICATE's initial response. Undefined when the line holds none.
 */
export function redactCommandLine(line: string): string | undefined {
  const login = /^(\S+ +login +)("(?:[^"\\]|\\.)*"|\{\d+\+?\}|[^\s"{]+)(?: +\S.*)$/i.exec(line);
  if (login) return `${login[1]}${login[2]} ********`;
  const auth = /^(\S+ +authenticate +\S+) +\S+$/i.exec(line);
  if (auth) return `${auth[1]} ********`;
  return undefined;
}
