import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { format, resolveConfig } from 'prettier';
import { renderConfigDocs } from '../../src/config/docs.js';
import { cliOptions } from '../../src/config/options.js';

const path = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

describe('docs/configuration.md', () => {
  it('is generated from the current schema (run `npm run config-docs -w @herald/server`)', async () => {
    const options = (await resolveConfig(path)) ?? {};
    const expected = await format(renderConfigDocs(), { ...options, parser: 'markdown' });
    assert.equal(
      readFileSync(path, 'utf8'),
      expected,
      'docs/configuration.md is stale: run `npm run config-docs -w @herald/server`',
    );
  });

  it('documents every flag and environment variable', () => {
    const text = readFileSync(path, 'utf8');
    for (const option of cliOptions()) {
      assert.ok(text.includes(`\`--${option.flag}\``), option.flag);
      if (option.env) assert.ok(text.includes(`\`${option.env}\``), option.env);
    }
  });
});
