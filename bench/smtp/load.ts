import { performance } from 'node:perf_hooks';
import { SmtpClientConnection, type SmtpReply } from './client.js';
import type { BenchMessage } from './message.js';

export interface LoadOptions {
  address: string;
  port: number;
  connections: number;
  /**
   * Sent but not measured, so both servers are past their start-up (process spawns, caches, and for
   * wirelab the JIT, which needs a number of messages rather than a time): the measured window opens
   * once the warm-up has lasted `warmupMs` and `warmupMessages` were accepted, or after WARMUP_CAP_MS.
   */
  warmupMs: number;
  warmupMessages: number;
  durationMs: number;
  message: BenchMessage;
  from: string;
  to: string;
  replyTimeoutMs: number;
  /** Stops sending new messages (Ctrl-C); messages in flight are finished. */
  signal: AbortSignal;
}

export interface LoadResult {
  /** 250 replies to the final dot that arrived inside the measured window. */
  measured: number;
  windowMs: number;
  warmup: { ms: number; messages: number };
  /** Every 250 to a final dot, warm-up and the messages still in flight at the end included: what the Maildir must hold. */
  accepted: number;
  /** From handing the final dot to the socket to reading the 250, for the measured messages. */
  latenciesMs: number[];
  failures: number;
  /** The first few unexpected replies or connection errors, to show what went wrong. */
  failureSamples: string[];
}

const SAMPLES_KEPT = 5;

class Tally {
  measured = 0;
  accepted = 0;
  failures = 0;
  readonly latenciesMs: number[] = [];
  readonly failureSamples: string[] = [];

  fail(what: string): void {
    this.failures += 1;
    if (this.failureSamples.length < SAMPLES_KEPT) this.failureSamples.push(what);
  }
}

/** A slow server still gets measured: the warm-up never lasts longer than this. */
const WARMUP_CAP_MS = 60_000;

/** The measured window: it opens when the warm-up is over and closes `durationMs` later. */
class Window {
  private opensAt: number | undefined;
  private warmupMessages = 0;

  constructor(
    private readonly start: number,
    private readonly options: LoadOptions,
  ) {}

  /** Whether no new message should be started (also when a server that accepts nothing has had its time). */
  isOver(now: number): boolean {
    const closesAt = this.opensAt === undefined ? this.start + WARMUP_CAP_MS : this.opensAt;
    return now >= closesAt + this.options.durationMs;
  }

  /** Takes note of a 250 to a final dot; true when it falls inside the measured window. */
  accepted(now: number): boolean {
    if (this.opensAt === undefined) {
      this.warmupMessages += 1;
      const warm = now - this.start >= this.options.warmupMs && this.warmupMessages >= this.options.warmupMessages;
      if (warm || now - this.start >= WARMUP_CAP_MS) this.opensAt = now;
      return false;
    }
    return now <= this.opensAt + this.options.durationMs;
  }

  get warmup(): { ms: number; messages: number } {
    return { ms: (this.opensAt ?? this.start) - this.start, messages: this.warmupMessages };
  }
}

/**
 * Drives `connections` SMTP sessions at once, each sending messages back to back: EHLO once, then
 * per message MAIL, RCPT and DATA in one pipelined write (RFC 2920), then the message and its dot.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const tally = new Tally();
  const opened = await Promise.allSettled(Array.from({ length: options.connections }, () => openSession(options)));
  const sessions: SmtpClientConnection[] = [];
  for (const result of opened) {
    if (result.status === 'fulfilled') sessions.push(result.value);
    else tally.fail(`could not start a session: ${(result.reason as Error).message}`);
  }
  // The clock starts once every session is greeted, so connection set-up is not part of the rate.
  const window = new Window(performance.now(), options);
  await Promise.all(sessions.map((session) => sendUntilEnd(session, options, window, tally)));
  await Promise.all(sessions.map((session) => session.quit(options.replyTimeoutMs)));
  return {
    measured: tally.measured,
    windowMs: options.durationMs,
    warmup: window.warmup,
    accepted: tally.accepted,
    latenciesMs: tally.latenciesMs,
    failures: tally.failures,
    failureSamples: tally.failureSamples,
  };
}

async function openSession(options: LoadOptions): Promise<SmtpClientConnection> {
  const session = await SmtpClientConnection.open(options.address, options.port, options.replyTimeoutMs);
  try {
    expect(await session.reply(options.replyTimeoutMs), 220, 'greeting');
    session.write('EHLO bench-client.test\r\n');
    const ehlo = expect(await session.reply(options.replyTimeoutMs), 250, 'EHLO');
    if (!ehlo.lines.some((line) => /^250[- ]PIPELINING\b/i.test(line))) throw new Error('the server does not offer PIPELINING');
    return session;
  } catch (err) {
    session.destroy();
    throw err;
  }
}

async function sendUntilEnd(session: SmtpClientConnection, options: LoadOptions, window: Window, tally: Tally): Promise<void> {
  const envelope = Buffer.from(`MAIL FROM:<${options.from}>\r\nRCPT TO:<${options.to}>\r\nDATA\r\n`);
  const timeout = options.replyTimeoutMs;
  try {
    while (!window.isOver(performance.now()) && !options.signal.aborted) {
      session.write(envelope);
      const replies = [await session.reply(timeout), await session.reply(timeout), await session.reply(timeout)];
      if (replies[2]!.code !== 354) {
        tally.fail(`to MAIL/RCPT/DATA: ${replies.map(describe).join(' / ')}`);
        continue;
      }
      const sentAt = performance.now();
      session.write(options.message.wire);
      const final = await session.reply(timeout);
      const answeredAt = performance.now();
      if (final.code !== 250) {
        tally.fail(`to the final dot: ${describe(final)}`);
        continue;
      }
      tally.accepted += 1;
      if (window.accepted(answeredAt)) {
        tally.measured += 1;
        tally.latenciesMs.push(answeredAt - sentAt);
      }
    }
  } catch (err) {
    tally.fail(`connection: ${(err as Error).message}`);
  }
}

function expect(reply: SmtpReply, code: number, step: string): SmtpReply {
  if (reply.code !== code) throw new Error(`${step}: expected ${code}, got ${describe(reply)}`);
  return reply;
}

function describe(reply: SmtpReply): string {
  return reply.lines[reply.lines.length - 1] ?? String(reply.code);
}
