import { connect, type Socket } from 'node:net';

const TERMINATOR = Buffer.from('\r\n.\r\n');

/** A minimal POP3 client for load: one command at a time, as fetchmail and mail programs do. */
export class BenchPop3Client {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, user: string, password: string): Promise<BenchPop3Client> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new BenchPop3Client(socket);
    await client.expectOk(await client.statusLine(), 'greeting');
    await client.expectOk(await client.command(`USER ${user}`), 'USER');
    await client.expectOk(await client.command(`PASS ${password}`), 'PASS');
    return client;
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.statusLine();
  }

  /** RETR n: returns the octets of the multi-line answer after the status line (stuffing and terminator included). */
  async retrieve(number: number): Promise<number> {
    await this.expectOk(await this.command(`RETR ${number}`), `RETR ${number}`);
    for (;;) {
      const end = this.buffer.indexOf(TERMINATOR);
      if (end !== -1) {
        const octets = end + TERMINATOR.length;
        this.buffer = this.buffer.subarray(octets);
        return octets;
      }
      await this.more(`RETR ${number} body`);
    }
  }

  async quit(): Promise<void> {
    await this.command('QUIT');
    this.socket.destroy();
  }

  private async statusLine(): Promise<string> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf !== -1) {
        const line = this.buffer.subarray(0, lf).toString('latin1').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(lf + 1);
        return line;
      }
      await this.more('a status line');
    }
  }

  private async expectOk(line: string, what: string): Promise<void> {
    if (!line.startsWith('+OK')) throw new Error(`${what}: ${line}`);
  }

  private more(what: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`connection closed while waiting for ${what}`));
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

export interface RetrieveRun {
  messages: number;
  octets: number;
  seconds: number;
}

/** Every client logs in, then all RETR every message of their own maildrop at once; timed from the first RETR to the last. */
export async function retrieveAll(port: number, users: readonly string[], password: string, count: number): Promise<RetrieveRun> {
  const clients = await Promise.all(users.map((user) => BenchPop3Client.connect(port, user, password)));
  const started = performance.now();
  const octets = await Promise.all(
    clients.map(async (client) => {
      let total = 0;
      for (let n = 1; n <= count; n += 1) total += await client.retrieve(n);
      return total;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.quit()));
  return { messages: users.length * count, octets: octets.reduce((a, b) => a + b, 0), seconds };
}
