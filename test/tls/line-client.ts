import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { LineReader, openSocket } from '../helpers/transcript.js';

/**
 * A raw line client that can switch to TLS in place, for STARTTLS/STLS tests: it writes exactly
 * what it is given and shows exactly what came back, in clear and then inside the tunnel.
 */
export class TlsLineClient {
  private constructor(
    private socket: Socket,
    private reader: LineReader,
  ) {}

  static async connect(port: number): Promise<TlsLineClient> {
    const socket = await openSocket(port, '127.0.0.1');
    return new TlsLineClient(socket, new LineReader(socket));
  }

  write(text: string): void {
    this.socket.write(text);
  }

  line(timeoutMs = 10_000): Promise<string | undefined> {
    return this.reader.line(timeoutMs);
  }

  /** Lines up to and including the first that `last` accepts (an SMTP final line, an IMAP tagged line, a POP3 status). */
  async until(last: (line: string) => boolean, timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const line = await this.reader.line(timeoutMs);
      if (line === undefined) return lines;
      lines.push(line);
      if (last(line)) return lines;
    }
    return lines;
  }

  /** Whatever the server sends within `ms` without being asked (nothing, when it behaves). */
  async unsolicited(ms: number): Promise<string[]> {
    const lines: string[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const line = await this.reader.line(ms);
        if (line === undefined) break;
        lines.push(line);
      }
    } catch {
      // The deadline passed with nothing more: that is the expected outcome.
    }
    return lines;
  }

  /** Starts TLS as a client verifying the server against `ca` for `servername`; resolves once the handshake is done. */
  async startTls(ca: string, servername: string): Promise<TLSSocket> {
    const secure = tlsConnect({ socket: this.socket, ca, servername });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.reader = new LineReader(secure);
    return secure;
  }

  close(): void {
    this.socket.destroy();
  }
}
