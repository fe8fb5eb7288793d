/** Standard + 10000 when the process may not bind ports below 1024 (DESIGN.md, "Ports and addresses"). */
export const UNPRIVILEGED_OFFSET = 10000;

export function defaultPortOffset(): number {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return uid === 0 ? 0 : UNPRIVILEGED_OFFSET;
}
