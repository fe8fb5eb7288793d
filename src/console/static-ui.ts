import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpProblem } from './http-json.js';

/** Where `npm run build` puts the web app (Vite's output, shipped inside dist/). */
export const UI_DIRECTORY = fileURLToPath(new URL('./ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Serves the built web app: `/` is index.html, `/assets/…` the hashed bundles (cached for good). Paths
 * are resolved inside the app's directory only.
 */
export async function serveUi(pathname: string, res: ServerResponse, headOnly: boolean): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = normalize(join(UI_DIRECTORY, relative));
  if (!file.startsWith(UI_DIRECTORY) || relative.split('/').some((part) => part.startsWith('.'))) {
    throw new HttpProblem(404, `no such page ${pathname}`);
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (pathname === '/') throw new HttpProblem(503, `the console's web app is not built (no ${UI_DIRECTORY}index.html): run \`npm run build\``);
    throw new HttpProblem(404, `no such page ${pathname}; the API is under /api (see /api/lab)`);
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(headOnly ? undefined : body);
}
