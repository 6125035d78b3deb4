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

/**
 * Measures two cases in alternating rounds and keeps each one's best round: on a shared machine,
 * interference only ever slows a round down, so the best round is the least disturbed one.
 */
export function compare(
  a: Case,
  b: Case,
  rounds = 5,
  ms = Number(process.env['BENCH_MS'] ?? 200),
): [Result, Result] {
  let bestA = 0;
  let bestB = 0;
  for (let r = 0; r < rounds; r++) {
    const [first, second] = r % 2 === 0 ? [a, b] : [b, a];
    const x = measure(first, ms);
    const y = measure(second, ms);
    const ra = first === a ? x : y;
    const rb = first === a ? y : x;
    bestA = Math.max(bestA, ra.opsPerSec);
    bestB = Math.max(bestB, rb.opsPerSec);
  }
  return [
    { name: a.name, opsPerSec: bestA },
    { name: b.name, opsPerSec: bestB },
  ];
}

/** Formats ops/s with thousands separators. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
