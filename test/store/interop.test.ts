import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deliverToMaildir, openMailbox, type Mailbox } from '../../src/mail/store/index.js';
import { startTestLab } from '../helpers/lab.js';
import { RawPop3 } from '../pop3/pop3-client.js';
import { dovecotAvailable, dovecotImap, dovecotPop3, prepareForDovecot } from './dovecot.js';
import { mutt, muttAvailable } from './mutt.js';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-interop-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const message = (subject: string): Buffer => Buffer.from(`From: user1@st.um\r\nTo: user2@st.um\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`);

/** Three messages the way wirelab leaves them: one just delivered, one read and flagged, one answered with a keyword. */
async function wirelabMaildir(root: string): Promise<Mailbox> {
  const mailbox = await openMailbox(root);
  await deliverToMaildir(root, message('unread one'));
  await mailbox.append('INBOX', message('flagged one'), { flags: ['\\Seen', '\\Flagged'] });
  await mailbox.append('INBOX', message('answered one'), { flags: ['\\Seen', '\\Answered', '$Forwarded'] });
  await mailbox.create('Projects.2024');
  await mailbox.append('Projects.2024', message('in a folder'));
  await mailbox.subscribe('Projects.2024');
  return mailbox;
}

describe('interop: mutt', () => {
  it('reads the Maildir wirelab wrote: messages, new/old, flagged, replied, folders', async (t) => {
    if (!muttAvailable()) return t.skip('mutt or script not installed (apt-get install mutt)');
    await withDir(async (dir) => {
      const root = join(dir, 'Maildir');
      await wirelabMaildir(root);
      const out = (name: string): string => join(dir, name);
      const pipeTagged = (pattern: string, file: string): string =>
        `<tag-pattern>${pattern}<enter><tag-prefix><pipe-message>cat >> ${out(file)}<enter><untag-pattern>.<enter>`;
      const res = await mutt(root, pipeTagged('~A', 'all') + pipeTagged('~F', 'flagged') + pipeTagged('~N', 'new') + pipeTagged('~Q', 'replied'), { readOnly: true });
      assert.equal(res.code, 0, res.stdout);
      const subjects = async (file: string): Promise<string[]> => ((await readFile(out(file), 'utf8').catch(() => '')).match(/^Subject: .*$/gm) ?? []).sort();
      assert.deepEqual(await subjects('all'), ['Subject: answered one', 'Subject: flagged one', 'Subject: unread one']);
      assert.deepEqual(await subjects('flagged'), ['Subject: flagged one']);
      assert.deepEqual(await subjects('new'), ['Subject: unread one']);
      assert.deepEqual(await subjects('replied'), ['Subject: answered one']);
      assert.ok((await readFile(out('all'), 'utf8')).includes('body of flagged one'));

      const folder = await mutt(join(root, '.Projects.2024'), `<tag-pattern>~A<enter><tag-prefix><pipe-message>cat >> ${out('folder')}<enter>`, { readOnly: true });
      assert.equal(folder.code, 0, folder.stdout);
      assert.deepEqual(await subjects('folder'), ['Subject: in a folder']);
    });
  });

  it("mutt's changes reach open wirelab views: a flag it sets, a message it deletes", async (t) => {
    if (!muttAvailable()) return t.skip('mutt or script not installed');
    await withDir(async (dir) => {
      const root = join(dir, 'Maildir');
      const mailbox = await wirelabMaildir(root);
      const view = await mailbox.open('INBOX', { readOnly: true });
      const uids = Object.fromEntries(await Promise.all(view.messages().map(async (m) => [(await view.read(m.uid)).toString().match(/Subject: (.*)\r/)![1]!, m.uid])));
      const res = await mutt(root, '<tag-pattern>~s unread<enter><tag-prefix><flag-message><untag-pattern>.<enter><tag-pattern>~s answered<enter><tag-prefix><delete-message><sync-mailbox>');
      assert.equal(res.code, 0, res.stdout);
      const update = await view.sync();
      assert.deepEqual(update.expunged.uids, [uids['answered one']]);
      const unread = view.message(view.sequenceOf(uids['unread one']!)!)!;
      assert.ok(unread.flags.includes('\\Flagged'), `flags after mutt: ${unread.flags.join(' ')}`);
      assert.equal(view.exists, 2);
      view.close();
    });
  });
});

