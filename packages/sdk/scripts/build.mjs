#!/usr/bin/env node
// Builds @herald/sdk: esbuild bundles (ESM and CJS, @noble crypto inlined so the package has no
// runtime dependencies), tsc declarations for ESM, and .d.cts copies for CJS. The CJS entry's
// module.exports IS the Pusher constructor (as `require('pusher')`), with the named exports attached.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, statSync, rmSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const entries = { index: 'src/index.ts', 'protocol/index': 'src/protocol/index.ts' };
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  conditions: ['import', 'default'],
  legalComments: 'inline',
  keepNames: true,
  logLevel: 'warning',
};

await build({ ...common, entryPoints: entries, outdir: join(dist, 'esm'), format: 'esm' });
for (const [name, entry] of Object.entries(entries)) {
  await build({
    ...common,
    entryPoints: [entry],
    outfile: join(dist, 'cjs', `${name}.cjs`),
    format: 'cjs',
    footer:
      name === 'index'
        ? { js: 'module.exports = Object.assign(module.exports.default, module.exports);' }
        : undefined,
  });
}

// Declarations: ESM from tsc, then CJS copies with .cjs specifiers.
execFileSync(
  process.execPath,
  [join(root, '../../node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const esmDir = join(dist, 'esm');
for (const file of walk(esmDir).filter((f) => f.endsWith('.d.ts'))) {
  const rel = file.slice(esmDir.length + 1);
  const target = join(dist, 'cjs', rel.replace(/\.d\.ts$/, '.d.cts'));
  mkdirSync(dirname(target), { recursive: true });
  const text = readFileSync(file, 'utf8').replace(
    /(from\s+|import\()'(\.{1,2}\/[^']+)\.js'/g,
    "$1'$2.cjs'",
  );
  writeFileSync(target, text);
}
writeFileSync(
  join(dist, 'cjs', 'index.d.cts'),
  [
    '// `require("@herald/sdk")` is the Pusher constructor, as `require("pusher")` is; its named',
    '// exports hang off it, and the `Pusher` namespace carries the types (`Pusher.Options`, …).',
    "import { Pusher } from './pusher.cjs';",
    'export = Pusher;',
    '',
  ].join('\n'),
);
console.log('built dist/esm, dist/cjs');
