/**
 * @module
 * Turns one database row into a validated app, with the same zod schema as the configuration file.
 * A bad row gives a reason instead of an app; it never throws.
 */
import { appSchema } from '../config/schema.js';
import type { App } from '../apps/app-store.js';
import {
  APP_COLUMNS,
  isBooleanColumn,
  isIntegerColumn,
  isJsonColumn,
  isTextColumn,
  type AppColumn,
} from './table.js';

/** A row read, as a valid app or the reason it was refused. */
export type RowResult =
  | { readonly ok: true; readonly app: App }
  | { readonly ok: false; readonly id: string; readonly reason: string };

function normalize(column: AppColumn, value: unknown): unknown {
  if (isTextColumn(column) && (typeof value === 'number' || typeof value === 'bigint'))
    return String(value);
  if (isBooleanColumn(column) && (value === 0 || value === 1)) return value === 1;
  // pg returns BIGINT/NUMERIC as strings; a column typed as text may hold digits.
  if (isIntegerColumn(column) && typeof value === 'string' && /^-?\d+$/.test(value.trim()))
    return Number(value);
  if (isJsonColumn(column) && typeof value === 'string') return JSON.parse(value) as unknown;
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a row of the app table. `NULL` columns take the schema default; unknown columns are
 * ignored. The reason names the failing settings, never their values (a secret could be one).
 */
export function parseAppRow(row: Readonly<Record<string, unknown>>): RowResult {
  const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : '?';
  const input: Record<string, unknown> = {};
  for (const [column, setting] of Object.entries(APP_COLUMNS) as [AppColumn, string][]) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    try {
      input[setting] = normalize(column, value);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return { ok: false, id, reason: `${column}: not valid JSON` };
    }
  }
  const result = appSchema.safeParse(input);
  if (result.success) return { ok: true, app: deepFreeze(result.data) };
  const reason = result.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, id, reason };
}
