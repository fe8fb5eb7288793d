import { performance } from 'node:perf_hooks';
import { SmtpClientConnection, type SmtpReply } from './client.js';
import type { BenchMessage } from './message.js';

export interface LoadOptions {
  address: string;
  port: number;
  connections: number;
  /** Sent but not measured, so both servers are past their start-up (process spawns, JIT, caches). */
  warmupMs: number;
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

interface Window {
  warmupEnd: number;
  end: number;
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
  const start = performance.now();
  const window: Window = { warmupEnd: start + options.warmupMs, end: start + options.warmupMs + options.durationMs };
  await Promise.all(sessions.map((session) => sendUntilEnd(session, options, window, tally)));
  await Promise.all(sessions.map((session) => session.quit(options.replyTimeoutMs)));
  return {
    measured: tally.measured,
    windowMs: options.durationMs,
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
    while (performance.now() < window.end && !options.signal.aborted) {
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
      if (answeredAt >= window.warmupEnd && answeredAt <= window.end) {
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
