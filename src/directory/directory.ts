import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { replaceDurably } from '../lab/durable.js';
import { WirelabError } from '../lab/errors.js';
import { hashPassword, hashPasswordNow, verifyPassword } from './password.js';

/** The password the seed uses for every demo account; the lab refuses to leave loopback while it is in use. */
export const DEMO_PASSWORD = 'password';

export interface User {
  address: string;
  hash: string;
  created: string;
}

interface UsersFile {
  version: 1;
  users: User[];
}

/**
 * One store of users for every service (SMTP AUTH, POP3, IMAP, and the services to come), kept in
 * `directory/users.json` under the data directory. Changes made by `wirelab users` while the lab runs
 * are picked up on the next lookup.
 */
export class Directory {
  private users: User[] = [];
  private loadedMtime = -1;
  private lastCheck = 0;
  /** Logins verified since the file last changed, keyed by an HMAC of the password under a key that lives only in memory (as Dovecot's auth cache). */
  private readonly verified = new Map<string, string>();
  private readonly cacheKey = randomBytes(32);

  constructor(private readonly file: string) {
    this.reload(true);
  }

  list(): User[] {
    this.reload();
    return [...this.users];
  }

  /** Finds a user by full address, or by local part when it names exactly one user (preferring `preferredDomain`). */
  find(login: string, preferredDomain?: string): User | undefined {
    this.reload();
    const wanted = login.trim().toLowerCase();
    if (wanted.includes('@')) return this.users.find((u) => u.address === wanted);
    const matches = this.users.filter((u) => u.address.split('@')[0] === wanted);
    if (preferredDomain) {
      const inDomain = matches.find((u) => u.address.endsWith(`@${preferredDomain.toLowerCase()}`));
      if (inDomain) return inDomain;
    }
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The user, when the password is right; undefined for an unknown login or a wrong password alike. */
  async authenticate(login: string, password: string, preferredDomain?: string): Promise<User | undefined> {
    const user = this.find(login, preferredDomain);
    if (!user) return undefined;
    const token = createHmac('sha256', this.cacheKey).update(password).digest('base64');
    if (this.verified.get(user.address) === token) return user;
    if (!(await verifyPassword(password, user.hash))) return undefined;
    this.verified.set(user.address, token);
    return user;
  }

  async add(address: string, password: string): Promise<User> {
    this.reload(true);
    const normalized = normalizeAddress(address);
    if (this.users.some((u) => u.address === normalized)) {
      throw new WirelabError('USER_EXISTS', `user ${normalized} already exists; change the password with \`wirelab users passwd ${normalized}\``);
    }
    const user: User = { address: normalized, hash: await hashPassword(password), created: new Date().toISOString() };
    await this.save([...this.users, user]);
    return user;
  }

  async setPassword(address: string, password: string): Promise<void> {
    this.reload(true);
    const normalized = normalizeAddress(address);
    const user = this.users.find((u) => u.address === normalized);
    if (!user) throw new WirelabError('USER_UNKNOWN', `no user ${normalized}; list them with \`wirelab users list\``);
    const hash = await hashPassword(password);
    await this.save(this.users.map((u) => (u.address === normalized ? { ...u, hash } : u)));
  }

  async remove(address: string): Promise<void> {
    this.reload(true);
    const normalized = normalizeAddress(address);
    if (!this.users.some((u) => u.address === normalized)) {
      throw new WirelabError('USER_UNKNOWN', `no user ${normalized}; list them with \`wirelab users list\``);
    }
    await this.save(this.users.filter((u) => u.address !== normalized));
  }

  /** Creates the config's accounts that do not exist yet (at startup, so hashed on this thread); existing ones keep the password they have. */
  async seed(accounts: { address: string; password: string }[]): Promise<void> {
    this.reload(true);
    const missing = accounts.filter((a) => !this.users.some((u) => u.address === normalizeAddress(a.address)));
    if (missing.length === 0) return;
    const created = missing.map((a) => ({ address: normalizeAddress(a.address), hash: hashPasswordNow(a.password), created: new Date().toISOString() }));
    await this.save([...this.users, ...created]);
  }

  /** The users whose password is still the demo one. */
  async usersWithDemoPassword(): Promise<string[]> {
    const found: string[] = [];
    for (const user of this.list()) {
      if (await verifyPassword(DEMO_PASSWORD, user.hash)) found.push(user.address);
    }
    return found;
  }

  private async save(users: User[]): Promise<void> {
    const body: UsersFile = { version: 1, users };
    await replaceDurably(this.file, `${JSON.stringify(body, null, 2)}\n`);
    this.reload(true);
  }

  private reload(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastCheck < 500) return;
    this.lastCheck = now;
    let mtime: number;
    try {
      mtime = statSync(this.file).mtimeMs;
    } catch {
      this.users = [];
      this.loadedMtime = -1;
      return;
    }
    if (mtime === this.loadedMtime && !force) return;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as UsersFile;
    this.users = parsed.users.map((u) => ({ ...u, address: u.address.toLowerCase() }));
    this.loadedMtime = mtime;
    this.verified.clear();
  }
}

function normalizeAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]*$|^[^@\s]+@[^@\s]+$/.test(trimmed)) {
    throw new WirelabError('BAD_ARGUMENT', `"${address}" is not a mail address; write it like user1@st.um`);
  }
  return trimmed;
}
