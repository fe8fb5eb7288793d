import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  /** Every line of the reply, code included, without line ends. */
  lines: string[];
}

/**
 * The load generator's side of one SMTP connection: writes what it is given as it is (pipelined
 * commands, message blocks) and reads replies one at a time, each within a deadline.
 */
export class SmtpClientConnection {
  private text = '';
  private closed = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.signal();
    });
    socket.on('close', () => {
      this.closed = true;
      this.signal();
    });
    socket.on('error', () => undefined);
  }

  static open(address: string, port: number, timeoutMs: number): Promise<SmtpClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to ${address}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new SmtpClientConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  /** The next complete reply (`250-…` continuation lines up to `250 …`). */
  async reply(timeoutMs: number): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    const lines: string[] = [];
    for (;;) {
      const lf = this.text.indexOf('\n');
      if (lf !== -1) {
        const line = this.text.slice(0, this.text[lf - 1] === '\r' ? lf - 1 : lf);
        this.text = this.text.slice(lf + 1);
        lines.push(line);
        if (line[3] !== '-') return { code: Number(line.slice(0, 3)), lines };
        continue;
      }
      if (this.closed) throw new Error(`the server closed the connection${lines.length > 0 ? ` after: ${lines.join(' | ')}` : ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Says QUIT (politely, without waiting long) and closes. */
  async quit(timeoutMs: number): Promise<void> {
    if (!this.closed) {
      this.write('QUIT\r\n');
      await this.reply(timeoutMs).catch(() => undefined);
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
