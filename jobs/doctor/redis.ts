// Doctor checks of Redis, when one is configured or answers at the default address: the version BullMQ
// needs, an eviction policy that cannot drop queued jobs, and persistence.
import { Redis } from 'ioredis';
import { describeTarget, type RedisTarget } from '../../lib/config.js';
import { describe } from '../../lib/errors.js';
import { compareVersions, MIN_REDIS_VERSION, redisConnection, redisInfo } from '../../lib/redis.js';
import type { Report } from './checks.js';

export async function checkRedis(target: RedisTarget, explicit: boolean, report: Report): Promise<void> {
  const label = describeTarget(target);
  const client = new Redis({
    ...redisConnection(target),
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch (err) {
      if (explicit) report({ name: 'connect', level: 'error', message: `cannot connect to ${label}: ${describe(err)}`, fix: 'start Redis or correct HUB_REDIS_URL; the worker, scheduler, backfill, run --queue and the dashboard need it' });
      else report({ name: 'connect', level: 'ok', message: `none configured (HUB_REDIS_URL) and none answering at ${label}: only the worker, scheduler, backfill, run --queue and the dashboard need one` });
      return;
    }
    const info = await redisInfo(client);
    const persistence = await client.info('persistence');
    if (compareVersions(info.version, MIN_REDIS_VERSION) < 0) {
      report({ name: 'version', level: 'error', message: `${label} runs Redis ${info.version}; hub-etl's queues (BullMQ) need ${MIN_REDIS_VERSION} or newer`, fix: `upgrade Redis to ${MIN_REDIS_VERSION} or newer` });
    } else {
      report({ name: 'version', level: 'ok', message: `${label}: Redis ${info.version} (BullMQ needs ${MIN_REDIS_VERSION}+)` });
    }
    if (info.maxmemoryPolicy !== 'noeviction') {
      report({ name: 'eviction', level: 'warn', message: `maxmemory-policy is ${info.maxmemoryPolicy || 'unknown'}: under memory pressure Redis may drop queued jobs`, fix: 'set "maxmemory-policy noeviction" in redis.conf (or the parameter group of a managed Redis)' });
    } else {
      report({ name: 'eviction', level: 'ok', message: 'maxmemory-policy is noeviction' });
    }
    if (/^aof_enabled:0\s*$/m.test(persistence)) {
      report({ name: 'persistence', level: 'warn', message: 'appendonly is off: a Redis restart loses the queued jobs and the schedulers until the next sync', fix: 'set "appendonly yes" in redis.conf' });
    } else {
      report({ name: 'persistence', level: 'ok', message: 'appendonly is on' });
    }
  } finally {
    client.disconnect();
  }
}
