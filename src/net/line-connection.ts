import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ByteQueue } from './byte-queue.js';
import { secureServerSocket, type ServerTlsOptions } from './secure-socket.js';
import type { TapConversation } from './tap.js';

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
/** Pause reading from a client that sends faster than its commands are handled. */
const HIGH_WATER = 1024 * 1024;
/** Output waiting for a client beyond what the kernel holds, past which `keepUp` waits for it. */
const MAX_UNSENT = 256 * 1024;
/** A data block larger than this reaches the tap as its first bytes and a count of the rest. */
const TAP_BLOCK_LIMIT = 1024 * 1024;

export type EndReason = 'eof' | 'timeout' | 'closed' | 'error' | 'shutdown';

export type LineResult =
  | { kind: 'line'; text: string; bytes: Buffer }
  | { kind: 'too-long' }
  | { kind: 'end'; reason: EndReason };

export type BlockResult =
  | { kind: 'block'; data: Buffer }
  | { kind: 'too-big'; size: number }
  | { kind: 'end'; reason: EndReason };

export interface LineConnectionOptions {
  /** Longest command line accepted, line ending included (SMTP: 1000, RFC 5321 §4.5.3.1.4). */
  maxLineBytes: number;
  idleTimeoutMs: number;
  tap: TapConversation;
  /** Turns a client line holding a secret into the text the transcript shows instead. */
  redact?: (line: string) => string | undefined;
  /** Ends a wait for the next command when the lab shuts down; a block being read is finished first. */
  shutdown?: AbortSignal;
}

/** How many bytes at the start of `bytes` are whole data-block lines needing no change: CRLF-ended, not starting with a dot. */
function plainLines(bytes: Buffer): number {
  let end = 0;
  while (end < bytes.length && bytes[end] !== DOT) {
    const lf = bytes.indexOf(LF, end);
    if (lf <= end || bytes[lf - 1] !== CR) break;
    end = lf + 1;
  }
  return end;
}

/**
 * The shared line-protocol engine: CRLF command lines with a length limit, pipelining (lines are read
 * one at a time from what arrived), dot-stuffed data blocks, exact-length reads for literals,
 * STARTTLS in place, idle timeout and back-pressure. Every byte read or written goes to the tap.
 */
export class LineConnection {
  private socket: Socket;
  private readonly queue = new ByteQueue();
  private ended: EndReason | undefined;
  private wake: (() => void) | undefined;
  private discardingLongLine = false;
  private paused = false;
  /** Set while replies are being gathered into one write (see `write`). */
  private corked = false;
  private readonly onData = (chunk: Buffer): void => this.received(chunk);
  private readonly onEnd = (): void => this.finish('eof');
  private readonly onClose = (): void => this.finish('closed');
  private readonly onError = (): void => this.finish('error');
  private waitingInBlock = false;
  /**
   * The idle timeout is checked lazily: reads and writes only note the time, and one timer per
   * connection re-arms itself for what is left. socket.setTimeout reschedules a timer on every read
   * and write, which showed in profiles of a busy POP3 server.
   */
  private idleTimer: NodeJS.Timeout | undefined;
  private lastActivity = Date.now();
  private readonly onIdleCheck = (): void => {
    this.idleTimer = undefined;
    if (this.ended !== undefined) return;
    const quiet = Date.now() - this.lastActivity;
    if (quiet >= this.options.idleTimeoutMs) this.finish('timeout');
    else this.armIdleTimer(this.options.idleTimeoutMs - quiet);
  };
  private readonly onShutdown = (): void => {
    if (!this.waitingInBlock) this.signal();
  };

  /**
   * TLS from the first byte (SMTPS, POP3S, IMAPS): resolves true once the handshake is done and recorded
   * on the tap, false if it failed; true at once for a clear connection. Greet only after it.
   */
  readonly handshake: Promise<boolean>;

  constructor(
    socket: Socket,
    private readonly options: LineConnectionOptions,
  ) {
    this.socket = socket;
    this.handshake =
      socket instanceof TLSSocket
        ? new Promise<boolean>((resolve) => {
            socket.once('secure', () => {
              this.tapTls(socket);
              resolve(true);
            });
            socket.once('error', () => resolve(false));
            socket.once('close', () => resolve(false));
          })
        : Promise.resolve(true);
    this.attach(socket);
    options.shutdown?.addEventListener('abort', this.onShutdown, { once: true });
  }

  get tap(): TapConversation {
    return this.options.tap;
  }

  get isTls(): boolean {
    return this.socket instanceof TLSSocket;
  }

  get tlsSocket(): TLSSocket | undefined {
    return this.socket instanceof TLSSocket ? this.socket : undefined;
  }

  get isOpen(): boolean {
    return this.ended === undefined && !this.socket.destroyed;
  }