describe('interop: Dovecot', () => {
  it('Dovecot reads what wirelab wrote: same UIDs, UIDVALIDITY, flags, keywords, sizes, bodies, folders, subscriptions', async (t) => {
    if (!(await dovecotAvailable(['imap']))) return t.skip('Dovecot not installed (apt-get install dovecot-core dovecot-imapd)');
    await withDir(async (dir) => {
      const root = join(dir, 'Maildir');
      const mailbox = await wirelabMaildir(root);
      const view = await mailbox.open('INBOX', { readOnly: true });
      const ours = await Promise.all(view.messages().map(async (m) => ({ ...m, body: (await view.read(m.uid)).toString() })));
      const folderStatus = await mailbox.status('Projects.2024');
      view.close();
      const conf = await prepareForDovecot(dir, root);
      const output = await dovecotImap(dir, root, conf, [
        'a EXAMINE INBOX',
        'b FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])',
        'c LSUB "" "*"',
        'd STATUS Projects.2024 (MESSAGES UIDNEXT UIDVALIDITY)',
        'e LIST "" "*"',
        'f LOGOUT',
      ]);
      assert.match(output, new RegExp(`OK \\[UIDVALIDITY ${view.uidValidity}\\]`));
      assert.match(output, /\* OK \[PERMANENTFLAGS[^\]]*\] /);
      for (const m of ours) {
        const flags = m.flags.filter((f) => f !== '\\Recent');
        const fetched = new RegExp(`\\* \\d+ FETCH \\(UID ${m.uid} FLAGS \\(([^)]*)\\) RFC822\\.SIZE ${m.size} BODY\\[\\] \\{${m.size}\\}\\r\\n`).exec(output);
        assert.ok(fetched, `Dovecot fetched UID ${m.uid} with size ${m.size}:\n${output}`);
        assert.deepEqual(fetched[1]!.split(' ').filter((f) => f !== '' && f !== '\\Recent').sort(), [...flags].sort());
        assert.ok(output.includes(m.body), `body of UID ${m.uid}`);
      }
      assert.match(output, /\* LSUB \([^)]*\) "\." (Projects\.2024|"Projects\.2024")\r\n/);
      assert.match(output, new RegExp(`\\* STATUS "?Projects\\.2024"? \\(MESSAGES 1 UIDNEXT ${folderStatus.uidNext} UIDVALIDITY ${folderStatus.uidValidity}\\)`));
      for (const name of ['Sent', 'Drafts', 'Trash', 'Junk', 'Projects']) assert.match(output, new RegExp(`\\* LIST \\([^)]*\\) "\\." "?${name}"?\\r\\n`));
    });
  });

  it('wirelab serves what Dovecot wrote: its UIDs, flags and keywords, CRLF bodies, and the same POP3 UIDLs', async (t) => {
    if (!(await dovecotAvailable(['imap', 'pop3']))) return t.skip('Dovecot not installed (apt-get install dovecot-core dovecot-imapd dovecot-pop3d)');
    const lab = await startTestLab();
    try {
      const dir = join(lab.dataDir.root, 'dovecot');
      const root = lab.dataDir.maildirOf('user2@st.um');
      const lf = (subject: string): string => `From: someone@example.org\nSubject: ${subject}\n\nwritten by Dovecot\n.a line with a dot\n`;
      const append = (folder: string, flags: string, body: string): string => `${folder} (${flags}) {${Buffer.byteLength(body)}+}\r\n${body}`;
      await openMailbox(root);
      const conf = await prepareForDovecot(dir, root, lab.dataDir.root);
      const output = await dovecotImap(dir, root, conf, [
        'a CREATE Archive',
        `b APPEND ${append('INBOX', '\\Seen', lf('one'))}`,
        `c APPEND ${append('INBOX', '\\Flagged $Label1', lf('two'))}`,
        `d APPEND ${append('INBOX', '', lf('three'))}`,
        `e APPEND ${append('Archive', '\\Answered', lf('archived'))}`,
        'f SELECT INBOX',
        'g STORE 3 +FLAGS (\\Deleted)',
        'h EXPUNGE',
        'i FETCH 1:* (UID FLAGS RFC822.SIZE)',
        'j LOGOUT',
      ]);
      const validity = Number(/\[APPENDUID (\d+) 1\]/.exec(output)?.[1]);
      assert.ok(validity > 0, output);
      const pop3 = await dovecotPop3(dir, root, conf, ['UIDL', 'QUIT']);
      const dovecotUidls = pop3.split('\r\n').filter((l) => /^\d+ [0-9a-f]{16}$/.test(l));
      assert.equal(dovecotUidls.length, 2);

      const mailbox = await openMailbox(root);
      assert.ok((await mailbox.list()).some((f) => f.name === 'Archive' && f.selectable));
      const view = await mailbox.open('INBOX', { readOnly: true });
      assert.equal(view.uidValidity, validity);
      assert.deepEqual(
        view.messages().map((m) => [m.uid, m.flags]),
        [
          [1, ['\\Seen']],
          [2, ['\\Flagged', '$Label1']],
        ],
      );
      const expected = Buffer.from(lf('one').replace(/\n/g, '\r\n'));
      assert.deepEqual(await view.read(1), expected, 'bare LF served as CRLF');
      assert.equal(view.message(1)!.size, expected.length);
      for (const m of view.messages()) assert.match(output, new RegExp(`FETCH \\(UID ${m.uid} FLAGS \\([^)]*\\) RFC822\\.SIZE ${m.size}\\)`));
      view.close();
      const archive = await mailbox.open('Archive', { readOnly: true });
      assert.deepEqual(archive.message(1)?.flags, ['\\Answered']);
      archive.close();

      const client = await RawPop3.connect(lab.endpoint('pop3').port);
      await client.login('user2');
      assert.equal(await client.command('UIDL'), '+OK');
      assert.deepEqual(await client.block(), dovecotUidls, 'a POP3 client moving from Dovecot to wirelab sees the same ids');
      assert.equal(await client.command('RETR 1'), `+OK ${expected.length} octets`);
      assert.deepEqual(await client.block(), lf('one').split('\n').slice(0, -1));
      await client.command('QUIT');
      client.close();
    } finally {
      await lab.dispose();
    }
  });
});
