/**
 * The measurements of issue 8, each run against one started target. Every scenario is bounded in
 * connections and time and talks only to 127.0.0.1.
 */
import { cpuMicros, rssBytes } from './proc.js';
import { LoadPool } from './load-pool.js';
import { Publisher } from './publisher.js';
import { BENCH_APP, type Target } from './targets.js';

/** One named figure. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** true when a smaller value is better. */
  readonly lowerIsBetter: boolean;
}

/** Sizes; `quick` shrinks everything for a smoke run. */
export interface BenchSizes {
  readonly fanouts: readonly number[];
  readonly rateSteps: readonly number[];
  /** Offered deliveries/s at which CPU per delivery is measured. */
  readonly cpuRates: readonly number[];
  readonly stepSeconds: number;
  readonly httpRequests: number;
  readonly presenceSizes: readonly number[];
}

export const FULL: BenchSizes = {
  fanouts: [1000, 5000],
  rateSteps: [50_000, 100_000, 200_000, 400_000, 800_000, 1_600_000],
  cpuRates: [100_000, 500_000],
  stepSeconds: 3,
  httpRequests: 5000,
  presenceSizes: [100, 500],
};

export const QUICK: BenchSizes = {
  fanouts: [200],
  rateSteps: [20_000, 40_000],
  cpuRates: [20_000],
  stepSeconds: 1,
  httpRequests: 500,
  presenceSizes: [50],
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function wsUrl(target: Target): string {
  return `ws://127.0.0.1:${target.port}/app/${BENCH_APP.key}?protocol=7&client=bench&version=1.0`;
}

/** Waits until the pool received `expected` deliveries or `ms` passed. */
async function drain(pool: LoadPool, expected: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await pool.stats()).received >= expected) return;
    await sleep(100);
  }
}

/** Server CPU per signed HTTP trigger (no subscribers), and whether keep-alive is honoured. */
export async function httpTrigger(target: Target, sizes: BenchSizes): Promise<Figure[]> {
  const publisher = new Publisher(target.port, BENCH_APP, 8);
  await publisher.burst(200, 'warmup');
  const cpu0 = cpuMicros(target.pid);
  const opened0 = publisher.connectionsOpened;
  await publisher.burst(sizes.httpRequests, 'nobody-listens');
  const cpu = cpuMicros(target.pid) - cpu0;
  const connections = publisher.connectionsOpened - opened0;
  publisher.close();
  if (publisher.failures) throw new Error(`${publisher.failures} triggers failed`);
  return [
    {
      name: 'http trigger: server CPU per request',
      value: cpu / sizes.httpRequests,
      unit: 'µs',
      lowerIsBetter: true,
    },
    {
      name: `http trigger: TCP connections for ${sizes.httpRequests} requests`,
      value: connections,
      unit: '',
      lowerIsBetter: true,
    },
  ];
}

/** Fan-out to N subscribers: CPU per delivery, max deliveries/s at p99 < 100 ms, RSS per connection. */
export async function fanout(target: Target, sizes: BenchSizes): Promise<Figure[]> {
  const figures: Figure[] = [];
  const pool = new LoadPool(2);
  const publisher = new Publisher(target.port, BENCH_APP, 16);
  try {
    let connected = 0;
    let rssBefore = 0;
    for (const n of sizes.fanouts) {
      const { opened, failed } = await pool.connect(
        wsUrl(target),
        n - connected,
        'bench',
        BENCH_APP,
      );
      if (failed) throw new Error(`${failed} of ${n - connected} connections failed`);
      connected += opened;
      await sleep(1500);
      const rss = rssBytes(target.pid);
      if (rssBefore) {
        figures.push({
          name: `RSS per connection (${sizes.fanouts[0]} → ${n})`,
          value: (rss - rssBefore) / 1024 / (n - (sizes.fanouts[0] ?? 0)),
          unit: 'KiB',
          lowerIsBetter: true,
        });
      } else rssBefore = rss;

      // CPU per delivery at a moderate rate (one event per event-loop turn: one send per socket
      // per event, kernel-bound) and at a high one (several events per turn, where per-turn
      // corking lets one send carry many events). Both servers get the same offered load.
      await publisher.burst(20, 'bench');
      await drain(pool, 20 * n, 5000);
      for (const rate of sizes.cpuRates) {
        await pool.reset();
        const cpu0 = cpuMicros(target.pid);
        await publisher.paced(rate / n, sizes.stepSeconds, 'bench');
        await sleep(1000); // let the server drain what it still holds
        const cpu = cpuMicros(target.pid) - cpu0;
        const { received } = await pool.stats();
        figures.push({
          name: `fan-out ${n} at ${rate / 1000}k/s offered: server CPU per delivery`,
          value: cpu / received,
          unit: 'µs',
          lowerIsBetter: true,
        });
      }

      // Highest rate whose p99 latency stays under 100 ms with (almost) nothing lost.
      let best = 0;
      for (const rate of sizes.rateSteps) {
        await pool.reset();
        const perSecond = rate / n;
        const count = await publisher.paced(perSecond, sizes.stepSeconds, 'bench');
        await drain(pool, count * n, 3000);
        const stats = await pool.stats();
        const p99 = stats.histogram.percentile(0.99);
        const ok = p99 < 100 && stats.received >= 0.99 * count * n && publisher.failures === 0;
        console.error(
          `  ${target.name} fan-out ${n} at ${rate}/s: p99 ${p99.toFixed(1)} ms, ` +
            `${((100 * stats.received) / (count * n)).toFixed(1)}% delivered`,
        );
        if (!ok) break;
        best = rate;
        await sleep(500);
      }
      figures.push({
        name: `fan-out ${n}: max deliveries/s at p99 < 100 ms`,
        value: best,
        unit: '/s',
        lowerIsBetter: false,
      });
    }
  } finally {
    publisher.close();
    await pool.close();
  }
  return figures;
}

