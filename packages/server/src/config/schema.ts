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
  WEBHOOK_EVENT_NAMES,
} from '@herald/sdk/protocol';

/** Webhook event types Herald can send (the one list lives in `@herald/sdk/protocol`). */
export const WEBHOOK_EVENT_TYPES = WEBHOOK_EVENT_NAMES;

/** One webhook target of an app. */
export const webhookSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'Must be an http:// or https:// URL' })
      .describe('Where the signed POST goes.'),
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
    // --- app stores --- (and metrics; see docs/app-stores.md, docs/metrics.md)
    appStore: z
      .enum(['static', 'postgres', 'mysql'])
      .default('static')
      .describe('Where apps come from: the configuration (static), PostgreSQL or MySQL/MariaDB.'),
    appStoreUrl: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Database URL for the postgres/mysql app store (postgres://..., mysql://...); required by them.',
      ),
    appStoreTable: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain SQL identifier')
      .default('herald_apps')
      .describe('Table the postgres/mysql app store reads (created by `herald migrate`).'),
    appStoreCacheTtlSeconds: positiveInt()
      .default(60)
      .describe('How long a database app lookup is cached; changes take effect within it.'),
    metricsPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Serve Prometheus metrics at /metrics on this port (default: off).'),
    // --- end app stores ---
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
      .url({ protocol: /^https?$/, error: 'Must be an http:// or https:// URL' })
      .optional()
      .describe('Send every webhook event type of the dev app to this URL.'),
    // --- adapter ---
    adapter: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe('Cluster adapter: memory (one process) or redis (many nodes sharing a Redis).'),
    redisUrl: z
      .string()
      .min(1)
      .default('redis://127.0.0.1:6379')
      .describe('Redis URL (redis:// or rediss://) when adapter is redis.'),
    redisOptions: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        'ioredis options passed through (Sentinel: sentinels + name; Redis Cluster: cluster: [{host, port}]).',
      ),
    redisKeyPrefix: z
      .string()
      .regex(/^[^{}]+$/, 'must be non-empty and contain no braces')
      .default('herald')
      .describe('Prefix of every Redis key and channel: one per deployment sharing a Redis.'),
    nodeTimeoutMs: positiveInt()
      .default(10_000)
      .describe('A node silent this long is declared dead and its members removed (redis).'),
    requestTimeoutMs: positiveInt()
      .default(5000)
      .describe('Longest wait for a cluster answer; queries then fail with 503 (redis).'),
    // --- end adapter ---
    // --- webhooks ---
    webhookBatchMs: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe('Collect webhook events this long into one request (0 = send each turn).'),
    webhookBatchMaxEvents: positiveInt()
      .default(100)
      .describe('Most events in one webhook request.'),
    webhookBatchMaxBytes: positiveInt()
      .default(64 * 1024)
      .describe(
        'Largest webhook body built from several events (a larger single event goes alone).',
      ),
    webhookTimeoutMs: positiveInt()
      .default(5000)
      .describe('How long one webhook request may take before it counts as failed.'),
    webhookRetryBaseMs: positiveInt()
      .default(1000)
      .describe('First retry delay; doubled per attempt, with jitter.'),
    webhookRetryMaxDelayMs: positiveInt()
      .default(60_000)
      .describe('Longest delay between two attempts of one webhook request.'),
    webhookMaxAttempts: positiveInt()
      .default(12)
      .describe('Attempts per webhook request before it is given up (and logged).'),
    webhookMaxAgeMs: positiveInt()
      .default(300_000)
      .describe('A webhook request still failing this long after it was queued is given up.'),
    webhookVacateDelayMs: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe(
        'channel_vacated and member_removed wait this long and are dropped if the channel or member comes back.',
      ),
    webhookQueueMaxEvents: positiveInt()
      .default(10_000)
      .describe(
        'Most webhook events waiting per target; beyond it new events are dropped and logged.',
      ),
    // --- end webhooks ---
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
    // --- console ---
    console: z
      .boolean()
      .default(false)
      .describe('Serve the debug console at /console on the HTTP port (see docs/console.md).'),
    consoleToken: z
      .string()
      .min(16)
      .optional()
      .describe('Console password: with any app key it signs in to that app (16+ characters).'),
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
