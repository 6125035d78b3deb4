// Writes docs/configuration.md from the config schema, formatted with the repository's Prettier
// settings. Run: npm run config-docs -w @herald/server (through tsx, which loads the TS sources).
// test/config/docs.test.ts renders the same way and fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderConfigDocs } from '../src/config/docs.ts';

const path = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
const options = (await resolveConfig(path)) ?? {};
writeFileSync(path, await format(renderConfigDocs(), { ...options, parser: 'markdown' }));
console.log(`wrote ${path}`);