/** Time for M members to join one presence channel (auth computed by each client, as apps do). */
export async function presence(target: Target, sizes: BenchSizes): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const m of sizes.presenceSizes) {
    const pool = new LoadPool(2);
    try {
      await pool.reset(); // the load processes are up: their start-up is not timed
      const cpu0 = cpuMicros(target.pid);
      const start = performance.now();
      const { failed } = await pool.connect(wsUrl(target), m, `presence-bench-${m}`, BENCH_APP, 25);
      const ms = performance.now() - start;
      if (failed) throw new Error(`${failed} of ${m} presence joins failed`);
      figures.push({
        name: `presence: ${m} members join`,
        value: ms,
        unit: 'ms',
        lowerIsBetter: true,
      });
      figures.push({
        name: `presence: ${m} members, server CPU`,
        value: (cpuMicros(target.pid) - cpu0) / 1000,
        unit: 'ms',
        lowerIsBetter: true,
      });
    } finally {
      await pool.close();
    }
  }
  return figures;
}

/** A client that stops reading: its server-side memory must stay bounded, others' latency must not move. */
export async function slowConsumer(target: Target, sizes: BenchSizes): Promise<Figure[]> {
  const pool = new LoadPool(2);
  const publisher = new Publisher(target.port, BENCH_APP, 16);
  const padding = 'x'.repeat(8000);
  try {
    await pool.connect(wsUrl(target), 100, 'slow', BENCH_APP);
    await pool.reset();
    await publisher.paced(100, sizes.stepSeconds * 2, 'slow', padding);
    await sleep(500);
    const before = (await pool.stats()).histogram.percentile(0.99);
    const rss0 = rssBytes(target.pid);
    await pool.stall(1);
    await pool.reset();
    // ~32 MB towards the stalled client: more than the kernel buffers and a sane server-side limit.
    await publisher.paced(500, Math.max(8, sizes.stepSeconds * 3), 'slow', padding);
    await sleep(1000);
    const after = (await pool.stats()).histogram.percentile(0.99);
    const info = (await publisher.get(`/apps/${BENCH_APP.id}/channels/slow`, {
      info: 'subscription_count',
    })) as { subscription_count?: number };
    return [
      { name: 'slow consumer: others p99 before', value: before, unit: 'ms', lowerIsBetter: true },
      {
        name: 'slow consumer: others p99 while one stalls',
        value: after,
        unit: 'ms',
        lowerIsBetter: true,
      },
      {
        name: 'slow consumer: server RSS growth',
        value: (rssBytes(target.pid) - rss0) / 1024 / 1024,
        unit: 'MiB',
        lowerIsBetter: true,
      },
      {
        name: 'slow consumer: subscribers left (100 = stalled one kept)',
        value: info.subscription_count ?? NaN,
        unit: '',
        lowerIsBetter: true,
      },
    ];
  } finally {
    publisher.close();
    await pool.close();
  }
}

/** Scenarios by name, in run order. */
export const SCENARIOS: Readonly<Record<string, (t: Target, s: BenchSizes) => Promise<Figure[]>>> =
  {
    http: httpTrigger,
    fanout,
    presence,
    slow: slowConsumer,
  };
