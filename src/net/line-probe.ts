import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProbeResult, ProbeTarget } from '../lab/service.js';

/** One exchange of a probe: what to send (nothing for the greeting), which line ends it, and whether that line is good news. */
export interface ProbeStep {
  name: string;
  send?: string;
  ends(line: string): boolean;
  ok(line: string): boolean;
}

/**
 * Talks to a line-based service as a client would — the seed's "telnet host port" check, automated:
 * connect (with TLS from the first byte if asked), walk the steps, and report the last line and round trip.
 */
export function probeLineDialogue(target: ProbeTarget, steps: ProbeStep[], implicitTls: boolean): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let buffer = '';
    let index = 0;
    const socket: Socket = implicitTls
      ? tlsConnect({ host: target.address, port: target.port, servername: target.hostName, rejectUnauthorized: false })
      : connect({ host: target.address, port: target.port });
    const finish = (ok: boolean, detail: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, ms: Math.round(performance.now() - started), detail });
    };
    const timer = setTimeout(() => finish(false, `no answer within 5 s (${steps[index]?.name ?? 'end'})`), 5000);
    socket.on('error', (err) => finish(false, err.message));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const step = steps[index];
        if (!step || !step.ends(line)) continue;
        if (!step.ok(line)) return finish(false, `${step.name}: ${line}`);
        index += 1;
        const next = steps[index];
        if (!next) return finish(true, line);
        if (next.send !== undefined) socket.write(`${next.send}\r\n`);
      }
    });
  });
}
