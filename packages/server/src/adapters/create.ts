/**
 * @module
 * Builds the adapter the configuration names.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Adapter } from './adapter.js';
import { MemoryAdapter } from './memory.js';
import { RedisAdapter } from './redis.js';

/** The adapter of `config.adapter` (`memory` by default, `redis` for a cluster). */
export function createAdapter(config: Config, logger: Logger): Adapter {
  if (config.adapter === 'redis') {
    return new RedisAdapter({
      url: config.redisUrl,
      // A copy: the configuration is frozen and ioredis may write into its options.
      options: structuredClone(config.redisOptions),
      keyPrefix: config.redisKeyPrefix,
      nodeTimeoutMs: config.nodeTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      logger: logger.child({ module: 'adapter' }),
    });
  }
  return new MemoryAdapter();
}
