/**
 * @module
 * What `herald start` prints once it listens: where, the app credentials (the dev app's secret in
 * full only while it is the built-in default), and ready-to-paste pusher-js and SDK snippets.
 */
import { DEV_APP, type Config } from '../config/schema.js';
import type { ServerAddress } from '../server.js';

function mask(secret: string): string {
  return secret === DEV_APP.secret ? secret : `${secret.slice(0, 2)}******** (masked)`;
}

/** The start-up text for `config` listening at `address`. */
export function startBanner(config: Config, address: ServerAddress, version: string): string {
  const tls = config.tlsCert !== undefined;
  const host = ['0.0.0.0', '::', ''].includes(address.host) ? '127.0.0.1' : address.host;
  const app = config.apps[0]!;
  const lines = [
    `Herald ${version} listening on ${tls ? 'wss' : 'ws'}://${host}:${address.port}` +
      ` (HTTP API on ${tls ? 'https' : 'http'}://${host}:${address.apiPort})`,
    '',
    ...config.apps.map(
      (a) =>
        `App ${a.name ? `"${a.name}" ` : ''}id: ${a.id}  key: ${a.key}  secret: ${mask(a.secret)}` +
        (a.enabled ? '' : '  (disabled)'),
    ),
    '',
    'Connect with pusher-js:',
    `  const pusher = new Pusher(${JSON.stringify(app.key)}, {`,
    `    wsHost: ${JSON.stringify(host)},`,
    `    ${tls ? 'wssPort' : 'wsPort'}: ${address.port},`,
    `    forceTLS: ${tls},`,
    `    disableStats: true,`,
    `    enabledTransports: ['ws', 'wss'],`,
    `    cluster: '',`,
    `  });`,
    '',
    'Trigger with the pusher SDK:',
    `  const pusher = new Pusher({ appId: ${JSON.stringify(app.id)}, key: ${JSON.stringify(app.key)}, secret: ${JSON.stringify(app.secret === DEV_APP.secret ? app.secret : '<secret>')},`,
    `    host: ${JSON.stringify(host)}, port: '${address.apiPort}', useTLS: ${tls} });`,
    `  await pusher.trigger('my-channel', 'my-event', { message: 'hello' });`,
    '',
    ...(config.console
      ? [
          `Debug console: ${tls ? 'https' : 'http'}://${host}:${address.apiPort}/console (sign in with an app key and secret)`,
          '',
        ]
      : []),
  ];
  return lines.join('\n');
}
