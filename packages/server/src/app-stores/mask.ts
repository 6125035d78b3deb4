/**
 * @module
 * Hides URL passwords in text the app stores log (driver error messages, the database URL).
 * Configuration objects are masked by `maskSecrets` in config/load.ts (`--print-config`).
 */

/**
 * `text` with the password of every URL in it replaced by `********`, the mask `maskSecrets` uses
 * (`postgres://herald:********@db/herald`). URLs without a password are left as they are.
 */
export function maskUrlsInText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, '$1********@');
}
