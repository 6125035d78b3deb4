/**
 * `npm run bench -- --only server [--targets herald,soketi] [--scenarios http,fanout,presence,slow]
 * [--rounds 2] [--quick]`: runs each scenario against each target in alternating rounds (so machine
 * noise hits both), takes the median per figure and prints Herald ÷ soketi ratios.
 * Results are written to bench/results/server-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FULL, QUICK, SCENARIOS, type Figure } from './scenarios.js';
import { TARGETS } from './targets.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** Runs the server benchmark with command-line `args`. */
export async function runServerBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      targets: { type: 'string', default: 'herald,soketi' },
      scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
      rounds: { type: 'string', default: '2' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
    allowPositionals: true,
  });
  const targets = values.targets.split(',');
  const scenarios = values.scenarios.split(',');
  const sizes = values.quick ? QUICK : FULL;
  const rounds = Number(values.rounds);
  // figure name → target → values of each round
  const results = new Map<string, Map<string, number[]>>();
  const meta = new Map<string, Figure>();

  for (let round = 1; round <= rounds; round++) {
    for (const name of targets) {
      const start = TARGETS[name];
      if (!start) throw new Error(`unknown target ${name}`);
      for (const scenario of scenarios) {
        const run = SCENARIOS[scenario];
        if (!run) throw new Error(`unknown scenario ${scenario}`);
        // A fresh server per scenario: one scenario's leftovers (RSS, timers) don't skew the next.
        const target = await start();
        try {
          console.error(`round ${round}: ${name} ${scenario}`);
          for (const figure of await run(target, sizes)) {
            meta.set(figure.name, figure);
            const byTarget = results.get(figure.name) ?? new Map<string, number[]>();
            byTarget.set(name, [...(byTarget.get(name) ?? []), figure.value]);
            results.set(figure.name, byTarget);
          }
        } catch (error) {
          console.error(`  ${name} ${scenario} failed: ${(error as Error).message}`);
        } finally {
          await target.stop();
        }
      }
    }
  }

  const rows: Record<string, unknown>[] = [];
  for (const [figureName, byTarget] of results) {
    const figure = meta.get(figureName);
    const row: Record<string, unknown> = { figure: figureName, unit: figure?.unit ?? '' };
    const medians: Record<string, number> = {};
    for (const name of targets) {
      const value = median(byTarget.get(name) ?? []);
      medians[name] = value;
      row[name] = format(value);
    }
    if (targets.includes('herald') && targets.includes('soketi')) {
      const ratio = (medians['herald'] ?? NaN) / (medians['soketi'] ?? NaN);
      row['herald ÷ soketi'] = format(ratio);
    }
    rows.push(row);
  }
  console.table(rows);
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `server-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ sizes, rounds, rows }, null, 2));
  console.error(`results: ${file}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runServerBench(process.argv.slice(2));
}
