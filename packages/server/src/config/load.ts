/**
 * @module
 * Builds the configuration from its four layers, in increasing precedence: schema defaults < JSON
 * config file (`--config` / HERALD_CONFIG) < HERALD_* environment variables < command-line flags.
 * The app credentials (`--app-id/--app-key/--app-secret`, HERALD_APP_*, PUSHER_APP_*) define the dev
 * app. The merged object is validated once by the schema (config/parse.ts); every error names the
 * path of the bad value and where it came from.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliOptions, type CliOption } from './options.js';
import { ConfigError, parseConfig } from './parse.js';
import { DEV_APP, type Config } from './schema.js';

/** Raw flag values keyed by {@link CliOption.key} (as `node:util` parseArgs returns them). */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** Inputs of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Command-line flag values. */
  readonly flags?: FlagValues;
  /** Environment (default: `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base directory of a relative config file path (default: `process.cwd()`). */
  readonly cwd?: string;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Converts a flag/env text to the option's type; leaves it as text when it does not convert, so the schema reports it. */
function convert(option: CliOption, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value;
  const text = value.trim();
  if (option.type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
  if (option.type === 'boolean') {
    if (TRUE.has(text.toLowerCase())) return true;
    if (FALSE.has(text.toLowerCase())) return false;
  }
  return value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, [
      'config',
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, [
      'config',
    ]);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new ConfigError(`Config file ${path} must hold a JSON object`, ['config']);
  return json as Record<string, unknown>;
}

/**
 * Loads, merges and validates the configuration; throws {@link ConfigError} (whose message names
 * each bad path and its source) on any bad value.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const flags = options.flags ?? {};
  const env = options.env ?? process.env;
  const all = cliOptions();
  const sources = new Map<string, string>();
  const pick = (option: CliOption): { value: string | boolean; source: string } | undefined => {
    const flag = flags[option.key];
    if (flag !== undefined) return { value: flag, source: `--${option.flag}` };
    for (const name of [option.env, ...option.envAliases]) {
      const value = name ? env[name] : undefined;
      if (value !== undefined && value !== '') return { value, source: name! };
    }
    return undefined;
  };
  const special = (key: string) => all.find((o) => o.key === key)!;

  const merged: Record<string, unknown> = {};
  const file = pick(special('config'));
  if (file && typeof file.value === 'string') {
    const path = resolve(options.cwd ?? process.cwd(), file.value);
    Object.assign(merged, readConfigFile(path));
    for (const key of Object.keys(merged)) sources.set(key, path);
  }
  for (const option of all) {
    if (!option.inSchema) continue;
    const picked = pick(option);
    if (!picked) continue;
    merged[option.key] = convert(option, picked.value);
    sources.set(option.key, picked.source);
  }

  const [id, key, secret] = ['appId', 'appKey', 'appSecret'].map((k) => pick(special(k)));
  if (id || key || secret) {
    const appId = typeof id?.value === 'string' ? id.value : DEV_APP.id;
    const credentials = {
      id: appId,
      key: typeof key?.value === 'string' ? key.value : DEV_APP.key,
      secret: typeof secret?.value === 'string' ? secret.value : DEV_APP.secret,
    };
    const apps = Array.isArray(merged['apps']) ? [...(merged['apps'] as unknown[])] : [];
    const index = apps.findIndex((a) => (a as { id?: unknown } | null)?.id === appId);
    const webhookUrl = merged['webhookUrl'];
    if (index >= 0) {
      // Only the credentials given replace the file's values.
      apps[index] = {
        ...(apps[index] as object),
        ...(typeof key?.value === 'string' && { key: key.value }),
        ...(typeof secret?.value === 'string' && { secret: secret.value }),
      };
    } else {
      apps.push({
        ...DEV_APP,
        ...credentials,
        ...(typeof webhookUrl === 'string' &&
          URL.canParse(webhookUrl) && { webhooks: [{ url: webhookUrl }] }),
      });
    }
    merged['apps'] = apps;
    sources.set('apps', [id, key, secret].flatMap((p) => (p ? [p.source] : [])).join(', '));
  }

  let config: Config;
  try {
    config = parseConfig(merged);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const annotate = (path: string) => {
      const source = sources.get(path.split('.')[0]!);
      return source ? `${path} (from ${source})` : path;
    };
    let message = error.message;
    for (const path of error.paths)
      message = message.replace(`  - ${path}:`, `  - ${annotate(path)}:`);
    throw new ConfigError(message, error.paths);
  }
  checkTls(config);
  return config;
}

function checkTls(config: Config): void {
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    const missing = config.tlsCert === undefined ? 'tlsCert' : 'tlsKey';
    throw new ConfigError(
      `Invalid configuration:\n  - ${missing}: tlsCert and tlsKey go together`,
      [missing],
    );
  }
  for (const key of ['tlsCert', 'tlsKey'] as const) {
    const path = config[key];
    if (path === undefined) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw new ConfigError(`Invalid configuration:\n  - ${key}: cannot read file ${path}`, [key]);
    }
  }
}

/** Keys whose values are secret wherever they appear. */
const SECRET_KEY = /secret|password|token|private/i;

/**
 * A deep copy of `value` with secrets masked: values of keys named like secrets, and passwords in
 * URLs (`redis://:pw@host` → `redis://:***@host`).
 */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key)) return '********';
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(value))
      return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^/@\s]*@/i, '$1********@');
  }
  return value;
}
