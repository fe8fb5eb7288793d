import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceContext } from '../lab/service.js';

/** A request the API refuses, with the status and the reason it sends back as `{ "error": … }`. */
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

export function sendBytes(res: ServerResponse, contentType: string, bytes: Buffer, filename?: string): void {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': bytes.length,
    'cache-control': 'no-store',
    ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
  });
  res.end(bytes);
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

/** A query parameter that must be one of a few words. */
export function choiceParam<T extends string>(url: URL, name: string, choices: readonly T[], fallback: T): T {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new HttpProblem(400, `${name}=${raw}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

/** `since=10m` (s, m, h, d) or an ISO date: the epoch milliseconds it stands for. */
export function sinceParam(url: URL, now: number): number | undefined {
  const raw = url.searchParams.get('since');
  if (raw === null || raw === '') return undefined;
  const relative = /^(\d{1,9})(s|m|h|d)$/.exec(raw);
  if (relative) return now - Number(relative[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
  const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(date)) throw new HttpProblem(400, `since=${raw}: expected a duration like 30s, 10m, 2h, 1d, or an ISO date like 2026-01-31T12:00:00Z`);
  return date;
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => void | Promise<void>;

export interface RouteDefinition {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: Route;
}

/** A folder of routes: built from what the console may reach. */
export type RouteFactory = (ctx: ServiceContext) => RouteDefinition[];

export const get = (pattern: RegExp, handle: Route): RouteDefinition => ({ method: 'GET', pattern, handle });
export const post = (pattern: RegExp, handle: Route): RouteDefinition => ({ method: 'POST', pattern, handle });
