import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { WirelabError } from '../lab/errors.js';

/**
 * The lab's TLS key log: the secrets of every TLS session its servers take part in, one line each in
 * the NSS key log format that SSLKEYLOGFILE makes curl, Python and browsers write, and that Wireshark
 * reads to decrypt a capture. Kept only when the user asks for it (`wirelab up --tls-key-log FILE`):
 * whoever has the file and a capture reads every session. Appended to, never truncated, as clients do.
 */
export class TlsKeyLog {
  private readonly stream: WriteStream;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.stream = createWriteStream(path, { fd });
  }

  /** Opens (creating it readable by its owner only) or appends to `path`; a clear error when it cannot be written. */
  static open(path: string): TlsKeyLog {
    try {
      return new TlsKeyLog(path, openSync(path, 'a', 0o600));
    } catch (err) {
      throw new WirelabError('BAD_ARGUMENT', `cannot write the TLS key log ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give a file in a directory you can write to`);
    }
  }

  /** One line from a TLS socket's 'keylog' event (it ends with its newline). */
  readonly write = (line: Buffer): void => {
    this.stream.write(line);
  };

  /** Resolves once every line is in the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
