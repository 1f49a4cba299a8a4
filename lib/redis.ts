// The Redis connection the queues share: one ioredis client per process, checked once at start
// (server version, eviction policy). Commands wait through reconnects instead of failing.
import { Redis, type RedisOptions } from 'ioredis';
import { describeTarget, type RedisTarget } from './config.js';
import { describe, HubError } from './errors.js';
import type { Logger } from './logger.js';

export type { Redis };

/** BullMQ needs Redis 6.2 or newer (it relies on commands added there). */
export const MIN_REDIS_VERSION = '6.2.0';

export interface RedisInfo { version: string; maxmemoryPolicy: string }

/** Raised when Redis cannot be reached in time or is unfit for the queues; never shows the password. */
export class RedisError extends HubError {}

export interface RedisOpenOptions {
  /** How long to wait for the first connection before giving up, in ms. */
  connectTimeoutMs?: number;
}

/** Where and as whom ioredis connects to a target. */
export function redisConnection(target: RedisTarget): Pick<RedisOptions, 'host' | 'port' | 'db' | 'username' | 'password' | 'tls'> {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  };
}

/**
 * Connects, waits until Redis answers, and checks it: too old a version is an error, an eviction
 * policy other than `noeviction` is a warning (Redis could silently drop queued jobs under memory pressure).
 */
export async function openRedis(target: RedisTarget, logger: Logger, opts: RedisOpenOptions = {}): Promise<Redis> {
  const label = describeTarget(target);
  const client = new Redis({
    ...redisConnection(target),
    // BullMQ workers block on Redis; a command must wait for a reconnect rather than fail after N retries.
    maxRetriesPerRequest: null,
    connectionName: 'hub-etl',
    lazyConnect: true,
    retryStrategy: (times: number) => Math.min(200 * times, 5_000),
  });
  // One warning per outage, not one per reconnect attempt.
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    logger.warn('redis connection lost; reconnecting', { redis: label, error: describe(err) });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis connection back', { redis: label });
  });
  const timeoutMs = opts.connectTimeoutMs ?? 15_000;
  try {
    await withTimeout(client.connect(), timeoutMs, () => new RedisError(`cannot connect to ${label}: no answer within ${Math.round(timeoutMs / 1000)} s`, { retriable: true }));
    const info = await redisInfo(client);
    if (compareVersions(info.version, MIN_REDIS_VERSION) < 0) {
      throw new RedisError(`${label} runs Redis ${info.version}; hub-etl's queues need Redis ${MIN_REDIS_VERSION} or newer`);
    }
    if (info.maxmemoryPolicy !== 'noeviction') {
      logger.warn(`redis maxmemory-policy is ${info.maxmemoryPolicy || 'unknown'}, not noeviction: under memory pressure Redis may drop queued jobs; set "maxmemory-policy noeviction"`, { redis: label });
    }
    logger.debug('redis ready', { redis: label, version: info.version, maxmemory_policy: info.maxmemoryPolicy });
    return client;
  } catch (err) {
    client.disconnect();
    if (err instanceof HubError) throw err;
    throw new RedisError(`cannot connect to ${label}: ${describe(err)}`, { cause: err, retriable: true });
  }
}

/** Server version and eviction policy, from INFO (CONFIG GET is often disabled on managed Redis). */
export async function redisInfo(client: Redis): Promise<RedisInfo> {
  const text = `${await client.info('server')}\n${await client.info('memory')}`;
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { version: field('redis_version'), maxmemoryPolicy: field('maxmemory_policy') };
}

/** Closes the client politely, or at once when Redis is not answering. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await withTimeout(client.quit(), 2_000, () => new Error('quit timed out')).catch(() => client.disconnect());
}

/** -1, 0 or 1 as dotted version a is older than, equal to or newer than b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
