import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { TapConversation } from '../../../net/tap.js';
import { Extensions, classOf, enhancedStatus, replyText, type SmtpReply } from './reply.js';
import { ReplyReadError, ReplyReader } from './reply-reader.js';

/** The server a session talks to: the MX (or smarthost) name it was found under, and where it listens. */
export interface Peer {
  name: string;
  address: string;
  port: number;
}

/**
 * TLS for one session. `opportunistic`: STARTTLS when offered, else clear (RFC 3207, Postfix's
 * `may`); `starttls`: STARTTLS or give up (Postfix's `encrypt`); `implicit`: TLS from the first byte
 * (RFC 8314). With `verify`, the certificate must chain to `ca` and name `servername`; without it the
 * channel is encrypted but the peer unauthenticated, as opportunistic TLS is on the internet.
 */
export interface TlsPolicy {
  mode: 'opportunistic' | 'starttls' | 'implicit';
  /** `ca` undefined: the system's trusted CAs. */
  verify?: { ca: string | undefined; servername: string };
}

export interface SessionOptions {
  peer: Peer;
  /** The lab host's own address: the remote sees the connection come from it. */
  localAddress: string;
  /** Our name in EHLO, and the name the remote writes in its Received header. */
  helo: string;
  connectTimeoutMs: number;
  tls: TlsPolicy;
  tap: { service: string; host: string };
  /** Where the secrets of the TLS session go, when the lab keeps a key log. */
  keyLog?: (line: Buffer) => void;
}

/**
 * Where the client is in RFC 5321's order of a session (§3.3, §4.1.4), named as Postfix names the
 * stage when something goes wrong there ("lost connection … while sending RCPT TO").
 */
export type ClientState =
  | { phase: 'connecting' }
  | { phase: 'greeting' }
  | { phase: 'hello'; verb: 'EHLO' | 'HELO' }
  | { phase: 'starttls' }
  | { phase: 'auth' }
  | { phase: 'ready' }
  | { phase: 'mail' }
  | { phase: 'rcpt' }
  | { phase: 'data' }
  | { phase: 'content' }
  | { phase: 'end-of-data' }
  | { phase: 'reset' }
  | { phase: 'quit' }
  | { phase: 'closed'; reason: string };

const STAGE_WORDS: Record<ClientState['phase'], string> = {
  connecting: 'connecting',
  greeting: 'receiving the initial server greeting',
  hello: 'performing the EHLO handshake',
  starttls: 'performing the STARTTLS handshake',
  auth: 'authenticating',
  ready: 'waiting between transactions',
  mail: 'sending MAIL FROM',
  rcpt: 'sending RCPT TO',
  data: 'sending DATA command',
  content: 'sending message body',
  'end-of-data': 'sending end of data',
  reset: 'sending RSET',
  quit: 'sending QUIT',
  closed: 'closing',
};

const TRANSACTION_PHASES: ReadonlySet<ClientState['phase']> = new Set(['ready', 'mail', 'rcpt', 'data', 'content', 'end-of-data', 'reset']);

/** What a stage in `ClientState` is called in a DSN's "(in reply to … command)". */
export const COMMAND_OF_STAGE: Partial<Record<ClientState['phase'], string>> = {
  greeting: 'the initial server greeting',
  hello: 'EHLO command',
  starttls: 'STARTTLS command',
  auth: 'AUTH command',
  mail: 'MAIL FROM command',
  rcpt: 'RCPT TO command',
  data: 'DATA command',
  'end-of-data': 'end of DATA command',
};

/** Postfix's smtp(8) timeouts, in milliseconds (smtp_helo_timeout, smtp_data_done_timeout …). */
export const TIMEOUTS = {
  greeting: 300_000,
  command: 300_000,
  dataInit: 120_000,
  dataDone: 600_000,
  reset: 20_000,
  /** Shorter than Postfix's: a QUIT is only a courtesy, and the agent may be stopping. */
  quit: 5_000,
} as const;

/**
 * A session failed before it could say anything about recipients: the next MX host may do better.
 * `temporary` false only when the server itself said 5yz to the session as a whole.
 */
