/**
 * The real Redis at 127.0.0.1:6379 for tests: with CI=true a missing Redis fails the tests,
 * otherwise they are skipped with a message.
 */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(REDIS_PORT, REDIS_HOST);
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Undefined when Redis is up; a skip reason when it is down outside CI. Throws in CI when it is down.
 */
export async function redisSkipReason(): Promise<string | undefined> {
  if (await reachable()) return undefined;
  if (process.env['CI'] === 'true') {
    throw new Error(`Redis is required in CI but ${REDIS_HOST}:${REDIS_PORT} is unreachable`);
  }
  const reason = `Redis not reachable at ${REDIS_HOST}:${REDIS_PORT}; Redis tests skipped`;
  console.warn(reason);
  return reason;
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `herald-test-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key of `prefix` (the adapter hash-tags it as `{prefix}`). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_PORT, REDIS_HOST, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Number of keys of `prefix`. */
export async function countKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_PORT, REDIS_HOST, { lazyConnect: true });
  try {
    await redis.connect();
    return (await redis.keys(`{${prefix}}*`)).length;
  } finally {
    redis.disconnect();
  }
}
