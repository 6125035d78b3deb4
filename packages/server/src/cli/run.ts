/**
 * @module
 * The `herald` command line, runnable in-process: parses arguments, loads the configuration and
 * starts the server. Process concerns (exit codes, signals) stay in main.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { migrateCommand } from '../app-stores/migrate-command.js';
import { cliOptions } from '../config/options.js';
import { loadConfig, maskSecrets } from '../config/load.js';
import { ConfigError } from '../config/parse.js';
import type { Config } from '../config/schema.js';
import { createServer, type HeraldServer } from '../server.js';
import { startBanner } from './banner.js';
import { helpText } from './help.js';
import { heraldVersion } from './version.js';

/** Exit code for a bad command line or configuration. */
export const EXIT_USAGE = 2;

/** Where the CLI writes and what it reads. */
export interface CliIo {
  /** Normal output (help, banner, printed config). */
  readonly stdout: (text: string) => void;
  /** Errors. */
  readonly stderr: (text: string) => void;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths. */
  readonly cwd: string;
}

/** What a CLI run produced: an exit code, or a started server (the caller owns its lifetime). */
export type CliResult = { readonly exitCode: number } | { readonly server: HeraldServer };

function parse(args: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const option of cliOptions())
    options[option.flag] = { type: option.type === 'boolean' ? 'boolean' : 'string' };
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

type ParsedValues = ReturnType<typeof parse>['values'];

/** A `herald` subcommand (add new ones, e.g. `migrate`, to {@link COMMANDS}). */
export interface CliCommand {
  /** One line for `herald --help`. */
  readonly summary: string;
  /** Runs the command with the parsed flags. */
  run(values: ParsedValues, io: CliIo, version: string): Promise<CliResult>;
}

/** Loads the configuration from flags, environment and file; prints a ConfigError and returns undefined. */
export function loadCliConfig(values: ParsedValues, io: CliIo): Config | undefined {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const option of cliOptions()) {
    const value = values[option.flag];
    if (!Array.isArray(value)) flags[option.key] = value; // no option is declared `multiple`
  }
  try {
    return loadConfig({ flags, env: io.env, cwd: io.cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`herald: ${error.message}\n`);
    return undefined;
  }
}

const start: CliCommand = {
  summary: 'Start the server (a dev app app-id/app-key/app-secret if none is configured)',
  async run(values, io, version) {
    const config = loadCliConfig(values, io);
    if (!config) return { exitCode: EXIT_USAGE };
    if (values['print-config']) {
      io.stdout(`${JSON.stringify(maskSecrets(config), null, 2)}\n`);
      return { exitCode: 0 };
    }
    let server: HeraldServer;
    try {
      server = createServer(config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`herald: ${error.message}\n`);
      return { exitCode: EXIT_USAGE };
    }
    const address = await server.start();
    io.stdout(startBanner(server.config, address, version));
    return { server };
  },
};

/** The subcommands of `herald`. */
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  start,
  // A getter: migrate-command.ts imports this module, so its binding is read at use, not at load.
  get migrate(): CliCommand {
    return migrateCommand;
  },
};

/**
 * Runs `herald` with `argv` (without the node and script paths).
 *
 * @example
 * const result = await runCli(['start', '--port', '0'], io);
 * if ('server' in result) await result.server.stop();
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse([...argv]);
  } catch (error) {
    io.stderr(`herald: ${(error as Error).message}\nRun "herald --help" for the options.\n`);
    return { exitCode: EXIT_USAGE };
  }
  const { values, positionals } = parsed;
  const version = heraldVersion();
  if (values['version']) {
    io.stdout(`${version}\n`);
    return { exitCode: 0 };
  }
  const name = positionals[0] ?? (argv.length > 0 && !values['help'] ? 'start' : 'help');
  if (values['help'] || name === 'help') {
    io.stdout(helpText(version, COMMANDS));
    return { exitCode: 0 };
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command || positionals.length > 1) {
    io.stderr(`herald: unknown command "${positionals.join(' ')}"\nRun "herald --help".\n`);
    return { exitCode: EXIT_USAGE };
  }
  return command.run(values, io, version);
}
