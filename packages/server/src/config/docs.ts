/**
 * @module
 * Renders docs/configuration.md from the schema and the option table, so the reference cannot drift
 * from the code (`npm run config-docs -w @herald/server` writes it; a test fails when it is stale).
 */
import { cliOptions, configJsonSchema, type JsonSchemaProperty } from './options.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown): string =>
  value === undefined ? '' : `\`${cell(JSON.stringify(value))}\``;

function typeOf(property: JsonSchemaProperty): string {
  if (property.anyOf) return property.anyOf.map(typeOf).join(' or ');
  if (property.enum) return property.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (property.type === 'array')
    return `array of ${property.items ? typeOf(property.items) : 'any'}`;
  return property.type ?? 'any';
}

function objectTable(schema: JsonSchemaProperty): string[] {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(
    ([key, p]) =>
      `| \`${key}\` | ${cell(typeOf(p))} | ${required.has(key) ? '**required**' : code(p.default)} | ${cell(p.description ?? '')} |`,
  );
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows];
}

/** The Markdown of docs/configuration.md (unformatted; the caller runs Prettier over it). */
export function renderConfigDocs(): string {
  const schema = configJsonSchema();
  const apps = schema.properties?.['apps']?.items ?? {};
  const webhooks = apps.properties?.['webhooks']?.items ?? {};
  const flagRows = cliOptions().map((o) => {
    const env = [o.env, ...o.envAliases].filter(Boolean).map((e) => `\`${e}\``);
    const key = o.inSchema ? `\`${o.key}\`` : '(CLI only)';
    return `| \`--${o.flag}\` | ${env.join(', ')} | ${key} | ${code(o.default)} | ${cell(o.description)} |`;
  });
  return [
    '<!-- Generated from packages/server/src/config/schema.ts by `npm run config-docs -w @herald/server`. Do not edit. -->',
    '',
    '# Configuration',
    '',
    'Herald reads its configuration from four layers, each overriding the one before:',
    '',
    '1. the defaults below;',
    '2. a JSON config file (`--config FILE` or `HERALD_CONFIG`);',
    '3. `HERALD_*` environment variables;',
    '4. command-line flags of `herald start`.',
    '',
    'Every top-level option with a single value has a flag and an environment variable. Lists (`apps`) live in the',
    'config file. The whole result is validated by one schema: a bad value stops start-up with exit code 2 and',
    'names the path of the value and where it came from, for example',
    '`port (from HERALD_PORT): Invalid input: expected number, received string`.',
    '',
    'With no app configured Herald serves a dev app: id `app-id`, key `app-key`, secret `app-secret`, client',
    'events on. `--app-id/--app-key/--app-secret` (or `HERALD_APP_*`, or `PUSHER_APP_ID/KEY/SECRET`) define that',
    'app instead; if the config file has an app with the same id, only its credentials are replaced.',
    '',
    '`herald start --print-config` prints the effective configuration with secrets masked and exits.',
    '',
    '## Flags and environment variables',
    '',
    '| Flag | Environment | Option | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...flagRows,
    '',
    '## Config file',
    '',
    '```json',
    JSON.stringify(
      {
        port: 6001,
        apps: [
          { id: 'my-app', key: 'my-key', secret: 'my-secret', clientEvents: true },
          {
            id: 'other',
            key: 'other-key',
            secret: 'other-secret',
            maxConnections: 1000,
            webhooks: [{ url: 'https://example.com/pusher/webhooks' }],
          },
        ],
      },
      null,
      2,
    ),
    '```',
    '',
    '### Top-level options',
    '',
    ...objectTable(schema),
    '',
    '### Apps (`apps[]`)',
    '',
    ...objectTable(apps),
    '',
    '### Webhook targets (`apps[].webhooks[]`)',
    '',
    ...objectTable(webhooks),
    '',
  ].join('\n');
}
