/**
 * @module
 * Feeds the metrics from the server event bus: the connection, HTTP, webhook and adapter code emit
 * events and know nothing about Prometheus.
 */
import type { ServerEvent, ServerEvents } from '../events.js';
import type { HeraldMetrics } from './definitions.js';

/** Updates `metrics` for one event (ignores events that no metric counts). */
export function recordEvent(metrics: HeraldMetrics, event: ServerEvent): void {
  switch (event.type) {
    case 'connection_opened':
      metrics.connections.inc({ app_id: event.appId });
      metrics.connectionsOpened.inc({ app_id: event.appId });
      return;
    case 'connection_closed':
      metrics.connections.dec({ app_id: event.appId });
      metrics.connectionsClosed.inc({ app_id: event.appId, code: String(event.code) });
      return;
    case 'message_in':
      metrics.messagesIn.inc({ app_id: event.appId });
      metrics.messagesInBytes.inc({ app_id: event.appId }, event.bytes);
      return;
    case 'message_out':
      metrics.messagesOut.inc({ app_id: event.appId }, event.messages);
      metrics.messagesOutBytes.inc({ app_id: event.appId }, event.bytes);
      return;
    case 'http_request': {
      const labels = { route: event.route, method: event.method, status: String(event.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpRequestDuration.observe(labels, event.durationMs / 1000);
      return;
    }
    case 'webhook_sent':
      if (event.outcome === 'delivered') metrics.webhookDeliveries.inc({ app_id: event.appId });
      else if (event.outcome === 'retrying') metrics.webhookRetries.inc({ app_id: event.appId });
      else if (event.outcome === 'failed') metrics.webhookFailures.inc({ app_id: event.appId });
      else metrics.webhookDroppedEvents.inc({ app_id: event.appId }, event.events);
      return;
    case 'adapter_publish':
      metrics.adapterPublishDuration.observe({ adapter: event.adapter }, event.durationMs / 1000);
      return;
    // Not counted (listed so a new event type makes the linter ask whether it should be).
    case 'subscribed':
    case 'unsubscribed':
    case 'channel_occupied':
    case 'channel_vacated':
    case 'member_added':
    case 'member_removed':
    case 'client_event':
    case 'api_event':
    case 'cache_miss':
    case 'subscription_count':
      return;
  }
}

/** Starts counting `events` into `metrics`; returns a function that stops it. */
export function collectMetrics(events: ServerEvents, metrics: HeraldMetrics): () => void {
  return events.on((event) => recordEvent(metrics, event));
}
