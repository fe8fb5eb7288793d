import { spawn } from 'node:child_process';

export interface PerfResult {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  avgMs: number;
  /** Each answered query's latency, when run verbose (paced runs). */
  latenciesMs: number[];
}

/** The mixed query file: A (CNAME chains too), CNAME, MX, SRV and NXDOMAIN questions about st.um. */
export function queryFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    lines.push(['www.st.um A', 'st.um A', 'ns1.st.um A', 'mail.st.um A', 'www2.st.um A', 'ns2.st.um A'][i % 6] as string);
    lines.push(['smtp.st.um CNAME', 'pop3.st.um CNAME'][i % 2] as string);
    lines.push('st.um MX');
    lines.push(['_imap._tcp.st.um SRV', '_submission._tcp.st.um SRV'][i % 2] as string);
    lines.push(`nx-${i}.st.um A`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs dnsperf against a server for `seconds`: at full load (as many queries as the server takes, 500
 * outstanding over 8 clients), or paced at `rate` q/s with every query's latency read from its verbose
 * output (verbose output costs dnsperf time, so full-load runs are not verbose).
 */
export function dnsperf(port: number, file: string, seconds: number, rate?: number): Promise<PerfResult> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '8', '-q', '500', '-t', '2'];
  if (rate) args.push('-Q', String(rate), '-v');
  return new Promise((resolve, reject) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const latenciesMs: number[] = [];
    let summary = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        // Verbose lines: "> NOERROR www.st.um A 0.000123"
        if (line.startsWith('> ')) latenciesMs.push(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000);
        else summary += `${line}\n`;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (summary += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      const number = (label: string): number => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(summary)?.[1] ?? NaN);
      const qps = number('Queries per second');
      if (Number.isNaN(qps)) return reject(new Error(`dnsperf said:\n${summary}`));
      resolve({
        sent: number('Queries sent'),
        completed: number('Queries completed'),
        lost: number('Queries lost'),
        qps,
        avgMs: number('Average Latency \\(s\\)') * 1000,
        latenciesMs: latenciesMs.filter(Number.isFinite),
      });
    });
  });
}
