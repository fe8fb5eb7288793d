import type { Socket } from 'node:net';
import { isLoopback } from '../../net/cidr.js';
import { LineConnection } from '../../net/line-connection.js';
import type { TapConversation } from '../../net/tap.js';
import type { SmtpCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { formatReply, reply, type Reply, type ReplyName } from './replies.js';
import type { SmtpSettings } from './settings.js';
import type { SmtpState } from './state.js';

const BY_VERB = new Map<string, SmtpCommand>(COMMANDS.map((c) => [c.verb, c]));

/** One SMTP conversation: reads commands in order (pipelined or not), gates them, dispatches, replies. */
export class SmtpSession {
  state: SmtpState = { phase: 'connected' };
  /** The address of the logged-in user (RFC 4954), once AUTH succeeded. */
  user: string | undefined;
  readonly conn: LineConnection;
  readonly clientAddress: string;
  private errors = 0;
  private closing = false;
  /** Set while an AUTH exchange waits for the client's next line, so the tap shows it as a secret. */
  expectingSecret = false;

  constructor(
    socket: Socket,
    readonly tap: TapConversation,
    readonly settings: SmtpSettings,
    shutdown: AbortSignal,
    clientAddress: string,
  ) {
    this.clientAddress = clientAddress;
    this.conn = new LineConnection(socket, {
      maxLineBytes: settings.maxLineBytes,
      idleTimeoutMs: settings.idleTimeoutMs,
      tap,
      shutdown,
      redact: (line) => this.redact(line),
    });
  }

  get tlsActive(): boolean {
    return this.conn.isTls;
  }

  /** Whether AUTH is offered: after TLS, or in clear on the submission port to a loopback client when the lab allows it. */
  get authOffered(): boolean {
    if (this.tlsActive) return true;
    return this.settings.submission && this.settings.allowPlaintextAuth && isLoopback(this.clientAddress);
  }

  /** Whether STARTTLS can be offered: a certificate exists and the session is not encrypted yet. */
  get tlsOffered(): boolean {
    return !this.tlsActive && this.settings.tls() !== undefined;
  }

  async run(): Promise<void> {
    if (!(await this.conn.handshake)) return;
    this.send(reply('greeting', { host: this.settings.hostname }));
    while (!this.closing) {
      const input = await this.conn.readLine();
      if (input.kind === 'end') {
        if (input.reason === 'timeout') await this.hangUp('timeout');
        else if (input.reason === 'shutdown') await this.hangUp('shuttingDown');
        return;
      }
      if (input.kind === 'too-long') {
        this.fail(reply('lineTooLong'));
        continue;
      }
      await this.dispatch(input.text);
    }
    await this.conn.close();
  }

  setState(next: SmtpState): void {
    if (next.phase !== this.state.phase) this.tap.note('state', `${this.state.phase} → ${next.phase}`);
    this.state = next;
  }

  /** Sends a reply; error replies count toward the limit after which the server hangs up. */
  send(r: Reply): void {
    this.conn.write(formatReply(r));
  }

  fail(r: Reply): void {
    this.send(r);
    this.errors += 1;
    if (this.errors >= this.settings.maxErrors && !this.closing) {
      this.send(reply('tooManyErrors', { host: this.settings.hostname }));
      this.closing = true;
    }
  }

  /** Replies with a catalogue entry, counting it as an error when it is one. */
  answer(name: ReplyName, values: Record<string, string | number> = {}): void {
    const r = reply(name, { host: this.settings.hostname, ...values });
    if (r.code >= 400) this.fail(r);
    else this.send(r);
  }

  /** Ends the session after the current reply is sent (QUIT). */
  endAfterReply(): void {
    this.closing = true;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.conn.close();
  }

  private async dispatch(line: string): Promise<void> {
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args = space === -1 ? '' : line.slice(space + 1).trim();
    const command = BY_VERB.get(verb);
    if (!command) {
      this.answer('unknownCommand');
      return;
    }
    const refusal = this.gate(command, args);
    if (refusal) {
      this.answer(refusal.name, refusal.values);
      return;
    }
    await command.handle(this, args);
  }

  /** The one check before every handler: sequence, arguments, availability. */
  private gate(command: SmtpCommand, args: string): { name: ReplyName; values: Record<string, string> } | undefined {
    const outOfSequence = command.outOfSequence?.[this.state.phase];
    if (outOfSequence) return { name: outOfSequence, values: {} };
    if ((command.args === 'required' && args === '') || (command.args === 'none' && args !== '')) {
      return { name: command.syntaxReply ?? 'syntax', values: { syntax: command.syntax, verb: command.verb } };
    }
    const unavailable = command.unavailable?.(this);
    if (unavailable) return { name: unavailable, values: { verb: command.verb } };
    return undefined;
  }

  private redact(line: string): string | undefined {
    if (this.expectingSecret) return '***';
    const auth = /^(AUTH\s+\S+)\s+\S/i.exec(line);
    return auth ? `${auth[1]} ***` : undefined;
  }

  private async hangUp(name: 'timeout' | 'shuttingDown'): Promise<void> {
    this.send(reply(name, { host: this.settings.hostname }));
    await this.conn.close();
  }

}
