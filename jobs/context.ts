// Builds the clients once from the validated config; everything below receives this context.
import { describeTarget, type Config } from '../lib/config.js';
import { openDb, type Db, type OpenOptions } from '../lib/db.js';
import { UsageError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';
import type { ApiClient } from '../sources/api/client.js';

export interface Context {
  config: Config;
  logger: Logger;
  /** The replica (read-only unless `writable`, which only the generator asks for). */
  source(opts?: { writable?: boolean; create?: boolean }): Promise<Db>;
  /** The warehouse database; a CSV warehouse (csv:) is no database: only `hub-etl run` loads into it. */
  warehouse(opts?: Pick<OpenOptions, 'create'>): Promise<Db>;
  /** Redis for queues and schedules, connected and checked (version, eviction policy) on first use. */
  redis(): Promise<Redis>;
  /** The 1688 API client (HUB_API_URL, or the source when it is the API): one per process, created on first use. */
  api(): Promise<ApiClient>;
  close(): Promise<void>;
}

export function createContext(config: Config, logger: Logger): Context {
  const open = new Map<string, Promise<Db>>();
  const once = (key: string, make: () => Promise<Db>) => {
    let p = open.get(key);
    if (!p) {
      p = make();
      open.set(key, p);
      p.catch(() => open.delete(key));
    }
    return p;
  };
  let redis: Promise<Redis> | undefined;
  let api: Promise<ApiClient> | undefined;
  return {
    config,
    logger,
    source: (opts = {}) => {
      const src = config.source;
      if (src.kind === 'api') {
        return Promise.reject(new UsageError(`this command reads a replica database; the source is the 1688 API at ${describeTarget(src)}, set --source to a mysql:// or sqlite: URL`));
      }
      return once(opts.writable ? 'source-rw' : 'source-ro', () => openDb(src, { readOnly: !opts.writable, create: opts.create ?? false }));
    },
    warehouse: (opts = {}) => {
      const wh = config.warehouse;
      if (wh.kind === 'csv') {
        return Promise.reject(new UsageError(`the warehouse ${describeTarget(wh)} is a folder of CSV files, which only "hub-etl run" loads into; this command needs a SQL warehouse (mysql://… or sqlite:…)`));
      }
      return once('warehouse', () => openDb(wh, { create: opts.create ?? true, warn: (message) => logger.warn(message) }));
    },
    redis: () => {
      if (!redis) {
        // Loaded on first use: commands that need no Redis do not pay for ioredis at start-up.
        redis = import('../lib/redis.js').then((m) => m.openRedis(config.redis, logger));
        redis.catch(() => (redis = undefined));
      }
      return redis;
    },
    api: () => {
      const target = config.api;
      if (!target) {
        return Promise.reject(new UsageError('no 1688 API is configured: set HUB_API_URL (or --api-url) to 1688+https://gw.open.1688.com, or make the API the source with HUB_SOURCE_URL=1688+https://…'));
      }
      // Loaded on first use, like Redis: commands that never call the API do not load the client.
      api ??= import('../sources/api/client.js').then((m) => m.createApiClient(target, logger));
      return api;
    },
    async close() {
      const apiClient = api;
      api = undefined;
      await apiClient?.then((c) => c.close(), () => undefined);
      const client = redis;
      redis = undefined;
      await client?.then(async (c) => (await import('../lib/redis.js')).closeRedis(c), () => undefined);
      const dbs = await Promise.allSettled([...open.values()]);
      open.clear();
      await Promise.all(dbs.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
  };
}
