import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
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
});
