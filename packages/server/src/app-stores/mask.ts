/**
 * @module
 * Hides secrets before something is printed or logged: `--print-config`, startup logs.
 */

/** What replaces a hidden value. */
export const MASK = '***';

const SECRET_FIELD = /secret|password|passwd|token|private/i;

/**
 * `url` with its password replaced by `***` (`postgres://herald:***@db/herald`); non-URLs and URLs
 * without a password come back unchanged.
 */
export function maskUrl(url: string): string {
  if (!url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * `text` with the password of every URL in it replaced by `***` (for driver error messages that
 * might quote a connection string).
 */
export function maskUrlsInText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${MASK}@`);
}

function mask(value: unknown, field: string | undefined): unknown {
  if (typeof value === 'string')
    return field !== undefined && SECRET_FIELD.test(field) ? MASK : maskUrl(value);
  if (Array.isArray(value)) return value.map((item) => mask(item, undefined));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  return value;
}

/**
 * A deep copy of `config` with every secret hidden: values of fields named like a secret
 * (`secret`, `*password*`, `*token*`, `*private*`) become `***`, and so do passwords in URLs
 * (`appStoreUrl`, webhook URLs, any other URL-valued option).
 *
 * @example
 * console.log(JSON.stringify(maskSecrets(config), null, 2)); // herald start --print-config
 */
export function maskSecrets<T>(config: T): T {
  return mask(config, undefined) as T;
}
