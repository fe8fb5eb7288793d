import { randomBytes } from 'node:crypto';

let counter = randomBytes(2).readUInt16BE(0);

/** A queue id in Postfix's spirit: 12 upper-case hex digits, time-ordered, unique within the lab. */
export function newQueueId(): string {
  counter = (counter + 1) & 0xffff;
  const time = Math.floor(Date.now() / 10) >>> 0;
  return `${time.toString(16).padStart(8, '0')}${counter.toString(16).padStart(4, '0')}`.toUpperCase();
}
