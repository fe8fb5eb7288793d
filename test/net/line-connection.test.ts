import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineConnection } from '../../src/net/line-connection.js';
import { TapConversation } from '../../src/net/tap.js';

/** A server side LineConnection and the client socket talking to it, on loopback. */
async function pair(): Promise<{ server: Server; serverSocket: Socket; conn: LineConnection; client: Socket; received: () => string }> {
  let accepted: (socket: Socket) => void = () => undefined;
  const serverSocketReady = new Promise<Socket>((resolve) => {
    accepted = resolve;
  });
  const server = createServer((socket) => accepted(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = connect({ host: '127.0.0.1', port });
  let text = '';
  client.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const serverSocket = await serverSocketReady;
  const tap = new TapConversation({
    service: 'test',
    kind: 'test',
    host: 'st.um',
    transport: 'tcp',
    client: { address: '127.0.0.1', port: 0 },
    server: { address: '127.0.0.1', port },
  });
  const conn = new LineConnection(serverSocket, { maxLineBytes: 1000, idleTimeoutMs: 10_000, tap });
  return { server, serverSocket, conn, client, received: () => text };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('LineConnection writes', () => {
  it('sends replies written in one go (answers to pipelined commands) in one write to the socket', async () => {
    const { server, serverSocket, conn, client, received } = await pair();
    try {
      const writes: number[] = [];
      const writev = serverSocket._writev!.bind(serverSocket);
      const write = serverSocket._write.bind(serverSocket);
      serverSocket._writev = (chunks, callback) => {
        writes.push(chunks.length);
        writev(chunks, callback);
      };
      serverSocket._write = (chunk, encoding, callback) => {
        writes.push(1);
        write(chunk, encoding, callback);
      };
      conn.write('250 2.1.0 Ok\r\n');
      conn.write('250 2.1.5 Ok\r\n');
      conn.write('354 End data with <CR><LF>.<CR><LF>\r\n');
      await conn.flush();
      assert.deepEqual(writes, [4], 'the three replies (and flush\'s empty write) leave in one writev');
      await until(() => received().endsWith('<CR><LF>.<CR><LF>\r\n'));
      assert.equal(received(), '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n');
    } finally {
      client.destroy();
      conn.destroy();
      server.close();
    }
  });

  it('never holds a reply back: one written alone reaches the client without a flush', async () => {
    const { server, conn, client, received } = await pair();
    try {
      await new Promise((resolve) => setImmediate(resolve));
      conn.write('220 st.um ESMTP wirelab\r\n');
      await until(() => received() === '220 st.um ESMTP wirelab\r\n');
    } finally {
      client.destroy();
      conn.destroy();
      server.close();
    }
  });

  it('writeNow sends at once, after replies held back, and says whether the kernel took every byte', async () => {
    const { server, serverSocket, conn, client, received } = await pair();
    try {
      conn.write('* OK held back\r\n');
      assert.equal(conn.writeNow([Buffer.from('* 1 FETCH (UID 1)\r\n'), Buffer.from('a OK done\r\n')]), true);
      assert.equal(serverSocket.writableLength, 0, 'nothing left queued in the stream');
      await until(() => received().endsWith('a OK done\r\n'));
      assert.equal(received(), '* OK held back\r\n* 1 FETCH (UID 1)\r\na OK done\r\n');

      // A client that stops reading: past what the kernel buffers, a write waits, and writeNow says so.
      client.pause();
      const piece = Buffer.alloc(1024 * 1024, 0x61);
      let taken = true;
      for (let i = 0; i < 64 && taken; i += 1) taken = conn.writeNow([piece]);
      assert.equal(taken, false, 'some write found the kernel full within 64 MB');
      assert.ok(conn.unsentBytes > 0);
      client.resume();
      await within(conn.flush(), 10_000);
      assert.equal(conn.unsentBytes, 0);
    } finally {
      client.destroy();
      conn.destroy();
      server.close();
    }
  });
});

/** RFC 5321 §4.5.2 as the engine applies it, line by line: the reference the engine's fast path must match. */
function unstuff(wire: Buffer): { data: Buffer; consumed: number } | undefined {
  const out: Buffer[] = [];
  let start = 0;
  let previousEndedInCrlf = true;
  for (;;) {
    const lf = wire.indexOf(0x0a, start);
    if (lf === -1) return undefined;
    const raw = wire.subarray(start, lf + 1);
    start = lf + 1;
    const crlf = raw.length >= 2 && raw[raw.length - 2] === 0x0d;
    if (crlf && previousEndedInCrlf && raw.toString() === '.\r\n') return { data: Buffer.concat(out), consumed: start };
    previousEndedInCrlf = crlf;
    let line = raw[0] === 0x2e ? raw.subarray(1) : raw;
    if (!crlf) line = Buffer.concat([line.subarray(0, line.length - 1), Buffer.from('\r\n')]);
    out.push(line);
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A LineConnection over a stand-in socket, so each `emit('data')` is exactly one read, cut where the test says. */
function overFakeSocket(): { socket: EventEmitter; conn: LineConnection } {
  const socket = Object.assign(new EventEmitter(), { setTimeout: () => undefined, pause: () => undefined, resume: () => undefined });
  const tap = new TapConversation({
    service: 'test',
    kind: 'test',
    host: 'st.um',
    transport: 'tcp',
    client: { address: '127.0.0.1', port: 0 },
    server: { address: '127.0.0.1', port: 0 },
  });
  return { socket, conn: new LineConnection(socket as unknown as Socket, { maxLineBytes: 1000, idleTimeoutMs: 10_000, tap }) };
}

describe('LineConnection data blocks', () => {
  it('un-stuffs any block, however it is cut into reads, exactly as line-by-line reading would', async () => {
    // Dots, bare CR and LF, CRLF and letters; a piece may end the block early, as a smuggling attempt would.
    const piece = fc.constantFrom('a', 'b', '.', '\r', '\n', '\r\n', '\r\n.', '\r\n.\r\n', '\n.\r\n', '..');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), async (pieces, cuts) => {
        const wire = Buffer.from(`${pieces.join('')}\r\n.\r\nNEXT\r\n`);
        const expected = unstuff(wire)!;
        const { socket, conn } = overFakeSocket();
        const reading = conn.readDotBlock(1_000_000);
        for (let offset = 0, i = 0; offset < wire.length; i++) {
          const size = cuts[i % cuts.length]!;
          socket.emit('data', wire.subarray(offset, offset + size));
          offset += size;
          await Promise.resolve();
        }
        const block = await within(reading, 5000);
        assert.deepEqual(block.kind === 'block' ? block.data : block, expected.data);
        // What follows the block's end is left for the next commands, line by line.
        const rest = wire.subarray(expected.consumed).toString().split('\n').map((l) => l.replace(/\r$/, ''));
        for (const want of rest.slice(0, rest.indexOf('NEXT') + 1)) {
          const line = await within(conn.readLine(), 5000);
          assert.equal(line.kind === 'line' ? line.text : line.kind, want);
        }
      }),
      { numRuns: 300 },
    );
  });
});
