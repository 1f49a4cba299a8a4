// Names in Redis: the queues, the job names on them, and the ids that make requests deduplicate.
// Every key lives under the configured queue prefix (HUB_QUEUE_PREFIX, default hub-etl).

/** The three queues: stream runs (plus verify and schedule ticks), backfill chunks, backfill parents. */
export const QUEUE = {
  /** Incremental and full-refresh runs, verify jobs and the ticks the schedulers produce. */
  runs: 'runs',
  /** One job per backfill chunk: a [from, to) window of one stream. Separate, so a big backfill never starves the schedules. */
  chunks: 'chunks',
  /** One parent job per backfill, completed when all its chunks are. */
  backfills: 'backfills',
  /** Targeted refreshes asked for by Cloud Hub messages (hub-etl listen): separate, so a long run never delays them. */
  refreshes: 'refreshes',
} as const;

export const JOB = {
  run: 'run',
  verify: 'verify',
  /** Produced by a job scheduler; turns into a deduplicated run or verify job. */
  tick: 'tick',
  chunk: 'chunk',
  backfill: 'backfill',
  /** Refreshes one entity a message named (an order's scope or a product). */
  refresh: 'refresh',
} as const;

export type RunMode = 'incremental' | 'full_refresh';

/**
 * Deduplication id of a stream run: while one run of a stream and mode is waiting, more requests fold
 * into it; while it is active, the latest request is kept and queued once it ends (keepLastIfActive).
 */
export function runDedupId(stream: string, mode: RunMode): string {
  return `run:${stream}:${mode}`;
}

export const VERIFY_DEDUP_ID = 'verify';

/**
 * Deduplication id of an entity's refresh: while one waits, more messages for the entity fold into it
 * (a burst becomes one refresh); while one runs, the latest is kept and queued once it ends.
 */
export function refreshDedupId(entity: string): string {
  return `refresh:${entity}`;
}

/** Redis key (under the prefix) remembering the last backfill planned, for --status and --retry-failed. */
export function lastBackfillKey(prefix: string): string {
  return `${prefix}:backfill:last`;
}

/** How long a job of a killed worker stays claimed before another worker takes it over (BullMQ lockDuration). */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
