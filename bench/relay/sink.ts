import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { waitForListener } from '../../test/helpers/free-port.js';

const SMTP_SINK = '/usr/sbin/smtp-sink';

/** The remote end of the relay: counts the messages it accepts, and when the first and the latest came. */
export interface Sink {
  name: string;
  count: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** Resolves once `n` messages arrived, or rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Postfix's smtp-sink when installed (a C server that answers 250 at once), else a small sink in Node. */
export function startSink(address: string, port: number): Promise<Sink> {
  return existsSync(SMTP_SINK) && process.getuid?.() === 0 ? startSmtpSink(address, port) : startNodeSink(address, port);
}

abstract class Counting implements Sink {
  abstract name: string;
  count = 0;
  firstAt: number | undefined;
  lastAt: number | undefined;

  protected counted(total: number): void {
    const now = performance.timeOrigin + performance.now();
    if (total > this.count) {
      this.firstAt ??= now;
      this.lastAt = now;
      this.count = total;
    }
  }

  async waitFor(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count < n) {
      if (Date.now() > deadline) throw new Error(`${this.name} received ${this.count} of ${n} messages within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  abstract stop(): Promise<void>;
}

/** `smtp-sink -c`: its running counter (`sess=… quit=… mesg=N`, one update per message) is read from stdout. */
async function startSmtpSink(address: string, port: number): Promise<Sink> {
  class SmtpSink extends Counting {
    name = 'smtp-sink';
    constructor(private readonly child: ChildProcess) {
      super();
      let pending = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        pending += chunk.toString('latin1');
        const updates = pending.split('\r');
        pending = updates.pop() ?? '';
        const last = updates.at(-1);
        const mesg = last === undefined ? undefined : /mesg=(\d+)/.exec(last)?.[1];
        if (mesg !== undefined) this.counted(Number(mesg));
      });
    }
    async stop(): Promise<void> {
      if (this.child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGTERM');
      });
    }
  }
  // -u: it refuses to run as root; 1024: the listen backlog.
  const child = spawn(SMTP_SINK, ['-u', 'nobody', '-c', `${address}:${port}`, '1024'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = new SmtpSink(child);
  await waitForListener(address, port, 10_000);
  return sink;
}

/** The fallback: every command gets 250 (354 for DATA), a message counts at its final dot. */
async function startNodeSink(address: string, port: number): Promise<Sink> {
  class NodeSink extends Counting {
    name = 'node sink (smtp-sink not installed)';
    private readonly sockets = new Set<Socket>();
    constructor(private readonly server: Server) {
      super();
      server.on('connection', (socket) => this.serve(socket));
    }
    async stop(): Promise<void> {
      for (const s of this.sockets) s.destroy();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
    private serve(socket: Socket): void {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let text = '';
      let inData = false;
      socket.write('220 sink ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        let replies = '';
        for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n')) {
          const line = text.slice(0, lf).replace(/\r$/, '');
          text = text.slice(lf + 1);
          if (inData) {
            if (line === '.') {
              inData = false;
              this.counted(this.count + 1);
              replies += '250 2.0.0 Ok\r\n';
            }
          } else if (/^DATA$/i.test(line)) {
            inData = true;
            replies += '354 go ahead\r\n';
          } else if (/^EHLO/i.test(line)) replies += '250-sink\r\n250 PIPELINING\r\n';
          else if (/^QUIT/i.test(line)) replies += '221 Bye\r\n';
          else replies += '250 2.0.0 Ok\r\n';
        }
        if (replies) socket.write(replies);
      });
    }
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, backlog: 1024 }, () => resolve());
  });
  return new NodeSink(server);
}
