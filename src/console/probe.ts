import { request } from 'node:http';
import type { ProbeResult, ProbeTarget } from '../lab/service.js';

/** GETs a JSON endpoint and checks for a 200 with a JSON body. */
export function probeHttpJson(target: ProbeTarget, path: string): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: target.address, port: target.port, path, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = res.statusCode === 200 && String(res.headers['content-type']).startsWith('application/json');
        resolve({ ok, ms: Math.round(performance.now() - started), detail: `HTTP ${res.statusCode ?? '?'} ${path}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (err) => resolve({ ok: false, ms: Math.round(performance.now() - started), detail: err.message }));
    req.end();
  });
}
