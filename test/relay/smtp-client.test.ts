import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TLSSocket } from 'node:tls';
import { RemoteTransport } from '../../src/mail/delivery/remote-transport.js';
import type { NextHop } from '../../src/mail/delivery/routes.js';
import { dotStuff } from '../../src/mail/delivery/smtp-client/dot-stuff.js';
import type { RecipientResult } from '../../src/mail/delivery/smtp-client/transaction.js';
import { subscribeTap, type TapEvent } from '../../src/net/tap.js';
import { hasCommand, run } from '../helpers/run.js';
import { FakeRemote, type RemoteBehaviour } from './fake-remote.js';

const ADDRESS = '127.0.0.41';
const MESSAGE = Buffer.from('Subject: test\r\n\r\n.leading dot\r\ncaf\xc3\xa9 au lait\r\n', 'latin1');

function hop(port: number, name = 'remote.test'): NextHop {
  return { name, address: ADDRESS, port, tls: { mode: 'opportunistic' }, found: 'test hop' };
}

async function deliver(hops: NextHop[], recipients: string[], message = MESSAGE): Promise<RecipientResult[]> {
  const transport = new RemoteTransport({ localAddress: '127.0.0.1', helo: 'st.um', connectTimeoutMs: 2000, tap: { service: 'test', host: 'st.um' }, signal: new AbortController().signal, connectionsPerDestination: 2 });
  try {
    return await transport.deliver(hops, { from: 'user1@st.um', recipients, message }, 'queue id TEST');
  } finally {
    await transport.close();
  }
}

