import { connect, type Socket } from 'node:net';

const LF = 0x0a;
/** A command that has had no answer for this long fails the bench instead of hanging it. */
const COMMAND_TIMEOUT_MS = 30_000;

/** What a command's answer held: FETCH responses with a body, literal octets, and the tagged status line. */
export interface Answer {
  fetches: number;
  octets: number;
  status: string;
}

interface Pending {
  tag: string;
  text: string;
  fetches: number;
  octets: number;
  resolve: (answer: Answer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A minimal IMAP client for load: one command at a time, responses scanned as they stream in and
 * handled at once (literal bytes are counted and skipped, never kept; no promise or timer per line),
 * so the client costs little next to the server it measures.
 */
export class BenchImapClient {
  private pending: Buffer | undefined;
  /** Literal bytes still to skip. */
  private skip = 0;
  private waiting: Pending | undefined;
  private greeted: ((line: string) => void) | undefined;
  private closed = false;
  private onClosed: (() => void) | undefined;
  private tagCounter = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.reject(new Error(`${this.waiting.text}: connection closed`));
      this.onClosed?.();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<BenchImapClient> {
    let client: BenchImapClient | undefined;
    // Every read lands in the same memory (what must outlive it is copied): no allocation per read.
    const onread = {
      buffer: Buffer.allocUnsafe(256 * 1024),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        client?.received(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
        return true;
      },
    };
    const socket = connect({ host: '127.0.0.1', port, noDelay: true, onread });
    client = new BenchImapClient(socket);
    const greeting = await new Promise<string>((resolve, reject) => {
      client.greeted = resolve;
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('connection closed before the greeting')));
    });
    if (!greeting.startsWith('* OK')) throw new Error(`greeting: ${greeting}`);
    return client;
  }

  /** Sends a command and waits for its tagged answer; throws unless it is OK. */
  command(text: string): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error(`${text}: connection closed`));
    this.tagCounter += 1;
    const tag = `b${this.tagCounter}`;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${text}: no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
      this.waiting = { tag, text, fetches: 0, octets: 0, resolve, reject, timer };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** LOGOUT, then waits for the server to close. */
  async logout(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (this.closed) resolve();
      else this.onClosed = resolve;
    });
    await this.command('LOGOUT');
    await closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.skip > 0) {
        const taken = Math.min(this.skip, data.length);
        this.skip -= taken;
        if (this.waiting) this.waiting.octets += taken;
        data = data.subarray(taken);
        continue;
      }
      const lf = data.indexOf(LF);
      if (lf === -1) {
        this.pending = this.pending ? Buffer.concat([this.pending, data]) : Buffer.from(data);
        return;
      }
      const line = this.pending ? Buffer.concat([this.pending, data.subarray(0, lf + 1)]).toString('latin1') : data.toString('latin1', 0, lf + 1);
      this.pending = undefined;
      data = data.subarray(lf + 1);
      this.line(line.endsWith('\r\n') ? line.slice(0, -2) : line.slice(0, -1));
    }
  }

  private line(line: string): void {
    // A literal announced at the end of the line: `{16384}`.
    if (line.endsWith('}')) {
      const open = line.lastIndexOf('{');
      const size = open === -1 ? NaN : Number(line.slice(open + 1, -1));
      if (Number.isInteger(size)) {
        this.skip = size;
        // Only answers carrying a body count: other sessions' \Seen changes come as FETCH (FLAGS) too.
        if (this.waiting && line.startsWith('* ') && line.includes(' FETCH (') && line.includes('BODY[] {')) this.waiting.fetches += 1;
      }
    }
    if (this.greeted) {
      const greeted = this.greeted;
      this.greeted = undefined;
      greeted(line);
      return;
    }
    const current = this.waiting;
    if (!current || !line.startsWith(`${current.tag} `)) return;
    this.waiting = undefined;
    clearTimeout(current.timer);
    if (!line.startsWith(`${current.tag} OK`)) current.reject(new Error(`${current.text}: ${line}`));
    else current.resolve({ fetches: current.fetches, octets: current.octets, status: line });
  }
}
