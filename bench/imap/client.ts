import { connect, type Socket } from 'node:net';

const LF = 0x0a;

/** What a command's answer held: FETCH responses with a body, literal octets, and the tagged status line. */
export interface Answer {
  fetches: number;
  octets: number;
  status: string;
}

/**
 * A minimal IMAP client for load: one command at a time, responses scanned as they stream in (literal
 * bytes are counted and skipped, never kept), so the client costs little next to the server.
 */
export class BenchImapClient {
  private pending: Buffer = Buffer.alloc(0);
  /** Literal bytes still to skip. */
  private skip = 0;
  private lines: string[] = [];
  private octets = 0;
  private fetches = 0;
  private waiter: (() => void) | undefined;
  private closed = false;
  private tagCounter = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<BenchImapClient> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new BenchImapClient(socket);
    const greeting = await client.nextLine();
    if (!greeting.startsWith('* OK')) throw new Error(`greeting: ${greeting}`);
    return client;
  }

  /** Sends a command and waits for its tagged answer; throws unless it is OK. */
  async command(text: string): Promise<Answer> {
    this.tagCounter += 1;
    const tag = `b${this.tagCounter}`;
    this.fetches = 0;
    this.octets = 0;
    this.socket.write(`${tag} ${text}\r\n`);
    for (;;) {
      const line = await this.nextLine();
      // Only answers carrying a body: other sessions' \Seen changes come as FETCH (FLAGS) too.
      if (line.startsWith('* ') && / FETCH \(.*BODY\[\] \{\d+\}$/.test(line)) this.fetches += 1;
      if (line.startsWith(`${tag} `)) {
        if (!line.startsWith(`${tag} OK`)) throw new Error(`${text}: ${line}`);
        return { fetches: this.fetches, octets: this.octets, status: line };
      }
    }
  }

  /** LOGOUT, then waits for the server to close. */
  async logout(): Promise<void> {
    await this.command('LOGOUT');
    while (!this.closed) await this.wait();
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
        this.octets += taken;
        data = data.subarray(taken);
        continue;
      }
      const lf = data.indexOf(LF);
      if (lf === -1) {
        this.pending = this.pending.length === 0 ? Buffer.from(data) : Buffer.concat([this.pending, data]);
        break;
      }
      const line = Buffer.concat([this.pending, data.subarray(0, lf + 1)]).toString('latin1');
      this.pending = Buffer.alloc(0);
      data = data.subarray(lf + 1);
      const literal = /\{(\d+)\}\r\n$/.exec(line);
      if (literal) this.skip = Number(literal[1]);
      this.lines.push(line.replace(/\r\n$/, ''));
    }
    this.wake();
  }

  private async nextLine(): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.closed) throw new Error('connection closed');
      await this.wait();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
