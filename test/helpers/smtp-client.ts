import type { Socket } from 'node:net';
import { LineReader, openSocket } from './transcript.js';

/** A raw SMTP client for tests: send a line, get the reply lines; nothing hidden, nothing fixed up. */
export class RawSmtp {
  private constructor(
    readonly socket: Socket,
    readonly reader: LineReader,
  ) {}

  static async connect(port: number, localAddress?: string, host = '127.0.0.1'): Promise<{ client: RawSmtp; banner: string[] }> {
    const socket = await openSocket(port, host, localAddress);
    const client = new RawSmtp(socket, new LineReader(socket));
    return { client, banner: await client.reader.reply() };
  }

  async send(line: string | Buffer, timeoutMs?: number): Promise<string[]> {
    this.socket.write(typeof line === 'string' ? `${line}\r\n` : line);
    return this.reader.reply(timeoutMs);
  }

  /** The last line of the reply, the one with the final code. */
  async last(line: string | Buffer): Promise<string> {
    const reply = await this.send(line);
    return reply[reply.length - 1] ?? '(closed)';
  }

  close(): void {
    this.socket.destroy();
  }
}

export function authPlain(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}
