import { connect as tlsConnect } from 'node:tls';
import { LineReader, openSocket, type Step } from '../helpers/transcript.js';

/** A POP3 client for tests: one line at a time, multi-line answers read to the final ".". */
export class RawPop3 {
  private constructor(readonly reader: LineReader) {}

  static async connect(port: number, host = '127.0.0.1'): Promise<RawPop3> {
    return new RawPop3(new LineReader(await openSocket(port, host)));
  }

  /** POP3S: TLS from the first byte, trusting the lab CA. */
  static async connectTls(port: number, ca: string, servername = 'st.um'): Promise<RawPop3> {
    const socket = tlsConnect({ port, host: '127.0.0.1', ca, servername });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    return new RawPop3(new LineReader(socket));
  }

  async line(timeoutMs = 10_000): Promise<string> {
    return (await this.reader.line(timeoutMs)) ?? '(closed)';
  }

  async command(text: string): Promise<string> {
    this.reader.socket.write(`${text}\r\n`);
    return this.line();
  }

  /** A multi-line answer's body, un-stuffed (RFC 1939 §3), as raw lines. */
  async block(): Promise<string[]> {
    const lines: string[] = [];
    for (let n = 0; n < 1_000_000; n += 1) {
      const line = await this.line();
      if (line === '.' || line === '(closed)') return lines;
      lines.push(line.startsWith('.') ? line.slice(1) : line);
    }
    return lines;
  }

  async login(user = 'user2', password = 'password'): Promise<string> {
    await this.line();
    await this.command(`USER ${user}`);
    return this.command(`PASS ${password}`);
  }

  close(): void {
    this.reader.socket.destroy();
  }
}

function matches(pattern: string, line: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return regex.test(line);
}

/** Plays a POP3 transcript: every S: line is one server line, matched in order. Returns the problems found. */
export async function replayPop3(steps: Step[], port: number): Promise<string[]> {
  const socket = await openSocket(port);
  const reader = new LineReader(socket);
  const problems: string[] = [];
  try {
    let i = 0;
    while (i < steps.length) {
      const step = steps[i]!;
      if (step.from === 'C') {
        let batch = '';
        while (i < steps.length && steps[i]!.from === 'C') batch += `${steps[i++]!.text}\r\n`;
        socket.write(batch);
        continue;
      }
      const line = (await reader.line()) ?? '(connection closed)';
      if (!matches(step.text, line)) problems.push(`expected "${step.text}", got "${line}"`);
      i += 1;
    }
  } finally {
    socket.destroy();
  }
  return problems;
}
