#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test (or under the paths given as arguments) with Node's own
// test runner through tsx, resolving workspace packages to their TypeScript sources ("source" condition).
// Node 20 has no glob support in --test, hence this small finder.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const searchRoots = roots.length
  ? roots.map((r) => resolve(r))
  : readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'test'));

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return [];
  }
  if (stat.isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
  return readdirSync(dir)
    .filter((name) => name !== 'node_modules' && name !== 'fixtures')
    .flatMap((name) => findTests(join(dir, name)))
    .sort();
}

const files = searchRoots.flatMap(findTests);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const concurrency = Math.max(2, Math.min(4, availableParallelism()));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=source',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=120000',
    ...passThrough,
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
