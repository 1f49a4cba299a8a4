// Opens hub-etl's queues on the context's Redis connection, under the configured prefix, with the
// retry and retention policy of each kind of job written down once.
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Context } from '../context.js';
import type { Redis } from '../../lib/redis.js';
import { QUEUE } from './names.js';

/**
 * Retriable failures (lost connection, deadlock, lock wait timeout, Redis hiccup) are retried with
 * exponential backoff and jitter: about 2 s, 4 s, 8 s, 16 s, 32 s, then the job fails for good.
 * Fatal failures skip the remaining attempts (the worker throws UnrecoverableError).
 */
export const RETRY: Pick<JobsOptions, 'attempts' | 'backoff'> = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
};

const DAY_S = 86_400;

/** Runs: keep a day of completed jobs (at most 1,000) and a week of failed ones for inspection. */
export const RUN_JOB: JobsOptions = {
  ...RETRY,
  removeOnComplete: { age: DAY_S, count: 1_000 },
  removeOnFail: { age: 7 * DAY_S, count: 5_000 },
};

/** Chunks: kept for 30 days, so that running the same backfill again finds them done and skips them. */
export const CHUNK_JOB: JobsOptions = {
  ...RETRY,
  attempts: 8,
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

/** Message refreshes: many and small; a day of completed ones (at most 5,000) and a week of failed ones. */
export const REFRESH_JOB: JobsOptions = {
  ...RETRY,
  removeOnComplete: { age: DAY_S, count: 5_000 },
  removeOnFail: { age: 7 * DAY_S, count: 5_000 },
};

export const BACKFILL_JOB: JobsOptions = {
  removeOnComplete: { age: 30 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
};

export interface Queues {
  prefix: string;
  redis: Redis;
  runs: Queue;
  chunks: Queue;
  backfills: Queue;
  refreshes: Queue;
  flow: FlowProducer;
  close(): Promise<void>;
}

/** The queues of this installation (its prefix), sharing the context's Redis connection. */
export async function openQueues(ctx: Context): Promise<Queues> {
  const redis = await ctx.redis();
  const prefix = ctx.config.queuePrefix;
  const opts = { connection: redis, prefix };
  const runs = new Queue(QUEUE.runs, opts);
  const chunks = new Queue(QUEUE.chunks, opts);
  const backfills = new Queue(QUEUE.backfills, opts);
  const refreshes = new Queue(QUEUE.refreshes, opts);
  const flow = new FlowProducer(opts);
  // Errors also reach the awaiting caller; the listeners only keep EventEmitter from throwing.
  for (const q of [runs, chunks, backfills, refreshes]) q.on('error', () => undefined);
  flow.on('error', () => undefined);
  return {
    prefix,
    redis,
    runs,
    chunks,
    backfills,
    refreshes,
    flow,
    async close() {
      await Promise.allSettled([runs.close(), chunks.close(), backfills.close(), refreshes.close(), flow.close()]);
    },
  };
}
