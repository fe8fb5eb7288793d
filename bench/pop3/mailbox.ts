import { link, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newBaseName } from '../../src/mail/store/maildir-name.js';

/** A message of `size` octets with CRLF line ends, some body lines starting with "." so RETR has to byte-stuff. */
export function benchMessage(index: number, size: number): Buffer {
  const header = `From: user1@st.um\r\nTo: bench@st.um\r\nSubject: bench message ${index}\r\nMessage-ID: <bench-${index}@st.um>\r\n\r\n`;
  const lines: string[] = [];
  let length = header.length;
  for (let n = 0; length < size; n += 1) {
    const line = n % 17 === 3 ? `.${'x'.repeat(70)}` : `line ${n} of message ${index} `.padEnd(74, 'abcdefghij');
    lines.push(line);
    length += line.length + 2;
  }
  return Buffer.concat([Buffer.from(header), Buffer.from(lines.map((l) => `${l}\r\n`).join(''))]);
}

/** Sizes between 1.5 KB and 31.5 KB, spread deterministically (about 16 KB on average, a typical text mail). */
export function benchSize(index: number): number {
  return 1500 + ((index * 7919) % 30000);
}

/** Writes the messages once into a Maildir's new/ (no fsync: this is test data, not accepted mail). */
export async function writeBenchMaildir(maildir: string, count: number): Promise<number> {
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  let octets = 0;
  for (let i = 1; i <= count; i += 1) {
    const bytes = benchMessage(i, benchSize(i));
    octets += bytes.length;
    await writeFile(join(maildir, 'new', newBaseName(bytes.length)), bytes);
  }
  return octets;
}

/** The same messages in another Maildir, as hard links (both servers read identical files, no extra disk). */
export async function linkBenchMaildir(from: string, to: string): Promise<void> {
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(to, sub), { recursive: true });
  for (const name of await readdir(join(from, 'new'))) await link(join(from, 'new', name), join(to, 'new', name));
}
