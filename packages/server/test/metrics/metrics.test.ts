/**
 * Metrics end to end: a real server with `metricsPort: 0`, events emitted on its bus (as the
 * connection, HTTP, webhook and adapter code do), and /metrics scraped with fetch.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from '../../src/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { startServer } from '../helpers/server.js';

/** The value of the sample `name{labels}` in a Prometheus text exposition, or undefined. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(',') : [];
    if (wanted.length === have.length && wanted.every((w) => have.includes(w)))
      return Number(match[3]);
  }
  return undefined;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('metrics', () => {
  it('serves every metric on its own port, fed from the event bus', async (t) => {
    const { server, port, apiPort } = await startServer(t, { metricsPort: 0 });
    const metricsPort = server.address.metricsPort;
    assert.ok(metricsPort !== undefined && metricsPort !== port && metricsPort !== apiPort);
    const events = server.context.events;
    const appId = 'app-id';

    for (const socketId of ['1.1', '1.2', '1.3'])
      events.emit({ type: 'connection_opened', appId, socketId });
    events.emit({ type: 'connection_opened', appId: 'other', socketId: '2.1' });
    events.emit({ type: 'connection_closed', appId, socketId: '1.1', code: 4200 });
    events.emit({ type: 'connection_closed', appId, socketId: '1.2', code: 4001 });
    events.emit({ type: 'message_in', appId, bytes: 100 });
    events.emit({ type: 'message_in', appId, bytes: 28 });
    events.emit({ type: 'message_out', appId, messages: 3, bytes: 300 });
    events.emit({ type: 'message_out', appId, messages: 1, bytes: 50 });
    const route = 'events';
    events.emit({ type: 'http_request', route, method: 'POST', status: 200, durationMs: 3 });
    events.emit({ type: 'http_request', route, method: 'POST', status: 200, durationMs: 700 });
    events.emit({ type: 'http_request', route, method: 'POST', status: 413, durationMs: 1 });
    const hook = { type: 'webhook_sent', appId, url: 'https://h.example/x', events: 2 } as const;
    events.emit({ ...hook, ok: false, status: 500, attempt: 1, outcome: 'retrying' });
    events.emit({ ...hook, ok: true, status: 200, attempt: 2, outcome: 'delivered' });
    events.emit({ ...hook, ok: false, attempt: 12, outcome: 'failed' });
    events.emit({ ...hook, ok: false, attempt: 0, outcome: 'dropped', events: 7 });
    events.emit({ type: 'adapter_publish', adapter: 'redis', durationMs: 2 });
    // Events no metric counts are ignored.
    events.emit({ type: 'channel_occupied', appId, channel: 'c' });

    const text = await scrape(metricsPort);
    const app = { app_id: appId };
    assert.equal(sample(text, 'herald_connections', app), 1);
    assert.equal(sample(text, 'herald_connections', { app_id: 'other' }), 1);
    assert.equal(sample(text, 'herald_connections_opened_total', app), 3);
    assert.equal(sample(text, 'herald_connections_closed_total', { ...app, code: '4200' }), 1);
    assert.equal(sample(text, 'herald_connections_closed_total', { ...app, code: '4001' }), 1);
    assert.equal(sample(text, 'herald_messages_in_total', app), 2);
    assert.equal(sample(text, 'herald_messages_in_bytes_total', app), 128);
    assert.equal(sample(text, 'herald_messages_out_total', app), 4);
    assert.equal(sample(text, 'herald_messages_out_bytes_total', app), 350);
    const ok = { route, method: 'POST', status: '200' };
    assert.equal(sample(text, 'herald_http_requests_total', ok), 2);
    assert.equal(sample(text, 'herald_http_requests_total', { ...ok, status: '413' }), 1);
    assert.equal(sample(text, 'herald_http_request_duration_seconds_count', ok), 2);
    assert.equal(
      sample(text, 'herald_http_request_duration_seconds_bucket', { ...ok, le: '0.005' }),
      1,
    );
    assert.equal(
      sample(text, 'herald_http_request_duration_seconds_bucket', { ...ok, le: '1' }),
      2,
    );
    assert.equal(sample(text, 'herald_http_request_duration_seconds_sum', ok), 0.703);
    assert.equal(sample(text, 'herald_webhook_deliveries_total', app), 1);
    assert.equal(sample(text, 'herald_webhook_retries_total', app), 1);
    assert.equal(sample(text, 'herald_webhook_failures_total', app), 1);
    assert.equal(sample(text, 'herald_webhook_dropped_events_total', app), 7);
    assert.equal(
      sample(text, 'herald_adapter_publish_duration_seconds_count', { adapter: 'redis' }),
      1,
    );
    assert.equal(
      sample(text, 'herald_adapter_publish_duration_seconds_sum', { adapter: 'redis' }),
      0.002,
    );
    // Event-loop lag and the default process metrics.
    assert.ok((sample(text, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0);
    assert.ok(sample(text, 'nodejs_eventloop_lag_p99_seconds') !== undefined);
    assert.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(sample(text, 'process_resident_memory_bytes') !== undefined);
  });

  it('answers JSON errors off /metrics, and HEAD without a body', async (t) => {
    const { server } = await startServer(t, { metricsPort: 0 });
    const base = `http://127.0.0.1:${server.address.metricsPort}`;
    const notFound = await fetch(`${base}/`);
    assert.equal(notFound.status, 404);
    assert.match(((await notFound.json()) as { error: string }).error, /\/metrics/);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.ok(((await post.json()) as { error: string }).error);
    const head = await fetch(`${base}/metrics?x=1`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('is off without metricsPort, and stops with the server', async (t) => {
    const plain = await startServer(t);
    assert.equal(plain.server.address.metricsPort, undefined);

    const { server } = await startServer(undefined, { metricsPort: 0 });
    const port = server.address.metricsPort!;
    await scrape(port);
    await server.stop();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('keeps servers in one process apart (one registry each)', async (t) => {
    const a = await startServer(t, { metricsPort: 0 });
    const b = await startServer(t, { metricsPort: 0 });
    a.server.context.events.emit({ type: 'connection_opened', appId: 'app-id', socketId: '1.1' });
    const textA = await scrape(a.server.address.metricsPort!);
    const textB = await scrape(b.server.address.metricsPort!);
    assert.equal(sample(textA, 'herald_connections_opened_total', { app_id: 'app-id' }), 1);
    assert.equal(sample(textB, 'herald_connections_opened_total', { app_id: 'app-id' }), undefined);
  });

  it('refuses a metrics port already in use; stop() then releases the other ports', async (t) => {
    const a = await startServer(t, { metricsPort: 0 });
    const b = createServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      metricsPort: a.server.address.metricsPort!,
    });
    await assert.rejects(b.start(), /EADDRINUSE/);
    await b.stop();
  });
});

describe('docs/metrics.md', () => {
  it('lists exactly the metrics the registry defines, with their type and labels', async () => {
    const doc = readFileSync(new URL('../../../../docs/metrics.md', import.meta.url), 'utf8');
    const { registry } = createMetrics();
    const all = await registry.getMetricsAsJSON();
    const herald = all.filter((m) => m.name.startsWith('herald_'));
    assert.ok(herald.length >= 14);
    for (const metric of herald) {
      const labelNames = [
        ...new Set(
          (metric.values as { labels: Record<string, unknown> }[]).flatMap((v) =>
            Object.keys(v.labels),
          ),
        ),
      ];
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${metric.name}\` `));
      assert.ok(row, `${metric.name} is documented`);
      assert.ok(row.includes(` ${metric.type} `), `${metric.name} type ${metric.type}`);
      assert.ok(row.includes(metric.help), `${metric.name} help text`);
      const declared = (
        registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }
      ).labelNames;
      for (const label of [...declared, ...labelNames])
        if (label !== 'le')
          assert.ok(row.includes(`\`${label}\``), `${metric.name} label ${label}`);
    }
    const documented = [...doc.matchAll(/^\| `(herald_[a-z_]+)` /gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), herald.map((m) => m.name).sort(), 'no stale rows');
    for (const metric of all.filter((m) => !m.name.startsWith('herald_')))
      assert.ok(doc.includes(`\`${metric.name}\``), `default metric ${metric.name} is mentioned`);
  });
});
