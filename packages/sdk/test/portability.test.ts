// Portability: the built SDK imports no Node module, and runs in a realm that has only web globals
// (fetch, Web Crypto's getRandomValues, TextEncoder, URL, Headers, Response, AbortController, timers,
// btoa/atob) — the shape of Workers/edge runtimes. There, the portable @noble backend is used.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import { createHmac } from 'node:crypto';
import { startFakePusher, type FakePusher } from './helpers/fake-pusher.js';

const pkgDir = resolve(import.meta.dirname, '..');
const dist = join(pkgDir, 'dist');

before(() => {
  if (!existsSync(join(dist, 'cjs', 'index.cjs')) || !existsSync(join(dist, 'esm', 'index.js'))) {
    const r = spawnSync(process.execPath, [join(pkgDir, 'scripts', 'build.mjs')], {
      stdio: 'inherit',
    });
    assert.equal(r.status, 0, 'build failed');
  }
});

let fake: FakePusher;
before(async () => {
  fake = await startFakePusher({ appId: '9', key: 'webkey', secret: 'websecret' });
});
after(() => fake.close());

function bundles(): string[] {
  return ['esm', 'cjs'].flatMap((d) =>
    readdirSync(join(dist, d), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(c?js)$/.test(f))
      .map((f) => join(dist, d, f)),
  );
}

describe('built package', () => {
  it('imports or requires no Node built-in and no package (dependencies are bundled)', () => {
    for (const file of bundles()) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /\bfrom\s*["'](node:|[a-z@])/, `${file} has a static import`);
      assert.doesNotMatch(text, /\brequire\(\s*["']/, `${file} requires a module`);
      assert.doesNotMatch(text, /\bimport\(\s*["']/, `${file} imports a module dynamically`);
    }
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  });

  it('runs in a web-globals-only realm: auth, webhook, encrypted and plain triggers, channel list', async () => {
    const web = {
      fetch,
      crypto: { getRandomValues: (a: Uint8Array<ArrayBuffer>) => crypto.getRandomValues(a) },
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
      Headers,
      Request,
      Response,
      AbortController,
      AbortSignal,
      setTimeout,
      clearTimeout,
      btoa,
      atob,
      console,
    };
    const context = vm.createContext({ ...web, module: { exports: {} }, exports: {} });
    vm.runInContext(readFileSync(join(dist, 'cjs', 'index.cjs'), 'utf8'), context, {
      filename: 'index.cjs',
    });
    assert.equal(vm.runInContext('typeof process', context), 'undefined');
    context['target'] = {
      appId: fake.appId,
      key: fake.key,
      secret: fake.secret,
      host: fake.host,
      port: fake.port,
    };
    // JSON round trip: values from the other realm have other prototypes.
    const result = JSON.parse(
      JSON.stringify(
        await vm.runInContext(
          `(async () => {
        const Pusher = module.exports;
        const p = new Pusher({ ...target, encryptionMasterKeyBase64: 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=' });
        const auth = p.authorizeChannel('1.2', 'presence-a', { user_id: 'u' });
        const shared = p.authorizeChannel('1.2', 'private-encrypted-bla').shared_secret;
        const body = '{"time_ms":1,"events":[]}';
        const res1 = await p.trigger('a', 'e', { x: 1 });
        const res2 = await p.trigger('private-encrypted-bla', 'e', { secret: 'data' });
        const list = await p.channels();
        return { auth, shared, status: [res1.status, res2.status], list, body, signature: p.config.token.sign(body) };
      })()`,
          context,
        ),
      ),
    );
    const expected = createHmac('sha256', fake.secret)
      .update('1.2:presence-a:{"user_id":"u"}')
      .digest('hex');
    assert.equal(result.auth.auth, `webkey:${expected}`);
    assert.equal(result.shared, 'nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=');
    assert.deepEqual(result.status, [200, 200]);
    assert.equal(result.list.length, 0);
    assert.equal(
      result.signature,
      createHmac('sha256', fake.secret).update(result.body).digest('hex'),
    );
  });

  it('loads as ESM and as CJS from the package exports, and both sign the official vector', () => {
    const script = `
      const cjs = require('@herald/sdk');
      const proto = require('@herald/sdk/protocol');
      import('@herald/sdk').then((esm) => {
        const opts = { appId: 1, key: 'f00d', secret: 'tofu', encryptionMasterKeyBase64: 'zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=' };
        const expected = JSON.stringify({ channel_data: '"foo"', auth: 'f00d:962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105', shared_secret: 'nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=' });
        const sign = (P) => JSON.stringify(new P(opts).authorizeChannel('123.456', 'private-encrypted-bla', 'foo'));
        const ok = typeof cjs === 'function' && cjs.name === 'Pusher' && esm.default.name === 'Pusher' &&
          typeof proto.channelType === 'function' && typeof cjs.RequestError === 'function' &&
          sign(cjs) === expected && sign(esm.default) === expected;
        console.log(ok ? 'ok' : 'bad');
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: pkgDir, encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'ok', r.stderr);
  });
});