  /** The next command line, without its line ending. Bare LF ends a line too (people type at telnet). */
  async readLine(): Promise<LineResult> {
    for (;;) {
      const lf = this.queue.indexOf(LF);
      if (this.options.shutdown?.aborted && lf === -1) return { kind: 'end', reason: 'shutdown' };
      if (this.discardingLongLine) {
        if (lf === -1) {
          this.queue.clear();
        } else {
          this.queue.skip(lf + 1);
          this.discardingLongLine = false;
          this.resumeIfDrained();
          return { kind: 'too-long' };
        }
      } else if (lf !== -1) {
        if (lf + 1 > this.options.maxLineBytes) {
          this.queue.skip(lf + 1);
          this.resumeIfDrained();
          return { kind: 'too-long' };
        }
        const raw = this.queue.take(lf + 1);
        this.resumeIfDrained();
        const end = raw.length >= 2 && raw[raw.length - 2] === CR ? raw.length - 2 : raw.length - 1;
        const bytes = raw.subarray(0, end);
        const text = bytes.toString('utf8');
        this.options.tap.data('client', raw, this.options.redact?.(text));
        return { kind: 'line', text, bytes };
      } else if (this.queue.length >= this.options.maxLineBytes) {
        this.queue.clear();
        this.discardingLongLine = true;
      }
      if (this.ended) return { kind: 'end', reason: this.ended };
      await this.waitForData();
    }
  }

  /**
   * A dot-terminated block (SMTP DATA), un-stuffed, with CRLF line ends. The block ends only at
   * CRLF "." CRLF: a "." after a bare LF is content, so a message cannot smuggle a second one
   * (CVE-2023-51764); bare LF line ends are stored as CRLF. Past `maxBytes` the rest is read and dropped.
   */
  async readDotBlock(maxBytes: number): Promise<BlockResult> {
    const kept: Buffer[] = [];
    const tapped: Buffer[] = [];
    let keptBytes = 0;
    let seenBytes = 0;
    let tappedBytes = 0;
    let previousEndedInCrlf = true;
    /** No line was un-stuffed or had its line end repaired: the message is the wire bytes without the final dot. */
    let unchanged = true;
    for (;;) {
      // Lines that need no change are taken as one piece (a 100 KB message is a few pieces, not 1,300 lines).
      const plain = plainLines(this.queue.peekContiguous());
      const lf = plain > 0 ? plain - 1 : this.queue.indexOf(LF);
      if (lf === -1) {
        if (this.ended) {
          this.tapBlock(tapped, tappedBytes, seenBytes);
          return { kind: 'end', reason: this.ended };
        }
        await this.waitForData(true);
        continue;
      }
      const raw = this.queue.take(lf + 1);
      seenBytes += raw.length;
      if (tappedBytes < TAP_BLOCK_LIMIT) {
        tapped.push(raw);
        tappedBytes += raw.length;
      }
      const crlf = raw.length >= 2 && raw[raw.length - 2] === CR;
      if (crlf && previousEndedInCrlf && raw.length === 3 && raw[0] === DOT) {
        this.resumeIfDrained();
        const wire = this.tapBlock(tapped, tappedBytes, seenBytes);
        if (keptBytes > maxBytes) return { kind: 'too-big', size: keptBytes };
        // The usual case shares the tapped copy instead of making a second one (a 100 KB message is copied once).
        if (unchanged && tappedBytes === seenBytes) return { kind: 'block', data: wire.subarray(0, wire.length - raw.length) };
        return { kind: 'block', data: Buffer.concat(kept, keptBytes) };
      }
      previousEndedInCrlf = crlf;
      let line = raw[0] === DOT ? raw.subarray(1) : raw;
      if (!crlf) line = Buffer.concat([line.subarray(0, line.length - 1), CRLF]);
      if (line !== raw) unchanged = false;
      keptBytes += line.length;
      if (keptBytes <= maxBytes) kept.push(line);
      else kept.length = 0;
      this.resumeIfDrained();
    }
  }

  /** Exactly `n` bytes (an IMAP literal), or the end of the connection; `redacted` is what the transcript shows when they are a secret. */
  async readExact(n: number, redacted?: string): Promise<{ kind: 'bytes'; bytes: Buffer } | { kind: 'end'; reason: EndReason }> {
    while (this.queue.length < n) {
      if (this.ended) return { kind: 'end', reason: this.ended };
      await this.waitForData(true);
    }
    const bytes = this.queue.take(n);
    this.resumeIfDrained();
    this.options.tap.data('client', bytes, redacted);
    return { kind: 'bytes', bytes };
  }

  /** Reads exactly `n` bytes and drops them as they come (a refused BDAT chunk); the tap records their count, not them. */
  async skipExact(n: number): Promise<EndReason | undefined> {
    let left = n;
    while (left > 0) {
      if (this.queue.length === 0) {
        if (this.ended) return this.ended;
        await this.waitForData(true);
        continue;
      }
      const taken = Math.min(left, this.queue.length);
      this.queue.skip(taken);
      left -= taken;
      this.resumeIfDrained();
    }
    this.options.tap.data('client', Buffer.alloc(0), undefined, n);
    return undefined;
  }

