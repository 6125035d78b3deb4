/**
 * @module
 * The package version, read from package.json (two levels up from both src/cli and dist/cli).
 */
import { readFileSync } from 'node:fs';

/** The version of @herald/server. */
export function heraldVersion(): string {
  const json = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}
