/**
 * The ceiling a Node DNS server can reach on this machine: a UDP loop that turns each query into a
 * "response" by setting its QR bit and sends it back, nothing else — the "bare Node UDP loop
 * that only flips header bits". Prints its port as one JSON line; stops on SIGTERM.
 * Run: node dist/bench/dns/echo-responder.js
 */
import { createSocket } from 'node:dgram';

const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024, lookup: (address, _options, callback) => callback(null, address, 4) });
socket.on('message', (query, from) => {
  query[2] = (query[2] as number) | 0x80;
  socket.send(query, from.port, from.address);
});
socket.bind(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: socket.address().port })}\n`));
process.once('SIGTERM', () => socket.close(() => process.exit(0)));
