/**
 * docs/errors.md must list exactly the codes of protocol/close-codes.ts, with the same messages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CloseCodes, SubscriptionErrors } from '../../src/protocol/close-codes.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

function rows(section: string): string[][] {
  const start = doc.indexOf(`<!-- ${section}:start -->`);
  const end = doc.indexOf(`<!-- ${section}:end -->`);
  assert.ok(start >= 0 && end > start, `docs/errors.md has the ${section} markers`);
  return doc
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));
}

describe('docs/errors.md', () => {
  it('lists every close code with its name and message, and nothing else', () => {
    const documented = rows('close-codes').map(([code, name, message]) => [
      Number(code),
      name,
      message,
    ]);
    const table = Object.entries(CloseCodes)
      .map(([name, entry]) => [entry.code, name, entry.message])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(documented, table);
  });

  it('lists every subscription error with its type, status and message', () => {
    const documented = rows('subscription-errors').map(([name, type, status, message]) => [
      name,
      type,
      Number(status),
      message,
    ]);
    const table = Object.entries(SubscriptionErrors).map(([name, e]) => [
      name,
      e.type,
      e.status,
      e.message,
    ]);
    assert.deepEqual(documented, table);
  });
});
