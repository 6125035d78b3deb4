/**
 * The `herald migrate` command object (wired into the CLI's command table by the CLI): flags,
 * environment, exit codes, and no password in its error output.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrateCommand } from '../../src/app-stores/migrate-command.js';
import type { CliIo } from '../../src/cli/run.js';
import { connectOrSkip, uniqueTable } from './databases.js';

type Values = Parameters<typeof migrateCommand.run>[0];

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cliIo: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env,
    cwd: process.cwd(),
  };
  return { cliIo, out, err };
}

describe('herald migrate', () => {
  it('refuses the static app store and a missing URL (exit 2)', async () => {
    const a = io();
    assert.deepEqual(await migrateCommand.run({}, a.cliIo, '0'), { exitCode: 2 });
    assert.match(a.err.join(''), /--app-store postgres or mysql/);
    const b = io({ HERALD_APP_STORE: 'mysql' });
    assert.deepEqual(await migrateCommand.run({}, b.cliIo, '0'), { exitCode: 2 });
    assert.match(b.err.join(''), /appStoreUrl/);
  });

  it('reports an unreachable database without its password (exit 1)', async () => {
    const a = io();
    const values = {
      'app-store': 'postgres',
      'app-store-url': 'postgres://herald:hunter2@127.0.0.1:1/db',
    } as Values;
    assert.deepEqual(await migrateCommand.run(values, a.cliIo, '0'), { exitCode: 1 });
    assert.match(a.err.join(''), /^herald migrate: /);
    assert.ok(!a.err.join('').includes('hunter2'));
  });

  for (const dialect of ['postgres', 'mysql'] as const) {
    it(`creates the table in ${dialect}, twice without harm`, async (t) => {
      const db = await connectOrSkip(t, dialect);
      if (!db) return;
      const table = uniqueTable();
      t.after(async () => {
        await db.exec(`DROP TABLE IF EXISTS ${db.q(table)}`);
        await db.close();
      });
      for (let i = 0; i < 2; i++) {
        const a = io({ HERALD_APP_STORE_URL: db.url, HERALD_APP_STORE_TABLE: table });
        const values = { 'app-store': dialect } as Values;
        assert.deepEqual(await migrateCommand.run(values, a.cliIo, '0'), { exitCode: 0 });
        assert.equal(a.out.join(''), `herald migrate: table "${table}" is ready in ${dialect}\n`);
      }
      await db.exec(`SELECT ${db.q('id')}, ${db.q('key')}, ${db.q('secret')} FROM ${db.q(table)}`);
    });
  }
});
