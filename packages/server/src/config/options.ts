/**
 * @module
 * The command-line flags and HERALD_* environment variables, derived from the one schema: every
 * top-level scalar option `fooBar` is `--foo-bar` and `HERALD_FOO_BAR`, typed and documented as the
 * schema says. A few options exist only on the command line / environment (`--config`, the app
 * credentials, `--print-config`); they are listed here.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** The value type of a flag. */
export type OptionType = 'string' | 'number' | 'boolean';

/** One flag / environment variable. */
export interface CliOption {
  /** The configuration key it sets (`apiPort`), or a special name for non-schema options. */
  readonly key: string;
  /** The long flag without dashes (`api-port`). */
  readonly flag: string;
  /** The environment variable (`HERALD_API_PORT`), if any. */
  readonly env: string | undefined;
  /** Further environment variables read with lower precedence (`PUSHER_APP_ID`). */
  readonly envAliases: readonly string[];
  /** How the text value is converted before validation. */
  readonly type: OptionType;
  /** One line of help. */
  readonly description: string;
  /** The default, when the schema has one. */
  readonly default?: unknown;
  /** Allowed values, for enums. */
  readonly choices?: readonly string[];
  /** True when the option is a schema key (false: handled by the loader / CLI itself). */
  readonly inSchema: boolean;
}

/** A JSON-schema property as zod's `toJSONSchema` writes it (the parts we read). */
export interface JsonSchemaProperty {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchemaProperty[];
  readonly default?: unknown;
  readonly description?: string;
  readonly items?: JsonSchemaProperty;
  readonly properties?: Record<string, JsonSchemaProperty>;
  readonly required?: readonly string[];
}

/** The configuration schema as JSON schema (input side: defaults are shown, not required). */
export function configJsonSchema(): JsonSchemaProperty {
  return z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchemaProperty;
}

/** `apiPort` → `api-port`. */
export function toFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `apiPort` → `HERALD_API_PORT`. */
export function toEnv(key: string): string {
  return `HERALD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The scalar type of a JSON-schema property (nullable unions unwrapped), or undefined. */
export function scalarType(property: JsonSchemaProperty): OptionType | undefined {
  const branch = property.anyOf?.find((p) => p.type !== 'null') ?? property;
  if (branch.type === 'string') return 'string';
  if (branch.type === 'integer' || branch.type === 'number') return 'number';
  if (branch.type === 'boolean') return 'boolean';
  return undefined;
}

/** Options that are not schema keys. */
const SPECIAL_OPTIONS: readonly CliOption[] = [
  {
    key: 'config',
    flag: 'config',
    env: 'HERALD_CONFIG',
    envAliases: [],
    type: 'string',
    description: 'JSON configuration file (may list many apps with per-app settings).',
    inSchema: false,
  },
  {
    key: 'appId',
    flag: 'app-id',
    env: 'HERALD_APP_ID',
    envAliases: ['PUSHER_APP_ID'],
    type: 'string',
    description: 'Id of the app served with --app-key/--app-secret (default dev app: app-id).',
    inSchema: false,
  },
  {
    key: 'appKey',
    flag: 'app-key',
    env: 'HERALD_APP_KEY',
    envAliases: ['PUSHER_APP_KEY'],
    type: 'string',
    description: 'Key of that app (default dev app: app-key).',
    inSchema: false,
  },
  {
    key: 'appSecret',
    flag: 'app-secret',
    env: 'HERALD_APP_SECRET',
    envAliases: ['PUSHER_APP_SECRET'],
    type: 'string',
    description: 'Secret of that app (default dev app: app-secret).',
    inSchema: false,
  },
  {
    key: 'printConfig',
    flag: 'print-config',
    env: undefined,
    envAliases: [],
    type: 'boolean',
    description: 'Print the effective configuration (secrets masked) and exit.',
    inSchema: false,
  },
];

/** Every flag of `herald start`, schema-derived ones first, in schema order. */
export function cliOptions(): readonly CliOption[] {
  const properties = configJsonSchema().properties ?? {};
  const fromSchema: CliOption[] = [];
  for (const [key, property] of Object.entries(properties)) {
    const type = scalarType(property);
    if (!type) continue; // arrays and objects live in the config file
    const branch = property.anyOf?.find((p) => p.type !== 'null') ?? property;
    fromSchema.push({
      key,
      flag: toFlag(key),
      env: toEnv(key),
      envAliases: [],
      type,
      description: property.description ?? '',
      ...(property.default !== undefined && { default: property.default }),
      ...(branch.enum && { choices: branch.enum.map(String) }),
      inSchema: true,
    });
  }
  return [...fromSchema, ...SPECIAL_OPTIONS];
}
