import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceDurably } from '../../lab/durable.js';
import { Mutex } from './mutex.js';
import { HIERARCHY_DELIMITER } from './types.js';

const FILE = 'subscriptions';
/** Dovecot 2.3's header for names written with tabs between hierarchy levels (subscription-file.c). */
const VERSION_2_HEADER = 'V\t2\n\n';

const mutexes = new Map<string, Mutex>();

/** Subscribed folder names in the Maildir root's `subscriptions` file, in Dovecot's format (version kept as found). */
export class Subscriptions {
  private readonly file: string;
  private readonly mutex: Mutex;

  constructor(root: string) {
    this.file = join(root, FILE);
    let mutex = mutexes.get(this.file);
    if (!mutex) {
      mutex = new Mutex();
      mutexes.set(this.file, mutex);
    }
    this.mutex = mutex;
  }

  async list(): Promise<string[]> {
    return (await this.read()).names;
  }

  set(name: string, subscribed: boolean): Promise<void> {
    return this.mutex.run(async () => {
      const { version, names } = await this.read();
      const present = names.includes(name);
      if (present === subscribed) return;
      const next = subscribed ? [...names, name] : names.filter((n) => n !== name);
      const body =
        version === 2
          ? VERSION_2_HEADER + next.map((n) => `${n.split(HIERARCHY_DELIMITER).join('\t')}\n`).join('')
          : next.map((n) => `${n}\n`).join('');
      await replaceDurably(this.file, body);
    });
  }

  private async read(): Promise<{ version: 1 | 2; names: string[] }> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    if (text.startsWith(VERSION_2_HEADER)) {
      const lines = text.slice(VERSION_2_HEADER.length).split('\n').filter((l) => l !== '');
      return { version: 2, names: lines.map((l) => l.split('\t').join(HIERARCHY_DELIMITER)) };
    }
    return { version: 1, names: text.split('\n').filter((l) => l !== '') };
  }
}
