import type { Socket } from 'node:net';
import { isLoopback } from '../../net/cidr.js';
import { LineConnection } from '../../net/line-connection.js';
import { OutputArena } from '../../net/output-arena.js';
import type { TapConversation } from '../../net/tap.js';
import type { Pop3Command, Refusal } from './command.js';
import type { Maildrop } from './maildrop.js';
import { multilineReply } from './multiline.js';
import { formatReply, isError, type ReplyName } from './replies.js';
import type { Pop3Settings } from './settings.js';
import type { Pop3State } from './state.js';

/** Capabilities every session has (RFC 2449 §6); commands add theirs (TOP, UIDL, USER, SASL, STLS). */
const FIXED_CAPABILITIES = ['RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE', 'IMPLEMENTATION wirelab'];

/** One POP3 conversation: greets, reads commands in order (pipelined or not), gates them, dispatches, replies. */
export class Pop3Session {
  state: Pop3State = { name: 'AUTHORIZATION' };
  readonly conn: LineConnection;
  /** Set while an AUTH exchange waits for the client's response, so the tap shows it as a secret. */
  expectingSecret = false;
  private readonly byVerb: Map<string, Pop3Command<unknown>>;
  private badCommands = 0;
  private closing = false;
  private readonly arena = new OutputArena();
  /** Memory to read a message into for RETR and TOP, used again once its answer is written. */
  readonly allocateOutput = this.arena.take;

  constructor(
    socket: Socket,
    readonly tap: TapConversation,
    readonly settings: Pop3Settings,
    shutdown: AbortSignal,
    readonly clientAddress: string,
    private readonly commands: readonly Pop3Command<unknown>[],
  ) {
    this.byVerb = new Map(commands.map((c) => [c.verb, c]));
    this.conn = new LineConnection(socket, {
      maxLineBytes: settings.maxLineBytes,
      idleTimeoutMs: settings.idleTimeoutMs,
      tap,
      shutdown,
      redact: (line) => this.redact(line),
    });
  }

  get maildrop(): Maildrop | undefined {
    return this.state.name === 'AUTHORIZATION' ? undefined : this.state.maildrop;
  }

  get tlsActive(): boolean {
    return this.conn.isTls;
  }

  /** STLS is offered when the lab has a certificate and the connection is still in clear. */
  get tlsOffered(): boolean {
    return !this.tlsActive && this.settings.tls() !== undefined;
  }

  /** Passwords may cross in clear only to a loopback client of a lab that allows it; otherwise only inside TLS. */
  get plaintextAllowed(): boolean {
    return this.tlsActive || (this.settings.allowPlaintextAuth && isLoopback(this.clientAddress));
  }

  /** The CAPA list for this session's state (RFC 2449 §5). */
  capabilities(): string[] {
    const fromCommands = this.commands.map((c) => c.capability?.(this)).filter((c): c is string => c !== undefined);
    return [...fromCommands, ...FIXED_CAPABILITIES];
  }

  async run(): Promise<void> {
    if (!(await this.conn.handshake)) return;
    this.reply('greeting');
    try {
      while (!this.closing) {
        const input = await this.conn.readLine();
        if (input.kind === 'end') {
          if (input.reason === 'timeout') this.reply('timeout');
          else if (input.reason === 'shutdown') this.reply('shuttingDown');
          break;
        }
        if (input.kind === 'too-long') this.reply('lineTooLong');
        else await this.dispatch(input.text);
        await this.conn.keepUp();
      }
    } finally {
      // Without QUIT there is no UPDATE state (RFC 1939 §6): marks are dropped, the lock released.
      await this.maildrop?.close();
      this.arena.release(false);
    }
    await this.conn.close();
  }

  /** The one place the state changes; the tap shows every transition. */
  setState(next: Pop3State): void {
    if (next.name !== this.state.name) this.tap.note('state', `${this.state.name} → ${next.name}`);
    this.state = next;
  }

  /** Sends a catalogue reply; errors count toward the limit after which the server hangs up. */
  reply(name: ReplyName, values: Record<string, string | number> = {}): void {
    this.conn.writeWhole(formatReply(name, values));
    if (isError(name)) this.countError();
  }

  /** A positive reply followed by a multi-line body (a message, or lines from lineBlock), stuffed and terminated, in one write. */
  replyWithBody(name: ReplyName, values: Record<string, string | number>, body: Buffer): void {
    const answer = multilineReply(formatReply(name, values), body, this.arena.take);
    // Written now: when the kernel takes all of it, the memory the message and its answer were made in
    // serves the next RETR (here or in another session); otherwise it goes with the write.
    this.arena.release(this.conn.writeNow([answer]));
  }

  /** Ends the session once the current reply is out (QUIT, failed TLS). */
  endAfterReply(): void {
    this.closing = true;
  }

  private async dispatch(line: string): Promise<void> {
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args = space === -1 ? '' : line.slice(space + 1);
    const command = this.byVerb.get(verb);
    if (!command) {
      this.reply('unknownCommand', { verb });
      return;
    }
    const gated = this.gate(command, args);
    if ('refusal' in gated) {
      this.reply(gated.refusal.reply, gated.refusal.values);
      return;
    }
    await command.handle(this, gated.args);
  }

  /** The one check before every handler: allowed in this state, available in this session, arguments valid. */
  private gate(command: Pop3Command<unknown>, text: string): { args: unknown } | { refusal: Refusal } {
    if (!command.states.includes(this.state.name)) {
      return { refusal: { reply: this.state.name === 'AUTHORIZATION' ? 'loginFirst' : 'alreadyLoggedIn' } };
    }
    const unavailable = command.unavailable?.(this);
    if (unavailable) return { refusal: unavailable };
    const parsed = command.args(text, this);
    return parsed.ok ? { args: parsed.value } : { refusal: parsed.refusal };
  }

  private countError(): void {
    this.badCommands += 1;
    if (this.badCommands >= this.settings.maxBadCommands && !this.closing) {
      this.conn.writeWhole(formatReply('tooManyErrors'));
      this.closing = true;
    }
  }

  /** Passwords and SASL responses reach the transcript as ***. */
  private redact(line: string): string | undefined {
    if (this.expectingSecret) return '***';
    const secret = /^(PASS|AUTH\s+\S+|APOP\s+\S+)\s+\S/i.exec(line);
    return secret ? `${secret[1]} ***` : undefined;
  }

}
