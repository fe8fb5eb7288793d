import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProbeResult, ProbeTarget } from '../../lab/service.js';

/** Connects, waits for the 220 banner, says EHLO and QUIT — the seed's telnet check, automated. */
export function probeSmtp(target: ProbeTarget, implicitTls = false): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let buffer = '';
    let step: 'banner' | 'ehlo' | 'quit' = 'banner';
    const socket: Socket = implicitTls
      ? tlsConnect({ host: target.address, port: target.port, servername: target.hostName, rejectUnauthorized: false })
      : connect({ host: target.address, port: target.port });
    const finish = (ok: boolean, detail: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, ms: Math.round(performance.now() - started), detail });
    };
    const timer = setTimeout(() => finish(false, `no answer within 5 s (${step})`), 5000);
    socket.on('error', (err) => finish(false, err.message));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!/^\d{3} /.test(line)) continue;
        if (step === 'banner') {
          if (!line.startsWith('220')) return finish(false, `banner: ${line}`);
          step = 'ehlo';
          socket.write('EHLO wirelab-probe\r\n');
        } else if (step === 'ehlo') {
          if (!line.startsWith('250')) return finish(false, `EHLO: ${line}`);
          step = 'quit';
          socket.write('QUIT\r\n');
        } else {
          return finish(line.startsWith('221'), line);
        }
      }
    });
  });
}