async function withRemote<T>(behaviour: RemoteBehaviour, fn: (remote: FakeRemote) => Promise<T>): Promise<T> {
  const remote = await new FakeRemote(ADDRESS, behaviour).start();
  try {
    return await fn(remote);
  } finally {
    await remote.stop();
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: ADDRESS, port: 0 }, () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the delivery agent\'s SMTP client against scripted servers', () => {
  it('pipelines MAIL, every RCPT and DATA; declares SIZE and BODY=8BITMIME; each recipient gets its own outcome', async () => {
    await withRemote(
      { extensions: ['PIPELINING', 'SIZE 10485760', '8BITMIME'], rcpt: (a) => (a.startsWith('gone') ? '550 5.1.1 <gone@remote.test>: User unknown' : a.startsWith('busy') ? '452 4.2.2 Mailbox full' : '250 2.1.5 Ok') },
      async (remote) => {
        const results = await deliver([hop(remote.port)], ['ok@remote.test', 'gone@remote.test', 'busy@remote.test']);
        assert.deepEqual(results.map((r) => [r.address, r.kind, r.kind === 'failed' ? r.temporary : null]), [
          ['ok@remote.test', 'delivered', null],
          ['gone@remote.test', 'failed', false],
          ['busy@remote.test', 'failed', true],
        ]);
        const gone = results[1]!;
        assert.ok(gone.kind === 'failed');
        assert.deepEqual(gone.failure, {
          status: '5.1.1',
          text: 'host remote.test[127.0.0.41] said: 550 5.1.1 <gone@remote.test>: User unknown (in reply to RCPT TO command)',
          diagnostic: 'smtp; 550 5.1.1 <gone@remote.test>: User unknown',
          remoteMta: 'remote.test',
        });
        assert.deepEqual(remote.sessions[0]!.slice(0, 5), [
          'EHLO st.um',
          `MAIL FROM:<user1@st.um> SIZE=${MESSAGE.length} BODY=8BITMIME`,
          'RCPT TO:<ok@remote.test>',
          'RCPT TO:<gone@remote.test>',
          'RCPT TO:<busy@remote.test>',
        ]);
        assert.deepEqual(remote.mails[0]!.data, MESSAGE, 'the server got the exact bytes back after un-stuffing');
        assert.deepEqual(remote.mails[0]!.recipients, ['ok@remote.test']);
      },
    );
  });

  it('a server that refuses EHLO gets HELO, and no extension is used', async () => {
    await withRemote({ ehlo: () => '502 5.5.2 Error: command not recognized' }, async (remote) => {
      const [result] = await deliver([hop(remote.port)], ['ok@remote.test']);
      assert.equal(result!.kind, 'delivered');
      assert.deepEqual(remote.sessions[0]!.slice(0, 3), ['EHLO st.um', 'HELO st.um', 'MAIL FROM:<user1@st.um>']);
    });
  });

  it('a message over the server\'s SIZE fails for good without being sent (RFC 1870)', async () => {
    await withRemote({ extensions: ['SIZE 20'] }, async (remote) => {
      const [result] = await deliver([hop(remote.port)], ['ok@remote.test']);
      assert.ok(result!.kind === 'failed' && !result.temporary);
      assert.equal(result.failure.status, '5.3.4');
      assert.match(result.failure.text, /^message size \d+ exceeds size limit 20 of server remote\.test\[127\.0\.0\.41\]$/);
      assert.ok(!remote.sessions.flat().some((l) => l.startsWith('MAIL')));
    });
  });

  it('the next MX is tried when a server is down, says 421, or greylists; a lost reply to the end of data is not retried elsewhere', async () => {
    const down = await closedPort();
    await withRemote({}, async (good) => {
      const [viaSecond] = await deliver([hop(down, 'down.test'), hop(good.port, 'good.test')], ['a@remote.test']);
      assert.equal(viaSecond!.kind, 'delivered');
      const [allDown] = await deliver([hop(down, 'down.test')], ['a@remote.test']);
      assert.ok(allDown!.kind === 'failed' && allDown.temporary);
      assert.equal(allDown.failure.text, `connect to down.test[127.0.0.41]:${down}: Connection refused`);
      assert.equal(allDown.failure.status, '4.4.1');

      await withRemote({ rcpt: () => '421 4.3.2 Service shutting down' }, async (closing) => {
        const [result] = await deliver([hop(closing.port, 'closing.test'), hop(good.port, 'good.test')], ['b@remote.test']);
        assert.equal(result!.kind, 'delivered');
      });
      await withRemote({ hangUpAtEndOfData: true }, async (lossy) => {
        const [result] = await deliver([hop(lossy.port, 'lossy.test'), hop(good.port, 'good.test')], ['c@remote.test']);
        assert.equal(result!.kind, 'unknown');
        assert.match(result!.kind === 'unknown' ? result.failure.text : '', /^lost connection with lossy\.test\[127\.0\.0\.41\] while sending end of data -- message may be sent more than once$/);
      });
      assert.deepEqual(good.mails.map((m) => m.recipients[0]), ['a@remote.test', 'b@remote.test'], 'c was not sent to the backup after the lost reply');
    });
  });

  it('bytes that are not an SMTP reply end the session as a protocol error (temporary)', async () => {
    await withRemote({ greeting: () => 'hello, I am not a mail server' }, async (remote) => {
      const [result] = await deliver([hop(remote.port)], ['a@remote.test']);
      assert.ok(result!.kind === 'failed' && result.temporary);
      assert.match(result.failure.text, /^protocol error from remote\.test\[127\.0\.0\.41\] while receiving the initial server greeting: not an SMTP reply/);
    });
  });

  it('a session is reused for the next message to the same server (RSET first) and the wire tap has our side as the client', async () => {
    const events: TapEvent[] = [];
    const unsubscribe = subscribeTap((e) => events.push(e));
    try {
      await withRemote({}, async (remote) => {
        const transport = new RemoteTransport({ localAddress: '127.0.0.1', helo: 'st.um', connectTimeoutMs: 2000, tap: { service: 'delivery', host: 'st.um' }, signal: new AbortController().signal, connectionsPerDestination: 2 });
        for (const to of ['one@remote.test', 'two@remote.test']) await transport.deliver([hop(remote.port)], { from: 'user1@st.um', recipients: [to], message: MESSAGE }, 'queue id TEST');
        await transport.close();
        assert.equal(remote.sessions.length, 1, 'one connection for both messages');
        assert.deepEqual(remote.sessions[0]!.filter((l) => /^(RSET|QUIT|MAIL)/.test(l)), [`MAIL FROM:<user1@st.um> SIZE=${MESSAGE.length} BODY=8BITMIME`, 'RSET', `MAIL FROM:<user1@st.um> SIZE=${MESSAGE.length} BODY=8BITMIME`, 'QUIT']);
      });
      const open = events.find((e) => e.type === 'open' && e.service === 'delivery');
      assert.ok(open && open.type === 'open');
      assert.deepEqual([open.kind, open.client.address, open.server.address], ['smtp', '127.0.0.1', ADDRESS]);
      const fromUs = events.filter((e) => e.type === 'data' && e.conn === open.conn && e.from === 'client').map((e) => (e.type === 'data' ? e.bytes.toString() : '')).join('');
      assert.match(fromUs, /^EHLO st\.um\r\nMAIL FROM:/);
    } finally {
      unsubscribe();
    }
  });

  it('at most `connectionsPerDestination` sessions to one server, each carrying message after message', async () => {
    await withRemote({ endOfDataDelayMs: 5 }, async (remote) => {
      const transport = new RemoteTransport({ localAddress: '127.0.0.1', helo: 'st.um', connectTimeoutMs: 2000, tap: { service: 'test', host: 'st.um' }, signal: new AbortController().signal, connectionsPerDestination: 3 });
      try {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => transport.deliver([hop(remote.port)], { from: 'user1@st.um', recipients: [`r${i}@remote.test`], message: MESSAGE }, `queue id ${i}`)),
        );
        assert.ok(results.every(([r]) => r!.kind === 'delivered'));
        assert.equal(remote.mails.length, 30);
        assert.equal(remote.sessions.length, 3, `${remote.sessions.length} connections for a limit of 3`);
      } finally {
        await transport.close();
      }
    });
  });

  it('dot-stuffing: a leading dot doubled, the text closed with CRLF, then the lone dot', () => {
    assert.equal(Buffer.concat(dotStuff(Buffer.from('.a\r\n..b\r\nc.\r\n.'))).toString(), '..a\r\n...b\r\nc.\r\n..\r\n.\r\n');
    assert.equal(Buffer.concat(dotStuff(Buffer.from(''))).toString(), '.\r\n');
  });

  describe('STARTTLS', () => {
    let dir: string;
    let key: string;
    let cert: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'wirelab-starttls-'));
      if (!hasCommand('openssl')) return;
      const res = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=remote.test']);
      assert.equal(res.code, 0, res.stderr);
      key = await readFile(join(dir, 'key.pem'), 'utf8');
      cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('what a server sends in clear after its 220 is discarded, never read as if it came inside TLS (RFC 3207 §6)', async (t) => {
      if (!hasCommand('openssl')) return t.skip('openssl not installed');
      const { server, port, lines } = await injectingServer(key, cert);
      const notes: string[] = [];
      const unsubscribe = subscribeTap((e) => e.type === 'note' && notes.push(e.text));
      try {
        const [result] = await deliver([hop(port)], ['a@remote.test']);
        assert.equal(result!.kind, 'delivered', JSON.stringify(result));
        assert.deepEqual(lines.slice(0, 3), ['EHLO st.um', 'STARTTLS', 'EHLO st.um'], 'EHLO again inside TLS');
        assert.ok(notes.some((n) => /discarded \d+ bytes the server sent in clear after 220 to STARTTLS/.test(n)), notes.join('\n'));
        assert.ok(notes.some((n) => /TLS: encrypted, certificate not verified \(opportunistic\)/.test(n)));
      } finally {
        unsubscribe();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('a peer whose certificate the lab CA does not vouch for is not trusted when verification is asked (a lab host)', async (t) => {
      if (!hasCommand('openssl')) return t.skip('openssl not installed');
      const { server, port } = await injectingServer(key, cert);
      try {
        const other = (await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-out', '/dev/stdout', '-days', '1', '-subj', '/CN=some other CA'])).stdout;
        const [result] = await deliver([{ ...hop(port), tls: { mode: 'opportunistic', verify: { ca: other, servername: 'remote.test' } } }], ['a@remote.test']);
        assert.ok(result!.kind === 'failed' && result.temporary);
        assert.equal(result.failure.status, '4.7.5');
        assert.match(result.failure.text, /^TLS handshake with remote\.test\[127\.0\.0\.41\] failed: /);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});

/**
 * A server offering STARTTLS that, like the attack in CVE-2011-1575, sends a forged reply right
 * behind its 220, in clear, in the same packet; then speaks SMTP inside TLS.
 */
async function injectingServer(key: string, cert: string): Promise<{ server: Server; port: number; lines: string[] }> {
  const lines: string[] = [];
  const server = createServer((raw) => {
    raw.on('error', () => undefined);
    let socket: Socket | TLSSocket = raw;
    let buffer = '';
    let recipients = 0;
    let inData = false;
    const say = (text: string): boolean => socket.write(`${text}\r\n`);
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      for (let lf = buffer.indexOf('\n'); lf !== -1; lf = buffer.indexOf('\n')) {
        const line = buffer.slice(0, lf).replace(/\r$/, '');
        buffer = buffer.slice(lf + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            say('250 2.0.0 Ok: queued');
          }
          continue;
        }
        lines.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') say(socket instanceof TLSSocket ? '250-remote.test\r\n250 PIPELINING' : '250-remote.test\r\n250-PIPELINING\r\n250 STARTTLS');
        else if (verb === 'STARTTLS') {
          raw.write('220 2.0.0 Ready to start TLS\r\n250-remote.test injected\r\n250 AUTH PLAIN\r\n');
          raw.off('data', onData);
          buffer = '';
          const secure = new TLSSocket(raw, { isServer: true, key, cert });
          secure.on('error', () => undefined);
          secure.on('data', onData);
          socket = secure;
        } else if (verb === 'MAIL') say('250 2.1.0 Ok');
        else if (verb === 'RCPT') {
          recipients += 1;
          say('250 2.1.5 Ok');
        } else if (verb === 'DATA') {
          inData = recipients > 0;
          say(recipients > 0 ? '354 go ahead' : '554 no recipients');
        } else if (verb === 'QUIT') {
          say('221 Bye');
          socket.end();
        } else say('250 Ok');
      }
    };
    raw.on('data', onData);
    say('220 remote.test ESMTP');
  });
  await new Promise<void>((resolve) => server.listen({ host: ADDRESS, port: 0 }, () => resolve()));
  return { server, port: (server.address() as { port: number }).port, lines };
}
