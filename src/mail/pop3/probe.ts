import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProbeResult, ProbeTarget } from '../../lab/service.js';

/** Connects, waits for the +OK greeting, asks CAPA and says QUIT — the seed's "telnet host 110" check, automated. */
export function probePop3(target: ProbeTarget, implicitTls = false): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let buffer = '';
    let step: 'greeting' | 'capa' | 'capa-list' | 'quit' = 'greeting';
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
        if (step === 'greeting') {
          if (!line.startsWith('+OK')) return finish(false, `greeting: ${line}`);
          step = 'capa';
          socket.write('CAPA\r\n');
        } else if (step === 'capa') {
          if (!line.startsWith('+OK')) return finish(false, `CAPA: ${line}`);
          step = 'capa-list';
        } else if (step === 'capa-list') {
          if (line !== '.') continue;
          step = 'quit';
          socket.write('QUIT\r\n');
        } else {
          return finish(line.startsWith('+OK'), line);
        }
      }
    });
  });
}
