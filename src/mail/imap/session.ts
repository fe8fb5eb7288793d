import type { Socket } from 'node:net';
import { MailStoreError } from '../store/index.js';
import { isLoopback } from '../../net/cidr.js';
import { LineConnection } from '../../net/line-connection.js';
import { OutputArena } from '../../net/output-arena.js';
import { stripMapped } from '../../net/tcp-service.js';
import type { TapConversation } from '../../net/tap.js';
import { capabilityList } from './capabilities.js';
import type { Completion, ImapSession, RegisteredCommand } from './command.js';
import type { Environment } from './environment.js';
import { fromStoreError, ImapError } from './errors.js';
import { admit } from './gate.js';
import { readCommand, type ReaderContext } from './protocol/command-reader.js';
import { parseCommand } from './protocol/parser.js';
import type { Command } from './protocol/tokens.js';
import { redactCommandLine } from './redaction.js';
import { code, statusLine } from './responses.js';
import { describeState, type ImapState } from './state.js';

/** Queued output is handed to the socket, and the session waits for it to drain, past this many bytes. */
const OUTPUT_CHUNK = 256 * 1024;
/** Pieces this large are written on their own rather than copied into a joined write. */
const DIRECT_WRITE = 8 * 1024;

/** One IMAP connection: reads commands, passes each through the gate, runs it, answers (RFC 3501 §2.2). */
export class Session implements ImapSession {
  state: ImapState = { name: 'not-authenticated' };
  readonly loopbackClient: boolean;
  private readonly conn: LineConnection;
  private readonly registry: ReadonlyMap<string, RegisteredCommand>;
  private output: Buffer[] = [];
  private outputBytes = 0;
  private readonly arena = new OutputArena();
  readonly allocateOutput = this.arena.take;
  private hideNextLine = false;
  private readonly reader: ReaderContext = {};
  private badInARow = 0;
  /** Resolves once an implicit-TLS (IMAPS) handshake is done, false if it failed; at once for a clear connection. */
  private readonly handshake: Promise<boolean>;

  constructor(
    socket: Socket,
    private readonly tap: TapConversation,
    shutdown: AbortSignal,
    readonly env: Environment,
    private readonly commands: readonly RegisteredCommand[],
  ) {
    this.registry = new Map(commands.map((c) => [c.name, c]));
    this.loopbackClient = isLoopback(stripMapped(socket.remoteAddress));
    this.conn = new LineConnection(socket, {
      maxLineBytes: env.limits.maxLineBytes,
      idleTimeoutMs: env.limits.idleTimeoutMs,
      tap,
      shutdown,
      redact: (line) => {
        if (this.hideNextLine) return '******** (SASL response)';
        if (this.reader.continuing === 'LOGIN') return '******** (rest of LOGIN)';
        return redactCommandLine(line);
      },
    });
    this.handshake = this.conn.handshake;
  }

  get tls(): boolean {
    return this.conn.isTls;
  }

  capabilities(): string[] {
    return capabilityList(this, this.commands);
  }

  setState(next: ImapState): void {
    const previous = this.state;
    if (previous.name === 'selected' && (next.name !== 'selected' || next.folder !== previous.folder)) previous.folder.view.close();
    this.state = next;
    if (next.name === 'authenticated' && previous.name === 'not-authenticated') this.tap.note('user', next.user);
    this.tap.note('state', describeState(next));
  }

  async send(data: Buffer | string | readonly Buffer[]): Promise<void> {
    await this.queue(data);
  }

  /**
   * Adds to the output; once a chunk has built up it goes to the connection, and the promise returned
   * then resolves when the kernel has taken it. Undefined otherwise, so a FETCH of thousands of
   * messages does not wait once per message.
   */
  queue(data: Buffer | string | readonly Buffer[]): Promise<void> | undefined {
    const pieces = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : Buffer.isBuffer(data) ? [data] : data;
    for (const piece of pieces) {
      this.output.push(piece);
      this.outputBytes += piece.length;
    }
    if (this.outputBytes < OUTPUT_CHUNK) return undefined;
    // A full chunk goes out at once; when the kernel takes all of it, its memory serves the next one.
    if (this.conn.writeNow(this.takeOutput(this.arena.take))) {
      this.arena.recycle();
      return undefined;
    }
    this.arena.release(false);
    return this.conn.flush();
  }

  async continuation(text: string, secret: boolean): Promise<string | undefined> {
    await this.send(`+ ${text}\r\n`);
    this.flushOutput();
    this.hideNextLine = secret;
    try {
      const line = await this.conn.readLine();
      return line.kind === 'line' ? line.text : undefined;
    } finally {
      this.hideNextLine = false;
    }
  }

  async idle(): Promise<'done' | 'bad' | 'end'> {
    await this.send('+ idling\r\n');
    this.flushOutput();
    const folder = this.state.name === 'selected' ? this.state.folder : undefined;
    let changed = false;
    let wake: (() => void) | undefined;
    const unsubscribe = folder?.view.onChange(() => {
      changed = true;
      wake?.();
    });
    const line = this.conn.readLine();
    try {
      for (;;) {
        const signal = new Promise<'change'>((resolve) => {
          wake = () => resolve('change');
          if (changed) resolve('change');
        });
        const winner = await Promise.race([line, signal]);
        if (winner === 'change') {
          changed = false;
          await this.announceChanges({ expunge: true });
          this.flushOutput();
          continue;
        }
        if (winner.kind === 'end') return 'end';
        return winner.kind === 'line' && winner.text.trim().toUpperCase() === 'DONE' ? 'done' : 'bad';
      }
    } finally {
      unsubscribe?.();
    }
  }

