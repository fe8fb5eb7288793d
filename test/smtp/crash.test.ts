import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataDir } from '../../src/lab/data-dir.js';
import { spawnLab, waitForExit } from '../helpers/lab-process.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const CONFIG = `
domains:
  - { name: st.um, mailHost: st.um }
  - { name: um.es, mailHost: um.es }
hosts:
  - { name: st.um, address: 127.0.0.1 }
  - { name: um.es, address: 127.0.0.3 }
mail: { relayDomains: [um.es] }
users:
  - { address: user2@st.um, password: password }
services:
  smtp: { host: st.um, port: 0 }
`;

/** One client sending messages back to back until the connection dies; returns the ids that got 250. */
async function sender(port: number, client: number, acked: Set<string>, stop: { now: boolean }): Promise<void> {
  let smtp: RawSmtp;
  try {
    smtp = (await RawSmtp.connect(port)).client;
  } catch {
    return;
  }
  try {
    await smtp.send('EHLO crash.example');
    for (let n = 0; n < 10_000 && !stop.now; n++) {
      const id = `c${client}-m${n}`;
      const to = n % 2 === 0 ? 'user2@st.um' : 'someone@um.es';
      smtp.socket.write(`MAIL FROM:<user2@st.um>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      const replies = [await smtp.reader.reply(5000), await smtp.reader.reply(5000), await smtp.reader.reply(5000)];
      if (replies.some((r) => r.length === 0)) return;
      const body = `X-Test-Id: ${id}\r\n\r\n${'payload line\r\n'.repeat(40)}END ${id}\r\n.\r\n`;
      const reply = await smtp.send(Buffer.from(body), 5000);
      if (reply[0]?.startsWith('250 ')) acked.add(id);
      else return;
    }
  } catch {
    // The lab was killed mid-conversation: exactly what this test does.
  } finally {
    smtp.close();
  }
}

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).map((n) => join(dir, n));
}

describe('SMTP crash test: kill -9 while 10 clients send', () => {
  it("every message that got 250 is stored exactly once, nothing partial is visible", async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'wirelab-crash-'));
    const configFile = join(root, 'lab.yaml');
    await writeFile(configFile, CONFIG);
    const data = join(root, 'data');
    try {
      const lab = await spawnLab(['--config', configFile, '--data', data, '--log-level', 'warn']);
      const port = lab.ports.get('smtp')!;
      const acked = new Set<string>();
      const stop = { now: false };
      const senders = Array.from({ length: 10 }, (_, i) => sender(port, i, acked, stop));
      await new Promise((r) => setTimeout(r, 1500));
      lab.child.kill('SIGKILL');
      await waitForExit(lab.child);
      stop.now = true;
      await Promise.all(senders);
      assert.ok(acked.size > 20, `only ${acked.size} messages were acknowledged before the kill`);
      t.diagnostic(`${acked.size} messages acknowledged before kill -9`);

      // Restart on the same data directory: the lab comes back and the store is as it was.
      const again = await spawnLab(['--config', configFile, '--data', data, '--log-level', 'warn']);
      again.child.kill('SIGTERM');
      assert.equal(await waitForExit(again.child), 0);

      const dirs = new DataDir(data);
      const maildir = dirs.maildirOf('user2@st.um');
      const stored = [...(await filesIn(join(maildir, 'new'))), ...(await filesIn(join(maildir, 'cur'))), ...(await filesIn(join(dirs.queue, 'active')))];
      const seen = new Map<string, number>();
      for (const file of stored) {
        const text = await readFile(file, 'utf8');
        const id = /X-Test-Id: (\S+)/.exec(text)?.[1];
        assert.ok(id, `${file} has no test id`);
        assert.ok(text.endsWith(`END ${id}\r\n`), `${file} is partial`);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      for (const id of acked) assert.equal(seen.get(id), 1, `acknowledged message ${id} is stored ${seen.get(id) ?? 0} times`);
      for (const [id, count] of seen) assert.equal(count, 1, `${id} stored ${count} times`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
