/**
 * @module
 * A TTL cache in front of a database of apps. A lookup within the TTL is a map read, not a query;
 * after it the next lookup asks the database again (concurrent lookups of one key share one query),
 * so a new app, a disabled app or a rotated secret takes effect within the TTL.
 *
 * When the database fails, known apps keep being served from the cache (their entries are kept
 * past the TTL; a hanging database holds a known app's lookup for at most `staleAfterMs`) and
 * unknown keys are refused; for `retryMs` after a failure no query is tried, so
 * an outage neither slows connections down nor hammers the database.
 */
import type { App, AppStore } from '../apps/app-store.js';
import type { Logger } from '../logger.js';
import { maskUrlsInText } from './mask.js';
import { parseAppRow } from './row.js';

/** A raw row of the app table. */
export type AppRow = Readonly<Record<string, unknown>>;

/** Where rows come from: one SQL database. Methods reject when the database cannot answer. */
export interface AppRowSource {
  /** A short name for logs (`postgres`, `mysql`). */
  readonly kind: string;
  /** The row whose `key` is `key`. */
  rowByKey(key: string): Promise<AppRow | undefined>;
  /** The row whose `id` is `id`. */
  rowById(id: string): Promise<AppRow | undefined>;
  /** Every row. */
  allRows(): Promise<readonly AppRow[]>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

/** Tuning of {@link CachedAppStore}. */
export interface CachedAppStoreOptions {
  /** How long a lookup result (found or not) is trusted. */
  readonly ttlMs: number;
  /** After a failed query, how long to answer from the cache alone (default: min(ttlMs, 5 s)). */
  readonly retryMs?: number;
  /**
   * How long a lookup of a known app waits for the database after the TTL before the cached app
   * answers anyway (default: 500 ms); the query still refreshes the cache when it ends.
   */
  readonly staleAfterMs?: number;
  /**
   * Most apps per index, and most remembered misses; the oldest are forgotten first (default
   * 10 000). Misses are kept apart, so a flood of unknown keys never evicts a known app.
   */
  readonly maxEntries?: number;
  /** Where skipped rows and outages are reported. */
  readonly logger: Logger;
}

interface Entry {
  readonly app: App;
  readonly expiresAt: number;
}

/** Serves apps from an {@link AppRowSource} through a TTL cache. */
export class CachedAppStore implements AppStore {
  readonly #source: AppRowSource;
  readonly #ttlMs: number;
  readonly #retryMs: number;
  readonly #maxEntries: number;
  readonly #staleAfterMs: number;
  readonly #logger: Logger;
  readonly #byKey = new Map<string, Entry>();
  readonly #byId = new Map<string, Entry>();
  /** Lookups that found nothing (`k:<key>`, `i:<id>`) → when that answer expires. */
  readonly #misses = new Map<string, number>();
  readonly #pending = new Map<string, Promise<App | undefined>>();
  #all: { apps: readonly App[]; expiresAt: number } | undefined;
  #downUntil = 0;
  #down = false;

  /** @param source - The database; closed with the store. */
  constructor(source: AppRowSource, options: CachedAppStoreOptions) {
    this.#source = source;
    this.#ttlMs = options.ttlMs;
    this.#retryMs = options.retryMs ?? Math.min(options.ttlMs, 5000);
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#staleAfterMs = options.staleAfterMs ?? 500;
    this.#logger = options.logger;
  }

  findByKey(key: string): Promise<App | undefined> {
    return this.#lookup(this.#byKey, `k:${key}`, key, () => this.#source.rowByKey(key));
  }

  findById(id: string): Promise<App | undefined> {
    return this.#lookup(this.#byId, `i:${id}`, id, () => this.#source.rowById(id));
  }

