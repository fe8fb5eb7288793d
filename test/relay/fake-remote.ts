import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  recipients: string[];
  /** The message as the client sent it, dot-unstuffed, CRLF line ends, without the final ".". */
  data: Buffer;
  /** When the server sent its 250 to the end of data (Date.now()). */
  acceptedAt: number;
}

export interface RemoteBehaviour {
  greeting?: () => string;
  /** Extension lines after the first EHLO line; default PIPELINING, SIZE, 8BITMIME. */
  extensions?: string[];
  /** Reply to EHLO; return a non-250 to make the client fall back to HELO. */
  ehlo?: () => string | undefined;
  /** Reply to RCPT TO (default 250 2.1.5 Ok). */
  rcpt?: (address: string, from: string) => string;
  /** Reply to the end of data (default 250 2.0.0 Ok: queued). */
  endOfData?: (mail: Omit<ReceivedMail, 'acceptedAt'>) => string;
  /** Wait this long before answering the end of data. */
  endOfDataDelayMs?: number;
  /** Close the connection instead of answering the end of data (the reply is lost). */
  hangUpAtEndOfData?: boolean;
}

/**
 * A tiny SMTP server written for the tests: the remote side of a delivery, scripted per test
 * (a greylister, a sink, a server that refuses or hangs). It understands just enough of RFC 5321
 * for a client that behaves; every transaction it completes is kept in `mails`.
 */
export class FakeRemote {
  readonly mails: ReceivedMail[] = [];
  /** Every command line received, in order, per connection. */
  readonly sessions: string[][] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(
    readonly address: string,
    private readonly behaviour: RemoteBehaviour = {},
  ) {}

  async start(port = 0): Promise<this> {
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.address, port }, () => resolve());
    });
    const bound = server.address();
    this.port = typeof bound === 'object' && bound ? bound.port : port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits (bounded) until `count` messages arrived. */
  async waitForMails(count: number, timeoutMs: number): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.mails.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.mails;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const b = this.behaviour;
    const lines: string[] = [];
    this.sessions.push(lines);
    let buffer = Buffer.alloc(0);
    let from = '';
    let recipients: string[] = [];
    let inData = false;
    let dataLines: Buffer[] = [];
    const reply = (text: string): void => {
      if (!socket.destroyed) socket.write(`${text}\r\n`);
    };
    reply(b.greeting?.() ?? '220 fake.remote ESMTP test server');
    const handleData = async (line: Buffer): Promise<void> => {
      if (line.toString('latin1') === '.\r\n') {
        inData = false;
        const mail = { from, recipients, data: Buffer.concat(dataLines) };
        if (b.endOfDataDelayMs) await new Promise((r) => setTimeout(r, b.endOfDataDelayMs));
        if (b.hangUpAtEndOfData) {
          socket.destroy();
          return;
        }
        const answer = b.endOfData?.(mail) ?? '250 2.0.0 Ok: queued';
        if (answer.startsWith('250') && !socket.destroyed) this.mails.push({ ...mail, acceptedAt: Date.now() });
        reply(answer);
        recipients = [];
        return;
      }
      dataLines.push(line[0] === 0x2e ? line.subarray(1) : line);
    };
    const handleCommand = (text: string): void => {
      lines.push(text);
      const verb = text.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') {
        const refusal = b.ehlo?.();
        if (refusal) return reply(refusal);
        const ext = b.extensions ?? ['PIPELINING', 'SIZE 10485760', '8BITMIME'];
        reply(['fake.remote Hello', ...ext].map((l, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${l}`).join('\r\n'));
      } else if (verb === 'HELO') reply('250 fake.remote');
      else if (verb === 'MAIL') {
        from = /<(.*?)>/.exec(text)?.[1] ?? '';
        recipients = [];
        reply('250 2.1.0 Ok');
      } else if (verb === 'RCPT') {
        const address = /<(.*?)>/.exec(text)?.[1] ?? '';
        const answer = b.rcpt?.(address, from) ?? '250 2.1.5 Ok';
        if (answer.startsWith('250')) recipients.push(address);
        reply(answer);
      } else if (verb === 'DATA') {
        if (recipients.length === 0) return reply('554 5.5.1 Error: no valid recipients');
        inData = true;
        dataLines = [];
        reply('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        recipients = [];
        reply('250 2.0.0 Ok');
      } else if (verb === 'NOOP') reply('250 2.0.0 Ok');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 Bye');
        socket.end();
      } else reply('502 5.5.2 Error: command not recognized');
    };
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let lf = buffer.indexOf(0x0a); lf !== -1; lf = buffer.indexOf(0x0a)) {
        const line = buffer.subarray(0, lf + 1);
        buffer = buffer.subarray(lf + 1);
        // Lines are handled in order, even when the end of data waits before answering.
        chain = chain.then(() => (inData ? handleData(line) : handleCommand(line.toString('utf8').replace(/\r?\n$/, ''))));
      }
    });
  }
}
