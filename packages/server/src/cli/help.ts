/**
 * @module
 * `herald --help`: every flag of `herald start` with its environment variable, generated from the
 * option table (so it cannot drift from the schema).
 */
import { cliOptions, type CliOption } from '../config/options.js';

function describe(option: CliOption): string {
  const parts = [option.description];
  if (option.choices) parts.push(`One of: ${option.choices.join(', ')}.`);
  if (option.default !== undefined && option.default !== null)
    parts.push(`Default: ${JSON.stringify(option.default)}.`);
  const env = [option.env, ...option.envAliases].filter(Boolean).join(', ');
  if (env) parts.push(`Env: ${env}.`);
  return parts.join(' ');
}

/** The full help text. */
export function helpText(
  version: string,
  commands: Readonly<Record<string, { readonly summary: string }>>,
): string {
  const rows = cliOptions().map((option) => {
    const value = option.type === 'boolean' ? '' : ` <${option.type}>`;
    return [`--${option.flag}${value}`, describe(option)] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return [
    `Herald ${version}: a self-hosted realtime server speaking the Pusher Channels protocol.`,
    '',
    'Usage:',
    ...Object.entries(commands).map(
      ([name, command]) => `  ${`herald ${name} [options]`.padEnd(25)}${command.summary}`,
    ),
    '  herald --version         Print the version',
    '  herald --help            Print this help',
    '',
    'Options of start (precedence: defaults < --config file < environment < flags):',
    ...lines,
    '',
    'Apps with per-app settings (enabled, clientEvents, maxConnections, webhooks, ...) go in the',
    'config file; see docs/configuration.md.',
    '',
  ].join('\n');
}
