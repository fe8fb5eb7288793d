/** The bench's one mailbox, on both servers: mail to it goes into a Maildir, with fsync. */
export const BENCH_DOMAIN = 'bench.test';
export const BENCH_RECIPIENT = `user@${BENCH_DOMAIN}`;
export const BENCH_SENDER = 'load@client.test';

/** An SMTP server under test, started for one measurement and stopped after it. */
export interface SmtpTarget {
  name: string;
  address: string;
  port: number;
  /** Where BENCH_RECIPIENT's mail lands. */
  maildir: string;
  /** How long after the last 250 the Maildir may still be filling: 0 for a server that delivers before it answers. */
  deliveryGraceMs: number;
  /** CPU time the server (all its processes and threads) has used so far, in seconds. */
  cpuSeconds(): Promise<number>;
  /** The server's peak resident memory during the run, and how that figure was taken. */
  peakMemory(): Promise<{ bytes: number | undefined; how: string }>;
  stop(): Promise<void>;
}
