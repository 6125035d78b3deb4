// A tiny benchmark harness: warm up, then run each case for a fixed time and report ops/s.
// Timing is wall-clock on a shared machine: compare ratios measured in the same run, not absolutes.

export interface Case {
  name: string;
  fn: () => unknown;
}

export interface Result {
  name: string;
  opsPerSec: number;
}

let sink: unknown;

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns ops/s. */
export function measure(c: Case, ms = Number(process.env['BENCH_MS'] ?? 400)): Result {
  for (let i = 0; i < 2000; i++) sink = c.fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) sink = c.fn();
    ops += 200;
    now = performance.now();
  }
  return { name: c.name, opsPerSec: (ops * 1000) / (now - start) };
}

/** Keeps results observable so the optimizer cannot drop the work. */
export function consumed(): unknown {
  return sink;
}

/** Formats ops/s with thousands separators. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
