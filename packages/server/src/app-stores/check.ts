/**
 * @module
 * The app store options' cross-field rule, shared by the server, `herald migrate` and the CLI.
 */
import { ConfigError } from '../config/parse.js';
import type { Config } from '../config/schema.js';

/**
 * Checks the app store options across fields (the schema checks each alone): a database app store
 * needs `appStoreUrl`. Throws {@link ConfigError}; returns the URL for database stores.
 */
export function checkAppStoreConfig(
  config: Pick<Config, 'appStore' | 'appStoreUrl'>,
): string | undefined {
  if (config.appStore === 'static') return undefined;
  if (config.appStoreUrl === undefined)
    throw new ConfigError(
      `Invalid configuration:\n  - appStoreUrl: required when appStore is ${config.appStore}`,
      ['appStoreUrl'],
    );
  return config.appStoreUrl;
}
