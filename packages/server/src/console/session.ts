/**
 * @module
 * Console sign-in: credential checks in constant time, and the in-memory session store behind the
 * `herald_console` cookie. A session is scoped to exactly one app.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'herald_console';
/** How long a session lives after sign-in. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Most sessions kept at once; the oldest is forgotten beyond it. */
export const MAX_SESSIONS = 1000;

/** A signed-in console. */
export interface ConsoleSession {
  /** Random, unguessable id (the cookie value). */
  readonly id: string;
  /** The one app this session may see. */
  readonly appId: string;
  /** Epoch milliseconds after which the session is gone. */
  readonly expiresAt: number;
}

/**
 * Compares two strings in time that depends on neither their content nor their lengths (both are
 * hashed to 32 bytes first, then compared with `timingSafeEqual`).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * True when `given` is the app's secret or the configured console token. Every comparison always
 * runs (against a dummy when the app is unknown), so the answer time tells neither which one
 * matched nor whether the app exists.
 */
export function credentialsMatch(
  given: string,
  appSecret: string | undefined,
  consoleToken?: string,
): boolean {
  const isSecret = constantTimeEqual(given, appSecret ?? '') && appSecret !== undefined;
  const isToken = constantTimeEqual(given, consoleToken ?? '') && consoleToken !== undefined;
  return isSecret || isToken;
}

/** Reads the session id from the request's `cookie` header. */
export function sessionIdFrom(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The `Set-Cookie` value for a session (or one that clears the cookie). `secure` adds the Secure
 * attribute (the console is reached over HTTPS, e.g. behind a TLS-terminating proxy).
 */
export function sessionCookie(
  session: ConsoleSession | undefined,
  secure = false,
  now = Date.now(),
): string {
  const attributes = `Path=/console; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  if (!session) return `${SESSION_COOKIE}=; ${attributes}; Max-Age=0`;
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${session.id}; ${attributes}; Max-Age=${maxAge}`;
}

/** Sessions in memory, bounded in count; lookups are O(1). */
export class SessionStore {
  readonly #sessions = new Map<string, ConsoleSession>();

  /**
   * @param ttlMs - Session lifetime.
   * @param max - Most sessions kept; the oldest is dropped beyond it.
   * @param now - Clock (tests).
   */
  constructor(
    readonly ttlMs = SESSION_TTL_MS,
    readonly max = MAX_SESSIONS,
    readonly now: () => number = Date.now,
  ) {}

  /** Starts a session for `appId`. */
  create(appId: string): ConsoleSession {
    const now = this.now();
    for (const [id, session] of this.#sessions)
      if (session.expiresAt <= now) this.#sessions.delete(id);
    while (this.#sessions.size >= this.max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const session = {
      id: randomBytes(32).toString('base64url'),
      appId,
      expiresAt: now + this.ttlMs,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, if any (an expired one is forgotten). */
  get(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session. */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Forgets every session. */
  clear(): void {
    this.#sessions.clear();
  }
}

/** Failed sign-ins allowed per client address and window before answering 429. */
export const MAX_FAILED_SIGN_INS = 10;
/** The window of {@link MAX_FAILED_SIGN_INS}. */
export const FAILED_SIGN_IN_WINDOW_MS = 60_000;
/** Most addresses tracked at once (the table is cleared beyond it). */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Counts failed sign-ins per client address, to slow down guessing of secrets. */
export class SignInThrottle {
  readonly #failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max = MAX_FAILED_SIGN_INS,
    readonly windowMs = FAILED_SIGN_IN_WINDOW_MS,
    readonly now: () => number = Date.now,
  ) {}

  /** True when `address` used up its failures for the current window. */
  blocked(address: string): boolean {
    const entry = this.#failures.get(address);
    if (!entry) return false;
    if (entry.resetAt <= this.now()) {
      this.#failures.delete(address);
      return false;
    }
    return entry.count >= this.max;
  }

  /** Records a failed sign-in from `address`. */
  fail(address: string): void {
    const now = this.now();
    const entry = this.#failures.get(address);
    if (entry && entry.resetAt > now) entry.count += 1;
    else {
      if (this.#failures.size >= MAX_TRACKED_ADDRESSES) this.#failures.clear();
      this.#failures.set(address, { count: 1, resetAt: now + this.windowMs });
    }
  }
}
