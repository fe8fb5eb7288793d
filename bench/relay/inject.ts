import { SmtpClientConnection } from '../smtp/client.js';
import type { BenchMessage } from '../smtp/message.js';

const REPLY_TIMEOUT_MS = 60_000;

/**
 * Fills a server's queue: `count` messages over `connections` SMTP connections, MAIL/RCPT/DATA
 * pipelined. Each message goes to its own recipient (r<n>@<domain>), so none is merged with another.
 * Resolves with the number the server accepted (250 to the final dot).
 */
export async function inject(address: string, port: number, options: { count: number; connections: number; message: BenchMessage; from: string; domain: string }): Promise<number> {
  let next = 0;
  let accepted = 0;
  const worker = async (): Promise<void> => {
    const conn = await SmtpClientConnection.open(address, port, 10_000);
    try {
      await conn.reply(REPLY_TIMEOUT_MS);
      conn.write('EHLO bench.example\r\n');
      await conn.reply(REPLY_TIMEOUT_MS);
      while (next < options.count) {
        const n = next++;
        conn.write(`MAIL FROM:<${options.from}>\r\nRCPT TO:<r${n}@${options.domain}>\r\nDATA\r\n`);
        const replies = [await conn.reply(REPLY_TIMEOUT_MS), await conn.reply(REPLY_TIMEOUT_MS), await conn.reply(REPLY_TIMEOUT_MS)];
        if (replies[2]!.code !== 354) throw new Error(`injection refused: ${replies.map((r) => r.lines.join(' ')).join(' | ')}`);
        conn.write(options.message.wire);
        const done = await conn.reply(REPLY_TIMEOUT_MS);
        if (done.code !== 250) throw new Error(`injection refused at the final dot: ${done.lines.join(' ')}`);
        accepted += 1;
      }
    } finally {
      await conn.quit(5000);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  return accepted;
}
