import { headerSectionOf } from './dsn.js';

/**
 * The number of Received headers: each MTA on the way adds one (RFC 5321 §4.4), so a message that
 * carries more than the hop limit is going round in circles (RFC 5321 §6.3; Postfix's hopcount_limit).
 */
export function countHops(message: Buffer): number {
  const header = headerSectionOf(message).toString('latin1');
  let hops = 0;
  for (const line of header.split('\r\n')) if (/^received:/i.test(line)) hops += 1;
  return hops;
}
