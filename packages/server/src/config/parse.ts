/**
 * @module
 * Validates a configuration object against the schema, applies the dev app when no app is
 * configured, checks cross-field rules, and freezes the result.
 */
import type { z } from 'zod';
import { appSchema, configSchema, DEV_APP, type Config } from './schema.js';

/** A configuration value is invalid; `path` says which (e.g. `apps.0.secret`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** Dotted paths of the invalid values. */
    readonly paths: readonly string[],
  ) {
    super(message);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validates `input` and returns the frozen configuration; throws {@link ConfigError}. */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    throw new ConfigError(
      `Invalid configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      issues.map((i) => i.path),
    );
  }
  const config = result.data;
  if (config.apps.length === 0) {
    config.apps.push(
      appSchema.parse({
        ...DEV_APP,
        webhooks: config.webhookUrl ? [{ url: config.webhookUrl }] : [],
      } satisfies z.input<typeof appSchema>),
    );
  }
  const seenIds = new Set<string>();
  const seenKeys = new Set<string>();
  config.apps.forEach((app, index) => {
    if (seenIds.has(app.id))
      throw new ConfigError(`Duplicate app id "${app.id}"`, [`apps.${index}.id`]);
    if (seenKeys.has(app.key))
      throw new ConfigError(`Duplicate app key "${app.key}"`, [`apps.${index}.key`]);
    seenIds.add(app.id);
    seenKeys.add(app.key);
  });
  return deepFreeze(config);
}