  /**
   * Sends a reply. `redacted` is what the transcript shows when the reply holds a secret. Replies
   * written while pipelined commands are handled in one go leave in one segment (RFC 2920 §3.2 lets
   * the server batch them): the socket is corked until the handlers yield to the event loop.
   */
  write(data: string | Buffer, redacted?: string): void {
    this.send(data, redacted, true);
  }

  /**
   * Sends a reply that is whole in this one write (a POP3 answer): straight to the socket, unless
   * pipelined commands wait to be answered or earlier replies of this turn are held (then as `write`).
   * Skipping the cork saves a deferred flush per command on a request-response protocol.
   */
  writeWhole(data: string | Buffer, redacted?: string): void {
    this.send(data, redacted, this.corked || this.queue.length > 0);
  }

  private send(data: string | Buffer, redacted: string | undefined, batch: boolean): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.lastActivity = Date.now();
    this.options.tap.data('server', bytes, redacted);
    if (batch && !this.corked) {
      const socket = this.socket;
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  /**
   * Writes the pieces now, after anything held back, in one system call, and says whether the kernel
   * took every byte: then nothing references their memory any more and the caller may use it again.
   */
  writeNow(pieces: readonly Buffer[]): boolean {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return false;
    this.lastActivity = Date.now();
    socket.cork();
    for (const piece of pieces) {
      this.options.tap.data('server', piece);
      socket.write(piece);
    }
    socket.uncork();
    if (this.corked) {
      this.corked = false;
      socket.uncork();
    }
    return socket.writableLength === 0;
  }

  /** Bytes written that the kernel has not taken yet. */
  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Before reading the next command: waits while more than MAX_UNSENT bytes wait for the client, so
   * one that pipelines commands without reading the answers never makes the server buffer them all.
   */
  keepUp(): Promise<void> {
    return this.unsentBytes > MAX_UNSENT ? this.flush() : Promise.resolve();
  }

  /** Resolves once what was written has been handed to the kernel. */
  flush(): Promise<void> {
    if (this.socket.destroyed || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(Buffer.alloc(0), () => resolve()));
  }

  /**
   * Starts TLS on this connection as the server. Anything the client pipelined in clear after the
   * command that asked for TLS is discarded, so it can never run inside the tunnel (CVE-2011-0411).
   */
  async upgradeToTls(options: ServerTlsOptions): Promise<boolean> {
    this.queue.clear();
    this.detach(this.socket);
    const secure = secureServerSocket(this.socket, options);
    const ok = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('error', () => resolve(false));
      secure.once('close', () => resolve(false));
    });
    if (!ok) {
      secure.destroy();
      this.finish('error');
      return false;
    }
    this.socket = secure;
    this.attach(secure);
    this.tapTls(secure);
    return true;
  }

  /** Records a TLS session that began with the connection (implicit TLS). */
  tapTls(socket: TLSSocket): void {
    const cipher = socket.getCipher();
    const cert = socket.getCertificate();
    const names = cert && 'subjectaltname' in cert ? String(cert.subjectaltname ?? '') : undefined;
    const servername = (socket as TLSSocket & { servername?: string | false }).servername;
    this.options.tap.tls(socket.getProtocol() ?? 'unknown', cipher.name, servername || undefined, names);
  }

  /** Half-closes after the pending replies are written, then waits for the socket to close. */
  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    this.lastActivity = Date.now();
    if (this.idleTimer === undefined) this.armIdleTimer(this.options.idleTimeoutMs);
  }

  private armIdleTimer(delayMs: number): void {
    if (this.options.idleTimeoutMs <= 0) return;
    this.idleTimer = setTimeout(this.onIdleCheck, delayMs);
    this.idleTimer.unref();
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
  }

  private received(chunk: Buffer): void {
    this.lastActivity = Date.now();
    this.queue.push(chunk);
    if (this.queue.length > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.signal();
  }

  private resumeIfDrained(): void {
    if (this.paused && this.queue.length < HIGH_WATER / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private finish(reason: EndReason): void {
    if (this.ended === undefined) this.ended = reason;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    // The lab-wide shutdown signal outlives every connection: a listener left on it would keep this
    // connection in memory and make each new connection's addEventListener scan one more entry.
    this.options.shutdown?.removeEventListener('abort', this.onShutdown);
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** `inBlock`: the client is mid-transfer, so a shutdown must not interrupt the wait. */
  private waitForData(inBlock = false): Promise<void> {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (!inBlock && this.options.shutdown?.aborted) return Promise.resolve();
    this.waitingInBlock = inBlock;
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Publishes a data block's wire bytes (up to TAP_BLOCK_LIMIT) and returns them. */
  private tapBlock(parts: Buffer[], tappedBytes: number, seenBytes: number): Buffer {
    const bytes = Buffer.concat(parts, tappedBytes);
    const omitted = seenBytes - tappedBytes;
    this.options.tap.data('client', bytes, undefined, omitted > 0 ? omitted : undefined);
    return bytes;
  }
}