  async startTls(): Promise<boolean> {
    const options = this.env.tlsOptions();
    if (!options) return false;
    this.flushOutput();
    return this.conn.upgradeToTls(options);
  }

  async announceChanges(options: { expunge: boolean }): Promise<void> {
    if (this.state.name !== 'selected') return;
    for (const line of await this.state.folder.changes(options)) await this.send(line);
  }

  /** The conversation, from greeting to BYE. */
  async serve(): Promise<void> {
    // The greeting goes after the IMAPS handshake, so the tap records the handshake first and the
    // eavesdropper's view shows the greeting as the encrypted record it is on the wire.
    if (!(await this.handshake)) return;
    await this.send(statusLine('*', 'OK', 'wirelab IMAP4rev1 ready.', code('CAPABILITY', this.capabilities().join(' '))));
    this.flushOutput();
    try {
      while (this.state.name !== 'logout') {
        this.flushOutput();
        const outcome = await readCommand(this.conn, this.env.limits, this.reader, () => this.conn.write('+ OK\r\n'));
        if (outcome.kind === 'end') {
          if (outcome.reason === 'shutdown') await this.send('* BYE Server shutting down.\r\n');
          if (outcome.reason === 'timeout') await this.send('* BYE Disconnected for inactivity.\r\n');
          break;
        }
        if (outcome.kind === 'refused') {
          // Refusing a literal the client waits to send is NO; one already on its way is a client error: BAD, then BYE.
          const answer = outcome.tooBig && !outcome.fatal ? 'NO' : 'BAD';
          await this.send(statusLine(outcome.tag ?? '*', answer, outcome.reason, outcome.tooBig ? code('TOOBIG') : undefined));
          if (outcome.fatal) {
            await this.send('* BYE The literal announced is too big to read.\r\n');
            break;
          }
          if (!(await this.countBad())) break;
          continue;
        }
        const parsed = parseCommand(outcome.frame);
        if (!parsed.ok) {
          await this.send(statusLine(parsed.tag ?? '*', 'BAD', `Error in IMAP command: ${parsed.reason}`));
          if (!(await this.countBad())) break;
          continue;
        }
        await this.execute(parsed.command);
      }
    } finally {
      this.flushOutput();
      this.setState({ name: 'logout' });
      await this.conn.close();
    }
  }

  /** Runs one parsed command and answers it; failures become NO or BAD, never a dropped connection. */
  private async execute(command: Command): Promise<void> {
    let completion: Completion | void;
    let holdsExpunges = false;
    try {
      const bound = admit(this.registry, command, this);
      holdsExpunges = bound.definition.holdsExpunges === true;
      completion = await bound.run();
    } catch (err) {
      const failure = this.asImapError(err, command);
      await this.announceChanges({ expunge: !holdsExpunges }).catch(() => undefined);
      await this.send(statusLine(command.tag, failure.status, failure.message, failure.code));
      if (failure.status === 'BAD') await this.countBad();
      else this.badInARow = 0;
      return;
    }
    this.badInARow = 0;
    await this.announceChanges({ expunge: !holdsExpunges });
    const verb = command.name.split(' ').pop()!;
    const text = completion?.text ?? `${verb[0]}${verb.slice(1).toLowerCase()} completed.`;
    await this.send(statusLine(command.tag, 'OK', text, completion?.code));
    this.flushOutput();
    await this.conn.keepUp();
    await completion?.after?.();
  }

  private asImapError(err: unknown, command: Command): ImapError {
    if (err instanceof ImapError) return err;
    if (err instanceof MailStoreError) return fromStoreError(err);
    this.env.log.error(`${this.tap.id} ${command.name}: ${(err as Error).stack ?? String(err)}`);
    this.tap.note('error', `internal error in ${command.name}: ${(err as Error).message}`);
    return new ImapError('NO', 'Internal error; the command was not carried out', code('SERVERBUG'));
  }

  /** Counts a BAD; past the limit says BYE. False when the connection must end. */
  private async countBad(): Promise<boolean> {
    this.badInARow += 1;
    if (this.badInARow < this.env.limits.maxBadCommands) return true;
    await this.send('* BYE Too many invalid IMAP commands.\r\n');
    this.setState({ name: 'logout' });
    return false;
  }

  /**
   * Hands queued output to the connection: small pieces joined into one write, large ones (message
   * bodies) written as they are, so a FETCH BODY[] never copies the message again.
   */
  private flushOutput(): void {
    if (this.arena.inUse) {
      // The end of a FETCH: written now, so the arena can serve the next command (here or in another session).
      this.arena.release(this.conn.writeNow(this.takeOutput(this.arena.take)));
      return;
    }
    if (this.outputBytes > 0) for (const piece of this.takeOutput(Buffer.allocUnsafe)) this.conn.write(piece);
    this.arena.release(true);
  }

  /** The queued output, runs of small pieces joined in memory from `allocate` (one tap event and one iovec each). */
  private takeOutput(allocate: (bytes: number) => Buffer): Buffer[] {
    const pieces: Buffer[] = [];
    let small: Buffer[] = [];
    let smallBytes = 0;
    const joinSmall = (): void => {
      if (small.length === 1) pieces.push(small[0]!);
      if (small.length > 1) {
        const joined = allocate(smallBytes);
        let at = 0;
        for (const piece of small) at += piece.copy(joined, at);
        pieces.push(joined);
      }
      small = [];
      smallBytes = 0;
    };
    for (const piece of this.output) {
      if (piece.length < DIRECT_WRITE) {
        small.push(piece);
        smallBytes += piece.length;
      } else {
        joinSmall();
        pieces.push(piece);
      }
    }
    joinSmall();
    this.output = [];
    this.outputBytes = 0;
    return pieces;
  }
}
