import type { Socket } from 'node:net';
import { TLSSocket, type TlsOptions } from 'node:tls';

/** TLS options as the lab hands them to its servers: Node's, and where session secrets go when the user keeps a key log. */
export interface ServerTlsOptions extends TlsOptions {
  /** Receives each secret of each session, one NSS key log line (what SSLKEYLOGFILE files hold). */
  keyLog?: (line: Buffer) => void;
}

/** The server side of TLS over a connected socket: implicit TLS from the first byte, or STARTTLS in place. */
export function secureServerSocket(socket: Socket, options: ServerTlsOptions): TLSSocket {
  const { keyLog, ...tlsOptions } = options;
  const secure = new TLSSocket(socket, { ...tlsOptions, isServer: true });
  if (keyLog) secure.on('keylog', keyLog);
  return secure;
}
