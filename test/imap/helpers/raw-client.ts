import { connect, type Socket } from 'node:net';

/** One response as the client received it: the line(s), literal bytes inline. `text` decodes them as Latin-1, byte for byte. */
export interface RawResponse {
  raw: Buffer;
  text: string;
}

/**
 * A byte-exact IMAP client for tests: sends what it is told, reads responses (following `{n}` literals
 * by their byte counts), with a deadline on every wait.
 */
export class RawImap {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed = false;
  greeting = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawImap> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawImap(socket);
    client.greeting = (await client.response()).text;
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends `tag command` and returns every response up to and including the tagged one. */
  async command(tag: string, command: string | Buffer, timeoutMs = 10_000): Promise<RawResponse[]> {
    this.send(Buffer.concat([Buffer.from(`${tag} `), Buffer.from(command), Buffer.from('\r\n')]));
    return this.until(tag, timeoutMs);
  }

  /** Responses up to the one tagged `tag`. */
  async until(tag: string, timeoutMs = 10_000): Promise<RawResponse[]> {
    const out: RawResponse[] = [];
    for (;;) {
      const response = await this.response(timeoutMs);
      out.push(response);
      if (response.text.startsWith(`${tag} `)) return out;
    }
  }

  /** One response line, with the literals it announces. */
  async response(timeoutMs = 10_000): Promise<RawResponse> {
    const parts: Buffer[] = [];
    for (;;) {
      const line = await this.take((buffer) => {
        const lf = buffer.indexOf(0x0a);
        return lf === -1 ? -1 : lf + 1;
      }, timeoutMs);
      parts.push(line);
      const literal = /\{(\d+)\}\r\n$/.exec(line.toString('latin1'));
      if (!literal) break;
      const size = Number(literal[1]);
      parts.push(await this.take((buffer) => (buffer.length >= size ? size : -1), timeoutMs));
    }
    const raw = Buffer.concat(parts);
    return { raw, text: raw.toString('latin1').replace(/\r\n$/, '') };
  }

  /** Whatever arrives within `ms` (to check that nothing does). */
  async drain(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const text = this.buffer.toString('latin1');
    this.buffer = Buffer.alloc(0);
    return text;
  }

  close(): void {
    this.socket.destroy();
  }

  private async take(size: (buffer: Buffer) => number, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = size(this.buffer);
      if (n !== -1) {
        const out = this.buffer.subarray(0, n);
        this.buffer = this.buffer.subarray(n);
        return out;
      }
      if (this.closed) throw new Error(`connection closed (buffer: ${JSON.stringify(this.buffer.toString('latin1'))})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms (buffer: ${JSON.stringify(this.buffer.toString('latin1'))})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** The tagged line of a command's responses. */
export function tagged(responses: RawResponse[]): string {
  return responses.at(-1)?.text ?? '';
}

/** The untagged responses' texts (everything before the tagged line). */
export function untagged(responses: RawResponse[]): string[] {
  return responses.slice(0, -1).map((r) => r.text);
}

/** Connects and logs in; the caller closes. */
export async function loggedIn(port: number, user: string, password = 'password'): Promise<RawImap> {
  const client = await RawImap.connect(port);
  const answer = tagged(await client.command('login', `LOGIN ${user} ${password}`));
  if (!answer.startsWith('login OK')) throw new Error(`login as ${user} failed: ${answer}`);
  return client;
}
