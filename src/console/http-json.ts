import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Reads a whole-number query parameter within bounds, or explains what is wrong with it. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpProblem(400, `${name}=${raw}: expected a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

export function wantsFlag(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  return raw !== null && raw !== '0' && raw !== 'false';
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => void | Promise<void>;