  async list(): Promise<readonly App[]> {
    const now = Date.now();
    if (this.#all && this.#all.expiresAt > now) return this.#all.apps;
    if (now < this.#downUntil) return this.#knownApps();
    try {
      const rows = await this.#source.allRows();
      this.#recovered();
      const apps = rows.map((row) => this.#parse(row)).filter((app) => app !== undefined);
      for (const app of apps) this.#remember(app);
      this.#all = { apps, expiresAt: Date.now() + this.#ttlMs };
      return apps;
    } catch (error) {
      this.#failed(error);
      return this.#knownApps();
    }
  }

  close(): Promise<void> {
    this.#byKey.clear();
    this.#byId.clear();
    this.#misses.clear();
    return this.#source.close();
  }

  #lookup(
    index: Map<string, Entry>,
    pendingKey: string,
    value: string,
    query: () => Promise<AppRow | undefined>,
  ): Promise<App | undefined> {
    const now = Date.now();
    const entry = index.get(value);
    if (entry && entry.expiresAt > now) return Promise.resolve(entry.app);
    if (!entry && (this.#misses.get(pendingKey) ?? 0) > now) return Promise.resolve(undefined);
    if (now < this.#downUntil) return Promise.resolve(entry?.app);
    let pending = this.#pending.get(pendingKey);
    if (!pending) {
      pending = this.#refresh(index, pendingKey, value, query).finally(() =>
        this.#pending.delete(pendingKey),
      );
      this.#pending.set(pendingKey, pending);
    }
    if (!entry) return pending;
    // A known app is not held up by a database that hangs: after staleAfterMs the cached app
    // answers, and the query goes on to refresh the cache when it ends.
    const known = entry.app;
    let timer: NodeJS.Timeout | undefined;
    const stale = new Promise<App>((resolve) => {
      timer = setTimeout(() => resolve(known), this.#staleAfterMs);
    });
    return Promise.race([pending, stale]).finally(() => clearTimeout(timer));
  }

  async #refresh(
    index: Map<string, Entry>,
    missKey: string,
    value: string,
    query: () => Promise<AppRow | undefined>,
  ): Promise<App | undefined> {
    let row: AppRow | undefined;
    try {
      row = await query();
    } catch (error) {
      this.#failed(error);
      // Known apps keep working; unknown keys are refused until the database answers again.
      return index.get(value)?.app;
    }
    this.#recovered();
    const app = row === undefined ? undefined : this.#parse(row);
    if (app) this.#remember(app);
    else {
      index.delete(value);
      this.#bounded(this.#misses, missKey, Date.now() + this.#ttlMs);
    }
    return app;
  }

  #parse(row: AppRow): App | undefined {
    const result = parseAppRow(row);
    if (result.ok) return result.app;
    this.#logger.warn(
      { store: this.#source.kind, appId: result.id, reason: result.reason },
      'App row skipped: invalid settings',
    );
    return undefined;
  }

  #remember(app: App): void {
    const entry: Entry = { app, expiresAt: Date.now() + this.#ttlMs };
    this.#bounded(this.#byKey, app.key, entry);
    this.#bounded(this.#byId, app.id, entry);
    this.#misses.delete(`k:${app.key}`);
    this.#misses.delete(`i:${app.id}`);
  }

  /** Sets `key` last in `map`, forgetting the oldest entry when the map is full. */
  #bounded<V>(map: Map<string, V>, key: string, value: V): void {
    // Re-inserting moves the entry to the end, so the map's first entry is the oldest.
    map.delete(key);
    if (map.size >= this.#maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  #knownApps(): readonly App[] {
    const apps: App[] = [];
    for (const entry of this.#byId.values()) apps.push(entry.app);
    return apps;
  }

  #failed(error: unknown): void {
    this.#downUntil = Date.now() + this.#retryMs;
    if (this.#down) return;
    this.#down = true;
    this.#logger.error(
      { store: this.#source.kind, err: describeError(error) },
      'App store unreachable: serving known apps from the cache, refusing unknown keys',
    );
  }

  #recovered(): void {
    this.#downUntil = 0;
    if (!this.#down) return;
    this.#down = false;
    this.#logger.info({ store: this.#source.kind }, 'App store reachable again');
  }
}

/** The message (URL passwords masked) and code of a driver error, without anything else it carries. */
function describeError(error: unknown): { message: string; code?: string } {
  const message = maskUrlsInText(error instanceof Error ? error.message : String(error));
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? { message, code } : { message };
}
