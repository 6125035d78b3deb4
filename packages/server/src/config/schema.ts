/**
 * @module
 * The one schema of Herald's configuration: every option, its default and its documentation.
 * `config/load.ts` merges defaults < config file < HERALD_* environment < CLI flags and validates the
 * result here; docs/configuration.md is generated from this file.
 */
import { z } from 'zod';
import {
  DEFAULT_CLIENT_EVENTS_PER_SECOND,
  DEFAULT_MAX_EVENT_DATA_BYTES,
  DEFAULT_MAX_PRESENCE_MEMBERS,
  MAX_CHANNELS_PER_TRIGGER,
} from '@herald/sdk/protocol';

/** Webhook event types Herald can send. */
export const WEBHOOK_EVENT_TYPES = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
] as const;

/** One webhook target of an app. */
export const webhookSchema = z
  .object({
    url: z.url().describe('Where the signed POST goes.'),
    eventTypes: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .default([...WEBHOOK_EVENT_TYPES])
      .describe('Event types this target receives (default: all).'),
    channelPrefix: z
      .string()
      .optional()
      .describe('Only events on channels starting with this prefix (default: every channel).'),
  })
  .strict();

const positiveInt = () => z.number().int().positive();

/** One app: credentials and per-app settings. */
export const appSchema = z
  .object({
    id: z.string().min(1).describe('App id, used in HTTP API paths (/apps/{id}/...).'),
    key: z.string().min(1).describe('App key, used by clients in /app/{key} and as auth_key.'),
    secret: z
      .string()
      .min(1)
      .describe('App secret, signs HTTP requests, channel auth and webhooks.'),
    name: z.string().optional().describe('A label for logs and the console.'),
    enabled: z
      .boolean()
      .default(true)
      .describe('Disabled apps refuse connections (4003) and API calls (403).'),
    clientEvents: z
      .boolean()
      .default(false)
      .describe('Allow client-* events on private and presence channels.'),
    clientEventsPerSecond: positiveInt()
      .default(DEFAULT_CLIENT_EVENTS_PER_SECOND)
      .describe('Client events one connection may send per second.'),
    maxConnections: positiveInt()
      .nullable()
      .default(null)
      .describe('Connection quota (null = unlimited); over it 4004.'),
    maxPresenceMembers: positiveInt()
      .default(DEFAULT_MAX_PRESENCE_MEMBERS)
      .describe('Most distinct users in one presence channel.'),
    maxEventDataBytes: positiveInt()
      .default(DEFAULT_MAX_EVENT_DATA_BYTES)
      .describe('Largest event data (HTTP API and client events), in bytes; over it 413.'),
    maxChannelsPerTrigger: positiveInt()
      .max(MAX_CHANNELS_PER_TRIGGER)
      .default(MAX_CHANNELS_PER_TRIGGER)
      .describe('Most channels one trigger may name.'),
    requireSignIn: z
      .boolean()
      .default(false)
      .describe('Close connections that do not sign in within signInTimeoutMs (4009).'),
    signInTimeoutMs: positiveInt()
      .default(30_000)
      .describe('How long a connection may stay unsigned when requireSignIn is on.'),
    subscriptionCount: z
      .boolean()
      .default(false)
      .describe('Send pusher_internal:subscription_count to non-presence channels.'),
    cacheTtlSeconds: positiveInt()
      .default(1800)
      .describe('How long cache channels keep their last event.'),
    webhooks: z.array(webhookSchema).default([]).describe('Webhook targets.'),
  })
  .strict();

/** The whole server configuration. */
export const configSchema = z
  .object({
    host: z.string().min(1).default('0.0.0.0').describe('Address to listen on.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(6001)
      .describe('Port for WebSockets (and the HTTP API unless apiPort is set).'),
    apiPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Serve the HTTP API on its own port (default: shared with WebSockets).'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level.'),
    // --- users: sign-in, cache channels, subscription count ---
    subscriptionCountIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(250)
      .describe(
        'Coalescing window of pusher_internal:subscription_count: at most about one frame per channel per window.',
      ),
    // --- end users ---
    activityTimeoutSeconds: positiveInt()
      .default(120)
      .describe('activity_timeout sent to clients; the server pings after this much silence.'),
    pongTimeoutSeconds: positiveInt()
      .default(30)
      .describe('How long to wait for a pong before closing with 4201.'),
    maxPayloadBytes: positiveInt()
      .default(256 * 1024)
      .describe('Largest WebSocket message a client may send.'),
    maxBufferedBytes: positiveInt()
      .default(4 * 1024 * 1024)
      .describe(
        'A connection whose unsent output exceeds this is closed with 4200 (slow consumer).',
      ),
    // --- server-ws ---
    maxChannelsPerConnection: positiveInt()
      .default(100)
      .describe(
        'Most channels one connection may be subscribed to; more are refused (LimitReached).',
      ),
    shutdownTimeoutMs: positiveInt()
      .default(5000)
      .describe('Longest graceful shutdown before forcing exit.'),
    webhookUrl: z
      .url()
      .optional()
      .describe('Send every webhook event type of the dev app to this URL.'),
    // --- server-http: HTTP API and TLS ---
    maxRequestBodyBytes: positiveInt()
      .default(1024 * 1024)
      .describe('Largest HTTP API request body, in bytes; larger bodies get 413 before buffering.'),
    tlsCert: z
      .string()
      .min(1)
      .optional()
      .describe('PEM certificate file; with tlsKey, serve https:// and wss://.'),
    tlsKey: z.string().min(1).optional().describe('PEM private key file for tlsCert.'),
    // --- end server-http ---
    apps: z
      .array(appSchema)
      .default([])
      .describe('Apps served; none = a dev app (app-id / app-key / app-secret).'),
  })
  .strict();

/** A validated, frozen configuration. */
export type Config = z.infer<typeof configSchema>;
/** A configuration as written by a user (defaults not yet applied). */
export type ConfigInput = z.input<typeof configSchema>;
/** One app's validated settings. */
export type AppConfig = z.infer<typeof appSchema>;
/** One webhook target. */
export type WebhookConfig = z.infer<typeof webhookSchema>;

/** The dev app created when no app is configured. */
export const DEV_APP = Object.freeze({
  id: 'app-id',
  key: 'app-key',
  secret: 'app-secret',
  name: 'dev',
  clientEvents: true,
  subscriptionCount: true,
});