export class SessionFailure extends Error {
  constructor(
    message: string,
    readonly status: string,
    readonly temporary: boolean,
    readonly reply?: SmtpReply,
    readonly stage?: ClientState['phase'],
  ) {
    super(message);
    this.name = 'SessionFailure';
  }
}

/**
 * One SMTP client connection from a lab host to a mail server: greeting, EHLO (HELO if refused),
 * STARTTLS, AUTH — and then commands for `transaction.ts`. Every byte goes to the wire tap as a
 * conversation of its own, our side as the client, so `wirelab trace` shows the hop.
 */
export class SmtpClientSession {
  private state: ClientState = { phase: 'connecting' };
  private socket: Socket;
  private readonly reader: ReplyReader;
  private readonly tap: TapConversation;
  private ext = new Extensions();
  private secure = false;
  readonly openedAt = Date.now();

  private constructor(
    readonly options: SessionOptions,
    socket: Socket,
  ) {
    this.socket = socket;
    this.tap = new TapConversation({
      service: options.tap.service,
      kind: 'smtp',
      host: options.tap.host,
      transport: 'tcp',
      client: { address: socket.localAddress ?? options.localAddress, port: socket.localPort ?? 0 },
      server: { address: options.peer.address, port: options.peer.port },
    });
    this.reader = new ReplyReader((bytes) => this.tap.data('server', bytes));
    this.reader.attach(socket);
    socket.setNoDelay(true);
    keepErrorsQuiet(socket);
  }

  /** Connects, reads the greeting, says EHLO, and starts TLS as the policy asks. */
  static async open(options: SessionOptions, note: string): Promise<SmtpClientSession> {
    const socket = await connectSocket(options);
    const session = new SmtpClientSession(options, socket);
    session.tap.note('info', note);
    try {
      if (options.tls.mode === 'implicit') await session.tlsHandshake(socket);
      await session.greet();
      await session.hello();
      if (!session.secure) await session.startTlsIfWanted();
      return session;
    } catch (err) {
      session.close(err instanceof Error ? err.message : 'failed');
      throw err;
    }
  }

  get extensions(): Extensions {
    return this.ext;
  }

  get isSecure(): boolean {
    return this.secure;
  }

  get isOpen(): boolean {
    return this.state.phase !== 'closed' && !this.socket.destroyed;
  }

  get phase(): ClientState['phase'] {
    return this.state.phase;
  }

  /** `mail.um.es[127.0.0.3]`, as Postfix names the server in its messages. */
  get where(): string {
    const { name, address } = this.options.peer;
    return `${name}[${address}]`;
  }

  note(text: string): void {
    this.tap.note('info', text);
  }

  /**
   * The one place the state changes. Session stages go on the tap for the console to draw; the steps
   * of each transaction (MAIL, RCPT, DATA …) are already there as the commands themselves.
   */
  setState(next: ClientState): void {
    const changed = next.phase !== this.state.phase;
    this.state = next;
    if (changed && !TRANSACTION_PHASES.has(next.phase)) this.tap.note('state', next.phase === 'closed' ? `closed: ${next.reason}` : next.phase);
  }

  /** Sends command lines (pipelined when there are several), tapped as the client's. */
  send(lines: string[], redacted?: string): void {
    const text = lines.map((l) => `${l}\r\n`).join('');
    this.write(Buffer.from(text, 'utf8'), redacted);
  }

