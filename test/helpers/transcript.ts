import { connect, type Socket } from 'node:net';

/**
 * A conversation in the students' telnet form: `C: ` lines are sent as typed (CRLF added),
 * `S: ` lines are the expected replies, where `*` matches anything. Lines starting with `#` are comments.
 * Consecutive `C:` lines are sent together (pipelining); a multi-line reply is matched by its last line
 * unless the fixture lists every line.
 */
export interface Step {
  from: 'C' | 'S';
  text: string;
}

export function parseTranscript(text: string): Step[] {
  return text
    .split('\n')
    .filter((l) => /^[CS]: ?/.test(l))
    .map((l) => ({ from: l[0] as 'C' | 'S', text: l.replace(/^[CS]: ?/, '').replace(/\r$/, '') }));
}

function matches(pattern: string, line: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(line);
}

/** Reads CRLF lines from a socket, on demand, with a deadline per line. */
export class LineReader {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buffer += c.toString('utf8');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  async line(timeoutMs = 10_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lf = this.buffer.indexOf('\n');
      if (lf !== -1) {
        const line = this.buffer.slice(0, lf).replace(/\r$/, '');
        this.buffer = this.buffer.slice(lf + 1);
        return line;
      }
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line within ${timeoutMs} ms (buffer: ${JSON.stringify(this.buffer)})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** One SMTP-style reply (`250-…` lines up to `250 …`). */
  async reply(timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      if (line === undefined) return lines;
      lines.push(line);
      if (!/^\d{3}-/.test(line)) return lines;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function openSocket(port: number, host = '127.0.0.1', localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Plays a transcript against a server and returns the problems found (empty when it matched).
 * `replyReader` reads one reply: SMTP-style multi-line by default.
 */
export async function replay(steps: Step[], port: number, options: { host?: string; localAddress?: string } = {}): Promise<string[]> {
  const socket = await openSocket(port, options.host, options.localAddress);
  const reader = new LineReader(socket);
  const problems: string[] = [];
  try {
    let i = 0;
    while (i < steps.length) {
      if (steps[i]!.from === 'C') {
        let batch = '';
        while (i < steps.length && steps[i]!.from === 'C') batch += `${steps[i++]!.text}\r\n`;
        socket.write(batch);
        continue;
      }
      const expected: string[] = [];
      while (i < steps.length && steps[i]!.from === 'S') expected.push(steps[i++]!.text);
      // Each expected S: line is one reply's last line, unless it is a continuation line (NNN-).
      let e = 0;
      while (e < expected.length) {
        const got = await reader.reply();
        const want = expected.slice(e, e + (expected.slice(e).findIndex((l) => !/^\d{3}-/.test(l)) + 1 || 1));
        e += want.length;
        const compare = want.length === 1 ? [got[got.length - 1] ?? '(connection closed)'] : got;
        want.forEach((w, k) => {
          const line = compare[k] ?? '(missing)';
          if (!matches(w, line)) problems.push(`expected "${w}", got "${line}"`);
        });
      }
    }
  } finally {
    socket.destroy();
  }
  return problems;
}
