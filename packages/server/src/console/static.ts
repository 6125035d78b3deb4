/**
 * @module
 * The console page: three plain files shipped in `public/` (no build step), served from a fixed
 * list (no path from the request ever reaches the file system), read once and kept in memory.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { COMMON_HEADERS } from './http.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** Request path (under /console/) → file and content type. */
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/** Only our own files, no inline script or style, no framing. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const cache = new Map<string, Promise<Buffer>>();

/** True when `name` is one of the page's files. */
export function isStaticFile(name: string): boolean {
  return Object.hasOwn(FILES, name);
}

/** Sends one of the page's files (see {@link isStaticFile}). */
export async function sendStatic(response: ServerResponse, name: string): Promise<void> {
  const entry = FILES[name]!;
  let content = cache.get(entry.file);
  if (!content) {
    content = readFile(new URL(entry.file, PUBLIC_DIR));
    cache.set(entry.file, content);
    content.catch(() => cache.delete(entry.file));
  }
  const body = await content;
  response
    .writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': entry.type,
      'content-security-policy': CSP,
    })
    .end(body);
}
