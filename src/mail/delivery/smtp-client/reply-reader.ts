import type { Socket } from 'node:net';
import { ByteQueue } from '../../../net/byte-queue.js';
import type { SmtpReply } from './reply.js';

/** RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers stay far below this. */
const MAX_LINE_BYTES = 4096;
/** A reply longer than this many lines is not a reply (a broken or hostile server). */
const MAX_LINES = 200;

/** Why a reply could not be read. */
export type ReadProblem = 'timeout' | 'lost' | 'protocol';

export class ReplyReadError extends Error {
  constructor(
    readonly problem: ReadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ReplyReadError';
  }
}

/**
 * Reads SMTP replies from a socket: lines with a 3-digit code, `-` continuing and ` ` ending a
 * reply (RFC 5321 §4.2.1). Bytes are handed to `onReply` one whole reply at a time, for the tap.
 * It can move to a new socket after STARTTLS, dropping what arrived in clear.
 */
export class ReplyReader {
  private readonly buffer = new ByteQueue();
  private socket: Socket | undefined;
  private ended: string | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer.push(chunk);
    this.signal();
  };
  private readonly onEnd = (): void => this.finish('the server closed the connection');
  private readonly onError = (err: Error): void => this.finish(err.message);

  constructor(private readonly onReply: (bytes: Buffer) => void) {}

  attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  detach(): void {
    const socket = this.socket;
    if (!socket) return;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.off('error', this.onError);
    this.socket = undefined;
  }

  /** Forgets bytes received but not read: what a server sent in clear after its 220 to STARTTLS (RFC 3207 §6). */
  discardBuffered(): number {
    const n = this.buffer.length;
    this.buffer.clear();
    return n;
  }

  /** The next whole reply; throws ReplyReadError when the time runs out, the connection ends, or the bytes are not a reply. */
  async read(timeoutMs: number): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    const lines: string[] = [];
    const raw: Buffer[] = [];
    let code: number | undefined;
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf === -1) {
        if (this.buffer.length > MAX_LINE_BYTES) throw new ReplyReadError('protocol', 'reply line too long');
        if (this.ended !== undefined) throw new ReplyReadError('lost', this.ended);
        const left = deadline - Date.now();
        if (left <= 0) throw new ReplyReadError('timeout', `no reply within ${Math.round(timeoutMs / 1000)} s`);
        await this.waitForData(left);
        continue;
      }
      if (lf + 1 > MAX_LINE_BYTES) throw new ReplyReadError('protocol', 'reply line too long');
      const bytes = this.buffer.take(lf + 1);
      raw.push(bytes);
      const line = bytes.toString('utf8').replace(/\r?\n$/, '');
      const match = /^(\d{3})([ -]|$)(.*)$/.exec(line);
      if (!match) throw new ReplyReadError('protocol', `not an SMTP reply: ${line.slice(0, 80).replace(/[\x00-\x1f\x7f]/g, '?')}`);
      const lineCode = Number(match[1]);
      if (code !== undefined && lineCode !== code) throw new ReplyReadError('protocol', `reply code changed from ${code} to ${lineCode} inside one reply`);
      code = lineCode;
      lines.push(match[3] ?? '');
      if (match[2] !== '-') {
        this.onReply(Buffer.concat(raw));
        return { code, lines };
      }
      if (lines.length >= MAX_LINES) throw new ReplyReadError('protocol', `a reply of more than ${MAX_LINES} lines`);
    }
  }

  private finish(why: string): void {
    this.ended ??= why;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
