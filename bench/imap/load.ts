import { BenchImapClient } from './client.js';

export interface FetchRun {
  messages: number;
  octets: number;
  seconds: number;
}

export interface LoginRun {
  sessions: number;
  seconds: number;
}

/** UID FETCH in batches, as mail programs fetch a mailbox. */
const BATCH = 250;

/** Every client logs in, SELECTs INBOX and fetches every message with FETCH BODY[], all at once. */
export async function fetchAll(port: number, clients: number, user: string, password: string, count: number): Promise<FetchRun> {
  const sessions = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = await BenchImapClient.connect(port);
      await client.command(`LOGIN ${user} ${password}`);
      await client.command('SELECT INBOX');
      return client;
    }),
  );
  const started = performance.now();
  const totals = await Promise.all(
    sessions.map(async (client) => {
      let messages = 0;
      let octets = 0;
      for (let first = 1; first <= count; first += BATCH) {
        const answer = await client.command(`FETCH ${first}:${Math.min(count, first + BATCH - 1)} BODY[]`);
        messages += answer.fetches;
        octets += answer.octets;
      }
      return { messages, octets };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(sessions.map((s) => s.logout()));
  const messages = totals.reduce((sum, t) => sum + t.messages, 0);
  if (messages !== clients * count) throw new Error(`fetched ${messages} messages, expected ${clients * count}`);
  return { messages, octets: totals.reduce((sum, t) => sum + t.octets, 0), seconds };
}

/** Each client repeats connect, LOGIN, SELECT INBOX, LOGOUT `rounds` times. */
export async function loginSelectLogout(port: number, clients: number, user: string, password: string, rounds: number): Promise<LoginRun> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < rounds; i += 1) {
        const client = await BenchImapClient.connect(port);
        await client.command(`LOGIN ${user} ${password}`);
        await client.command('SELECT INBOX');
        await client.logout();
      }
    }),
  );
  return { sessions: clients * rounds, seconds: (performance.now() - started) / 1000 };
}
