/**
 * The IMAPS load generator, run as its own process so it never shares CPU time with the server it
 * measures: logs in, selects INBOX, then FETCHes every message's body `rounds` times, counting the
 * bytes that arrive. Prints one JSON line: {"bytes": …, "seconds": …, "messages": …}.
 *
 * usage: node tls-client.js PORT CA_FILE USER PASSWORD ROUNDS
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';

const [portText, caFile, user, password, roundsText] = process.argv.slice(2);
const TIMEOUT_MS = 120_000;

class Reader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  received = 0;

  constructor(socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** Reads until a line starting with `prefix` (a tagged reply) and returns that line; message data is skipped by count. */
  async until(prefix: string): Promise<string> {
    const deadline = Date.now() + TIMEOUT_MS;
    const wanted = Buffer.from(`\r\n${prefix}`);
    for (;;) {
      const at = this.buffer.indexOf(wanted);
      if (at !== -1) {
        const end = this.buffer.indexOf('\r\n', at + 2);
        if (end !== -1) {
          const line = this.buffer.subarray(at + 2, end).toString();
          this.buffer = this.buffer.subarray(end + 2);
          return line;
        }
      } else if (this.buffer.length > wanted.length) {
        // Keep only a tail that could be the start of the tagged line.
        this.buffer = this.buffer.subarray(this.buffer.length - wanted.length);
      }
      if (this.ended) throw new Error(`connection closed while waiting for "${prefix}"`);
      if (Date.now() > deadline) throw new Error(`no "${prefix}" within ${TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
  }
}

async function main(): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port: Number(portText), ca: readFileSync(caFile!), servername: 'imap.st.um' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const reader = new Reader(socket);
  const send = async (tag: string, command: string): Promise<string> => {
    socket.write(`${tag} ${command}\r\n`);
    const line = await reader.until(`${tag} `);
    if (!line.startsWith(`${tag} OK`)) throw new Error(`${command.split(' ')[0]}: ${line}`);
    return line;
  };
  await send('l', `LOGIN "${user}" "${password}"`);
  await send('s', 'SELECT INBOX');
  const before = reader.received;
  const started = process.hrtime.bigint();
  const rounds = Number(roundsText);
  for (let i = 0; i < rounds; i++) await send(`f${i}`, 'FETCH 1:* (BODY.PEEK[])');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = reader.received - before;
  await send('o', 'LOGOUT').catch(() => undefined);
  socket.destroy();
  process.stdout.write(`${JSON.stringify({ bytes, seconds })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