  write(bytes: Buffer, redacted?: string): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.tap.data('client', bytes, redacted);
    this.socket.write(bytes);
  }

  /** The next reply, or a SessionFailure naming the stage ("lost connection with X while sending RCPT TO"). */
  async read(timeoutMs: number): Promise<SmtpReply> {
    try {
      return await this.reader.read(timeoutMs);
    } catch (err) {
      if (!(err instanceof ReplyReadError)) throw err;
      const stage = STAGE_WORDS[this.state.phase];
      const message =
        err.problem === 'timeout'
          ? `conversation with ${this.where} timed out while ${stage}`
          : err.problem === 'lost'
            ? `lost connection with ${this.where} while ${stage}`
            : `protocol error from ${this.where} while ${stage}: ${err.message}`;
      this.close(message);
      throw new SessionFailure(message, err.problem === 'protocol' ? '4.5.0' : '4.4.2', true, undefined, this.state.phase);
    }
  }

  /** RSET before a cached session carries another message: proves it is alive and clean (RFC 5321 §4.1.1.5). */
  async reset(): Promise<boolean> {
    this.setState({ phase: 'reset' });
    this.send(['RSET']);
    const reply = await this.read(TIMEOUTS.reset).catch(() => undefined);
    if (reply?.code !== 250) {
      this.close('RSET was not accepted');
      return false;
    }
    this.ready();
    return true;
  }

  ready(): void {
    this.setState({ phase: 'ready' });
  }

  /** AUTH PLAIN (or LOGIN) with the smarthost's account (RFC 4954), only inside TLS: the password never crosses in clear. */
  async authenticate(user: string, password: string): Promise<void> {
    if (!this.secure) {
      throw new SessionFailure(`not sending the password for ${user} to ${this.where} without TLS`, '4.7.0', true, undefined, 'auth');
    }
    const mechanisms = this.ext.authMechanisms;
    this.setState({ phase: 'auth' });
    let reply: SmtpReply;
    if (mechanisms.includes('PLAIN')) {
      const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
      this.send([`AUTH PLAIN ${token}`], 'AUTH PLAIN ***\r\n');
      reply = await this.read(TIMEOUTS.command);
    } else if (mechanisms.includes('LOGIN')) {
      this.send(['AUTH LOGIN']);
      reply = await this.read(TIMEOUTS.command);
      if (reply.code === 334) {
        this.send([Buffer.from(user).toString('base64')]);
        reply = await this.read(TIMEOUTS.command);
      }
      if (reply.code === 334) {
        this.send([Buffer.from(password).toString('base64')], '***\r\n');
        reply = await this.read(TIMEOUTS.command);
      }
    } else {
      throw new SessionFailure(`${this.where} offers no AUTH mechanism we speak (PLAIN, LOGIN)`, '4.7.0', true, undefined, 'auth');
    }
    if (reply.code !== 235) {
      throw this.refused(reply, `SASL authentication failed; server ${this.where} said: ${replyText(reply)}`);
    }
    this.tap.note('user', user);
    this.ready();
  }

  /** QUIT politely (RFC 5321 §4.1.1.10), then close. */
  async quit(): Promise<void> {
    if (!this.isOpen) return;
    this.setState({ phase: 'quit' });
    this.send(['QUIT']);
    await this.reader.read(TIMEOUTS.quit).catch(() => undefined);
    this.close('QUIT');
  }

  close(reason: string): void {
    if (this.state.phase === 'closed') return;
    this.setState({ phase: 'closed', reason });
    this.reader.detach();
    this.socket.destroy();
    this.tap.close(reason);
  }

  /** A failure built from a server's refusal at the current stage: 5yz permanent, otherwise temporary. */
  refused(reply: SmtpReply, message?: string): SessionFailure {
    const command = COMMAND_OF_STAGE[this.state.phase];
    const text = message ?? `host ${this.where} said: ${replyText(reply)}${command ? ` (in reply to ${command})` : ''}`;
    return new SessionFailure(text, enhancedStatus(reply), classOf(reply) === 'permanent', reply, this.state.phase);
  }

  private async greet(): Promise<void> {
    this.setState({ phase: 'greeting' });
    const reply = await this.read(TIMEOUTS.greeting);
    // RFC 5321 §3.1: a 554 greeting means "no service here"; any non-220 ends the session.
    if (reply.code !== 220) {
      this.send(['QUIT']);
      throw this.refused(reply);
    }
  }

  private async hello(): Promise<void> {
    this.setState({ phase: 'hello', verb: 'EHLO' });
    this.send([`EHLO ${this.options.helo}`]);
    let reply = await this.read(TIMEOUTS.command);
    if (reply.code === 250) {
      this.ext = new Extensions(reply);
    } else {
      // RFC 5321 §3.2: a server that does not know EHLO gets HELO, and no extensions are used.
      this.setState({ phase: 'hello', verb: 'HELO' });
      this.send([`HELO ${this.options.helo}`]);
      reply = await this.read(TIMEOUTS.command);
      if (reply.code !== 250) throw this.refused(reply);
      this.ext = new Extensions();
    }
    this.ready();
  }

  private async startTlsIfWanted(): Promise<void> {
    const { mode } = this.options.tls;
    if (!this.ext.has('STARTTLS')) {
      if (mode === 'starttls') throw new SessionFailure(`TLS is required, but was not offered by host ${this.where}`, '4.7.4', true, undefined, 'starttls');
      return;
    }
    this.setState({ phase: 'starttls' });
    this.send(['STARTTLS']);
    const reply = await this.read(TIMEOUTS.command);
    if (reply.code !== 220) {
      if (mode === 'starttls') throw this.refused(reply);
      this.tap.note('info', `STARTTLS refused (${replyText(reply)}): continuing in clear`);
      this.ready();
      return;
    }
    // Nothing the server sent in clear after its 220 may be read as if it came inside TLS (RFC 3207 §6).
    const dropped = this.reader.discardBuffered();
    if (dropped > 0) this.tap.note('error', `discarded ${dropped} bytes the server sent in clear after 220 to STARTTLS`);
    this.reader.detach();
    await this.tlsHandshake(this.socket);
    // RFC 3207 §4.2: forget what was learnt before TLS and say EHLO again.
    await this.hello();
  }

  private async tlsHandshake(plain: Socket): Promise<void> {
    const { verify } = this.options.tls;
    const options: ConnectionOptions = {
      socket: plain,
      servername: verify?.servername ?? (isNameForSni(this.options.peer.name) ? this.options.peer.name : undefined),
      minVersion: 'TLSv1.2',
      rejectUnauthorized: verify !== undefined,
      ...(verify?.ca ? { ca: verify.ca } : {}),
    };
    this.reader.detach();
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = connectTls(options, () => resolve(socket));
      if (this.options.keyLog) socket.on('keylog', this.options.keyLog);
      socket.once('error', reject);
    }).catch((err: Error) => {
      const message = `TLS handshake with ${this.where} failed: ${err.message}`;
      this.close(message);
      throw new SessionFailure(message, verify ? '4.7.5' : '4.7.0', true, undefined, 'starttls');
    });
    keepErrorsQuiet(secure);
    this.socket = secure;
    this.reader.attach(secure);
    this.secure = true;
    const cipher = secure.getCipher();
    const peerCert = secure.getPeerCertificate();
    this.tap.tls(secure.getProtocol() ?? 'unknown', cipher.name, options.servername, peerCert?.subjectaltname);
    const trust = verify?.ca ? 'the lab CA' : 'the system CAs';
    this.tap.note('info', verify ? `TLS: certificate of ${verify.servername} verified by ${trust}` : 'TLS: encrypted, certificate not verified (opportunistic)');
  }
}

/**
 * A write to a server that already hung up fails with EPIPE a tick later, possibly after the session
 * let go of the socket; the reader reports what matters, so such late errors are not crashes.
 */
function keepErrorsQuiet(socket: Socket): void {
  socket.on('error', () => undefined);
}

/** SNI carries host names only, never addresses (RFC 6066 §3). */
function isNameForSni(name: string): boolean {
  return /[a-z]/i.test(name) && !name.includes(':');
}

function connectSocket(options: SessionOptions): Promise<Socket> {
  const { peer, localAddress, connectTimeoutMs } = options;
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: peer.address, port: peer.port, localAddress, family: peer.address.includes(':') ? 6 : 4 });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SessionFailure(`connect to ${peer.name}[${peer.address}]:${peer.port}: Connection timed out`, '4.4.1', true, undefined, 'connecting'));
    }, connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const why = err.code === 'ECONNREFUSED' ? 'Connection refused' : err.code === 'EHOSTUNREACH' ? 'No route to host' : err.message;
      reject(new SessionFailure(`connect to ${peer.name}[${peer.address}]:${peer.port}: ${why}`, '4.4.1', true, undefined, 'connecting'));
    });
  });
}
