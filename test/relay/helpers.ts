import assert from 'node:assert/strict';
import type { LabConfigInput } from '../../src/lab/config.js';
import { authPlain } from '../helpers/smtp-client.js';
import { LineReader, openSocket } from '../helpers/transcript.js';
import { run } from '../helpers/run.js';

export interface Submission {
  port: number;
  /** The address of the SMTP server (lab hosts listen on their own 127.0.0.x). */
  address?: string;
  login?: { user: string; password: string };
  from: string;
  to: string[];
  /** Header section and body, CRLF or LF line ends; dots are stuffed here. */
  message: string;
}

/** Sends one message over SMTP (AUTH PLAIN when a login is given) and returns the server's queue id. */
export async function submit(s: Submission): Promise<string> {
  const socket = await openSocket(s.port, s.address ?? '127.0.0.1');
  const reader = new LineReader(socket);
  const last = async (line: string): Promise<string> => {
    socket.write(`${line}\r\n`);
    return (await reader.reply()).at(-1) ?? '(closed)';
  };
  try {
    assert.match((await reader.reply()).at(-1) ?? '', /^220 /);
    assert.match(await last('EHLO client.example'), /^250 /);
    if (s.login) assert.match(await last(`AUTH PLAIN ${authPlain(s.login.user, s.login.password)}`), /^235 /);
    assert.match(await last(`MAIL FROM:<${s.from}>`), /^250 /);
    for (const to of s.to) assert.match(await last(`RCPT TO:<${to}>`), /^250 /, `RCPT TO:<${to}>`);
    assert.match(await last('DATA'), /^354 /);
    const body = s.message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const reply = await last(`${body.endsWith('\r\n') ? body : `${body}\r\n`}.`);
    const id = /queued as ([0-9A-F]+)/.exec(reply)?.[1];
    assert.ok(id, `no queue id in ${reply}`);
    await last('QUIT');
    return id;
  } finally {
    socket.destroy();
  }
}

/** Polls `check` (bounded in time) until it returns a value. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The fields of a message's header section, in order, unfolded. */
export function headerFields(message: Buffer | string): { name: string; value: string }[] {
  const text = message.toString();
  const end = text.indexOf('\r\n\r\n');
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  return head.split('\r\n').map((line) => {
    const colon = line.indexOf(':');
    return { name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() };
  });
}

/** Edits the demo config: the lab clock and, optionally, more. */
export function withQueue(queue: NonNullable<NonNullable<LabConfigInput['mail']>['queue']>, more?: (c: LabConfigInput) => void): (c: LabConfigInput) => void {
  return (c) => {
    c.mail = { ...c.mail, queue: { ...c.mail?.queue, ...queue } };
    more?.(c);
  };
}

export interface ParsedReport {
  contentType: string;
  reportType: string | null;
  parts: string[];
  /** message/delivery-status: the per-message block, then one block per recipient. */
  statusBlocks: Record<string, string>[];
  text: string;
  returnedHeaders: string;
}

/**
 * Reads a message with Python's email parser (what a real mail client's MIME reading looks like) and
 * returns its report structure: a DSN must come out as multipart/report with its three parts.
 */
export async function parseWithPython(message: Buffer): Promise<ParsedReport> {
  const script = `
import email, json, sys
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = [p.get_content_type() for p in msg.iter_parts()] if msg.is_multipart() else []
blocks, text, returned = [], '', ''
for p in (msg.iter_parts() if msg.is_multipart() else []):
    if p.get_content_type() == 'message/delivery-status':
        blocks = [dict((k.lower(), str(v)) for k, v in b.items()) for b in p.get_payload()]
    elif p.get_content_type() == 'text/plain':
        text = p.get_content()
    elif p.get_content_type() == 'text/rfc822-headers':
        returned = p.get_payload(decode=True).decode('utf-8', 'replace')
print(json.dumps({'contentType': msg.get_content_type(), 'reportType': msg.get_param('report-type'), 'parts': parts, 'statusBlocks': blocks, 'text': text, 'returnedHeaders': returned}))
`;
  const res = await run('python3', ['-c', script], { input: message, timeoutMs: 20_000 });
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as ParsedReport;
}
