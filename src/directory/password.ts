import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** N=16384, r=8 needs 16 MB; OpenSSL's default cap is 32 MB. */
const MAX_MEMORY = 64 * 1024 * 1024;

/** Each scrypt holds 16 MB while it runs: two at a time keep both cores busy without a login burst costing memory. */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Takes a slot, or waits for one to be handed over. */
async function acquire(): Promise<void> {
  if (running < MAX_CONCURRENT) {
    running += 1;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

async function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  await acquire();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    release();
  }
}

/** A salted scrypt hash as `scrypt$N$r$p$salt$key` (base64), the only form a password is ever stored in. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return stored(password, salt, await derive(password, salt, PARAMS));
}

/**
 * hashPassword on this thread, for the accounts a lab creates as it starts, before anything listens.
 * A thread-pool thread's allocator keeps a 16 MB scrypt buffer for good once glibc has raised its mmap
 * threshold (after the first one); on the main thread the same memory goes on to hold message buffers.
 */
export function hashPasswordNow(password: string): string {
  const salt = randomBytes(16);
  return stored(password, salt, scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { ...PARAMS, maxmem: MAX_MEMORY }));
}

function stored(password: string, salt: Buffer, key: Buffer): string {
  const hash = ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
  // This process has just seen the password match: the lab's configured users log in without a second scrypt.
  remember(hash, passwordMac(password));
  return hash;
}

/**
 * Passwords that verified, as HMACs under a key that lives only in this process's memory: a mail
 * client that logs in every minute pays for scrypt (about 50 ms of CPU and 16 MB that the allocator
 * keeps) once, as with Dovecot's auth cache. Wrong passwords are never cached: each costs a scrypt.
 */
const CACHE_KEY = randomBytes(32);
const CACHE_ENTRIES = 1000;
const verified = new Map<string, Buffer>();
/** Verifications running now, so that clients logging in at once with the same password share one scrypt. */
const inFlight = new Map<string, Promise<boolean>>();

function passwordMac(password: string): Buffer {
  return createHmac('sha256', CACHE_KEY).update(password.normalize('NFC')).digest();
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const mac = passwordMac(password);
  const known = verified.get(stored);
  if (known && timingSafeEqual(known, mac)) return true;
  const key = `${stored}\0${mac.toString('base64')}`;
  let verification = inFlight.get(key);
  if (!verification) {
    verification = verifyWithScrypt(password, stored).finally(() => inFlight.delete(key));
    inFlight.set(key, verification);
  }
  const ok = await verification;
  if (ok) remember(stored, mac);
  return ok;
}

function remember(stored: string, mac: Buffer): void {
  verified.delete(stored);
  verified.set(stored, mac);
  if (verified.size > CACHE_ENTRIES) verified.delete(verified.keys().next().value!);
}

async function verifyWithScrypt(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
