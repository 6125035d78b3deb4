/**
 * @module
 * Every Prometheus metric Herald exposes, defined in this one place (docs/metrics.md lists them and
 * a test checks the list against this registry). Each server has its own registry, so several
 * servers in one process (tests, embedding) never clash.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const PUBLISH_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The metrics of one server, and the registry that serves them. */
export interface HeraldMetrics {
  readonly registry: Registry;
  readonly connections: Gauge<'app_id'>;
  readonly connectionsOpened: Counter<'app_id'>;
  readonly connectionsClosed: Counter<'app_id' | 'code'>;
  readonly messagesIn: Counter<'app_id'>;
  readonly messagesInBytes: Counter<'app_id'>;
  readonly messagesOut: Counter<'app_id'>;
  readonly messagesOutBytes: Counter<'app_id'>;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  readonly webhookDeliveries: Counter<'app_id'>;
  readonly webhookRetries: Counter<'app_id'>;
  readonly webhookFailures: Counter<'app_id'>;
  readonly webhookDroppedEvents: Counter<'app_id'>;
  readonly adapterPublishDuration: Histogram<'adapter'>;
}

/**
 * Creates a registry with Herald's metrics and Node's default process metrics (CPU, memory, handles,
 * GC, and event-loop lag: `nodejs_eventloop_lag_seconds` and its percentiles).
 */
export function createMetrics(): HeraldMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({
      name: 'herald_connections',
      help: 'WebSocket connections open now.',
      labelNames: ['app_id'],
      registers,
    }),
    connectionsOpened: new Counter({
      name: 'herald_connections_opened_total',
      help: 'WebSocket connections established (pusher:connection_established sent).',
      labelNames: ['app_id'],
      registers,
    }),
    connectionsClosed: new Counter({
      name: 'herald_connections_closed_total',
      help: 'WebSocket connections closed, by close code.',
      labelNames: ['app_id', 'code'],
      registers,
    }),
    messagesIn: new Counter({
      name: 'herald_messages_in_total',
      help: 'WebSocket messages received from clients.',
      labelNames: ['app_id'],
      registers,
    }),
    messagesInBytes: new Counter({
      name: 'herald_messages_in_bytes_total',
      help: 'Bytes of WebSocket messages received from clients.',
      labelNames: ['app_id'],
      registers,
    }),
    messagesOut: new Counter({
      name: 'herald_messages_out_total',
      help: 'WebSocket messages sent to clients (a broadcast counts once per recipient).',
      labelNames: ['app_id'],
      registers,
    }),
    messagesOutBytes: new Counter({
      name: 'herald_messages_out_bytes_total',
      help: 'Bytes of WebSocket messages sent to clients.',
      labelNames: ['app_id'],
      registers,
    }),
    httpRequests: new Counter({
      name: 'herald_http_requests_total',
      help: 'HTTP API requests answered, by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'herald_http_request_duration_seconds',
      help: 'HTTP API request latency, by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'herald_webhook_deliveries_total',
      help: 'Webhook requests delivered (answered 2xx).',
      labelNames: ['app_id'],
      registers,
    }),
    webhookRetries: new Counter({
      name: 'herald_webhook_retries_total',
      help: 'Webhook request attempts that failed and will be retried.',
      labelNames: ['app_id'],
      registers,
    }),
    webhookFailures: new Counter({
      name: 'herald_webhook_failures_total',
      help: 'Webhook requests given up after their last attempt failed.',
      labelNames: ['app_id'],
      registers,
    }),
    webhookDroppedEvents: new Counter({
      name: 'herald_webhook_dropped_events_total',
      help: 'Webhook events dropped without a request because the queue was full.',
      labelNames: ['app_id'],
      registers,
    }),
    adapterPublishDuration: new Histogram({
      name: 'herald_adapter_publish_duration_seconds',
      help: 'Time to publish one message through the adapter (cluster fan-out), by adapter.',
      labelNames: ['adapter'],
      buckets: PUBLISH_BUCKETS,
      registers,
    }),
  };
}
