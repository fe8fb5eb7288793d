import { mkdirSync, accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { WirelabError } from './errors.js';

/** The one place the lab keeps everything: mail, queue, users, certificates, transcripts, run state. */
export class DataDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Creates the directory tree, or explains why it cannot. */
  prepare(): void {
    try {
      for (const dir of [this.root, this.mail, this.queue, this.tap, this.run, this.directoryDir]) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      }
      accessSync(this.root, constants.W_OK);
    } catch (err) {
      throw new WirelabError('DATA_DIR', `cannot use data directory ${this.root}: ${(err as Error).message}. Pick another with --data DIR.`);
    }
  }

  get mail(): string {
    return join(this.root, 'mail');
  }
  get queue(): string {
    return join(this.root, 'queue');
  }
  get tap(): string {
    return join(this.root, 'transcripts');
  }
  get run(): string {
    return join(this.root, 'run');
  }
  get directoryDir(): string {
    return join(this.root, 'directory');
  }
  get usersFile(): string {
    return join(this.directoryDir, 'users.json');
  }
  get labFile(): string {
    return join(this.run, 'lab.json');
  }

  /** The Maildir of a mail address: mail/<domain>/<local>/Maildir. */
  maildirOf(address: string): string {
    const [local, domain] = splitAddress(address);
    return join(this.mail, safeName(domain), safeName(local), 'Maildir');
  }
}

export function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at).toLowerCase(), address.slice(at + 1).toLowerCase()];
}

/** Mail addresses become directory names; anything that could climb out of the tree is escaped. */
function safeName(part: string): string {
  const cleaned = part.replace(/[^a-z0-9._+-]/gi, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return cleaned === '.' || cleaned === '..' || cleaned === '' ? `%2e${cleaned}` : cleaned;
}
