/**
 * @module
 * What every API route receives, and the helpers routes share (JSON body parsing, `info` lists).
 */
import type { z } from 'zod';
import type { App } from '../../apps/app-store.js';
import type { ServerContext } from '../../context.js';
import { HttpError } from '../errors.js';

/** A verified request handed to a route. */
export interface RouteRequest {
  /** Shared services. */
  readonly context: ServerContext;
  /** The app named in the path (known, enabled, signature checked). */
  readonly app: App;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The raw body. */
  readonly body: Buffer;
  /** Decoded path parameters (`channel`, `userId`). */
  readonly params: Readonly<Record<string, string>>;
}

/** A route handler: resolves to the JSON body of a 200 answer, or throws an HttpError. */
export type RouteHandler = (request: RouteRequest) => Promise<unknown>;

/** Parses the body as JSON and validates it with `schema`; 400 with the first problem otherwise. */
export function parseJsonBody<T extends z.ZodType>(body: Buffer, schema: T): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(body.length ? body.toString('utf8') : '{}');
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join('.');
    throw new HttpError(400, path ? `${path}: ${issue?.message}` : (issue?.message ?? 'Bad body'));
  }
  return result.data;
}

/** Channel attributes the `info` parameter may ask for. */
export type InfoAttribute = 'user_count' | 'subscription_count' | 'cache';

/** Parses a comma-separated `info` value; 400 for attributes outside `allowed`. */
export function parseInfo(
  raw: string | undefined,
  allowed: readonly InfoAttribute[],
): Set<InfoAttribute> {
  const out = new Set<InfoAttribute>();
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (!name) continue;
    if (!(allowed as readonly string[]).includes(name))
      throw new HttpError(400, `Unsupported info attribute "${name}"`);
    out.add(name as InfoAttribute);
  }
  return out;
}
