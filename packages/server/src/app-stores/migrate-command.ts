/**
 * @module
 * `herald migrate`: the CLI face of {@link runMigrate}. Add it to the CLI's command table
 * (`COMMANDS` in cli/run.ts) as `migrate: migrateCommand`.
 */
import { EXIT_USAGE, loadCliConfig, type CliCommand } from '../cli/run.js';
import { ConfigError } from '../config/parse.js';
import { maskUrlsInText } from './mask.js';
import { runMigrate } from './migrate.js';

/** Exit code when the database refuses or cannot be reached. */
export const EXIT_MIGRATE_FAILED = 1;

/**
 * `herald migrate [--app-store postgres|mysql] [--app-store-url URL] [--app-store-table NAME]`
 * (or the same options from the environment and config file): creates the app table.
 */
export const migrateCommand: CliCommand = {
  summary: 'Create the app table of the postgres/mysql app store (docs/app-stores.md)',
  async run(values, io) {
    const config = loadCliConfig(values, io);
    if (!config) return { exitCode: EXIT_USAGE };
    if (config.appStore === 'static') {
      io.stderr('herald migrate: set --app-store postgres or mysql (and --app-store-url)\n');
      return { exitCode: EXIT_USAGE };
    }
    try {
      const { store, table } = await runMigrate(config);
      io.stdout(`herald migrate: table "${table}" is ready in ${store}\n`);
      return { exitCode: 0 };
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`herald: ${error.message}\n`);
        return { exitCode: EXIT_USAGE };
      }
      io.stderr(`herald migrate: ${maskUrlsInText((error as Error).message)}\n`);
      return { exitCode: EXIT_MIGRATE_FAILED };
    }
  },
};
