/**
 * @module
 * The Redis adapter: a {@link ClusterAdapter} over a {@link RedisBackend}. Many Herald nodes sharing
 * one Redis behave as one server (see docs/scaling.md).
 */
import { ClusterAdapter, type ClusterAdapterOptions } from './cluster/cluster-adapter.js';
import { RedisBackend, type RedisBackendOptions } from './redis/redis-backend.js';

export type { RedisConnectionOptions } from './redis/redis-backend.js';

/** Options of a {@link RedisAdapter}. */
export type RedisAdapterOptions = ClusterAdapterOptions & RedisBackendOptions;

/** Cluster-wide state and fan-out over Redis. */
export class RedisAdapter extends ClusterAdapter {
  constructor(options: RedisAdapterOptions = {}) {
    super(new RedisBackend(options), options);
  }
}
