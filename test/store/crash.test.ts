import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openMailbox } from '../../src/mail/store/index.js';
import { parseUidList } from '../../src/mail/store/uidlist.js';

const FLAG_BITS = ['\\Answered', '\\Draft', '\\Flagged', '\\Seen'] as const;
const MESSAGES = 5;

/** Operation i: every 7th appends message `append-i`, the others replace the flags of one message with a pattern from i. */
function flagsOf(i: number): string[] {
  return FLAG_BITS.filter((_, bit) => (i >> bit) & 1);
}

const store = new URL('../../src/mail/store/index.js', import.meta.url).href;
const worker = (root: string): string => `
  import { openMailbox } from ${JSON.stringify(store)};
  const mailbox = await openMailbox(${JSON.stringify(root)});
  for (let n = 1; n <= ${MESSAGES}; n += 1) await mailbox.append('INBOX', Buffer.from('seed ' + n + '\\r\\n'));
  const view = await mailbox.open('INBOX');
  console.log('ready');
  const bits = ${JSON.stringify(FLAG_BITS)};
  for (let i = 1; i < 100000; i += 1) {
    if (i % 7 === 0) {
      const { uid } = await mailbox.append('INBOX', Buffer.from('append-' + i + '\\r\\n'));
      console.log('ack append ' + i + ' ' + uid);
    } else {
      const uid = (i % ${MESSAGES}) + 1;
      await view.storeFlags([uid], 'replace', bits.filter((_, bit) => (i >> bit) & 1));
      console.log('ack flags ' + i + ' ' + uid);
    }
  }`;

test('kill -9 in the middle of flag changes and appends loses nothing acknowledged and leaves a valid uid list', async (t) => {
  for (let round = 0; round < 3; round += 1) {
    await t.test(`round ${round + 1}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wirelab-crash-'));
      try {
        const root = join(dir, 'Maildir');
        const acks = await runAndKill(worker(root), 150 + round * 200);
        assert.ok(acks.length > 10, `the worker acknowledged only ${acks.length} operations before the kill`);

        const uidlist = parseUidList(await readFile(join(root, 'dovecot-uidlist'), 'utf8'));
        assert.ok(uidlist, 'dovecot-uidlist parses after the crash');

        const view = await (await openMailbox(root)).open('INBOX', { readOnly: true });
        const lastFlagOp = new Map<number, number>();
        for (const ack of acks) {
          const [, kind, op, uid] = ack.split(' ');
          if (kind === 'flags') lastFlagOp.set(Number(uid), Number(op));
          else {
            const seq = view.sequenceOf(Number(uid));
            assert.ok(seq, `acknowledged append ${op} (UID ${uid}) is there`);
            assert.equal((await view.read(Number(uid))).toString(), `append-${op}\r\n`);
          }
        }
        const lastOp = Number(acks[acks.length - 1]!.split(' ')[2]);
        for (const [uid, op] of lastFlagOp) {
          const flags = view.message(view.sequenceOf(uid)!)!.flags;
          // The operation in flight at the kill may or may not have landed; anything older must have.
          const inFlight = lastOp + 1;
          const allowed = [flagsOf(op)];
          if (inFlight % 7 !== 0 && (inFlight % MESSAGES) + 1 === uid) allowed.push(flagsOf(inFlight));
          assert.ok(
            allowed.some((a) => a.join(' ') === flags.join(' ')),
            `UID ${uid}: flags ${flags.join(' ')} but op ${op} acknowledged ${flagsOf(op).join(' ')}`,
          );
        }
        const uids = view.messages().map((m) => m.uid);
        assert.equal(new Set(uids).size, uids.length);
        // Opening gave UIDs to a message whose file landed before the kill took its UID: the list on disk says so.
        const after = parseUidList(await readFile(join(root, 'dovecot-uidlist'), 'utf8'))!;
        assert.ok(after.uidNext >= uidlist.uidNext);
        assert.ok(uids.every((u) => u < after.uidNext));
        view.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

/** Runs the worker, kills it with SIGKILL `afterMs` after it is ready, and returns the acknowledgements it printed. */
function runAndKill(script: string, afterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString();
      if (!before.includes('ready\n') && out.includes('ready\n')) setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(safety);
      if (signal !== 'SIGKILL') reject(new Error(`worker ended by itself: ${err}`));
      // A line cut by the kill was never acknowledged.
      else resolve(out.split('\n').slice(0, -1).filter((l) => /^ack \w+ \d+ \d+$/.test(l)));
    });
  });
}
