/**
 * @module
 * Builds the adapter the configuration names.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Adapter } from './adapter.js';
import { MemoryAdapter } from './memory.js';
import { RedisAdapter } from './redis.js';

/** Copies plain objects and arrays deeply (unfrozen); keeps functions and other values as they are. */
function thaw(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(thaw);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, thaw(v)]));
  }
  return value;
}

/** The adapter of `config.adapter` (`memory` by default, `redis` for a cluster). */
export function createAdapter(config: Config, logger: Logger): Adapter {
  if (config.adapter === 'redis') {
    return new RedisAdapter({
      url: config.redisUrl,
      // A copy: the configuration is frozen and ioredis may write into its options.
      options: thaw(config.redisOptions) as Record<string, unknown>,
      keyPrefix: config.redisKeyPrefix,
      nodeTimeoutMs: config.nodeTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      logger: logger.child({ module: 'adapter' }),
    });
  }
  return new MemoryAdapter();
}
