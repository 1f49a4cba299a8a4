// A backfill on the queues: one BullMQ flow (a parent job with one child per chunk), remembered in
// Redis as "the last backfill" for --status and --retry-failed, watched by polling so that a Redis
// restart only pauses the watch. Adding the same backfill again is idempotent: chunks keep their ids.
import type { Job } from 'bullmq';
import { describe } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { addUp } from './backfill-job.js';
import { chunkJobId, planBackfill, type BackfillPlan, type BackfillSpec } from './backfill-plan.js';
import { JOB, lastBackfillKey, QUEUE } from './names.js';
import type { BackfillPayload, ChunkPayload } from './payloads.js';
import { BACKFILL_JOB, CHUNK_JOB, type Queues } from './queues.js';

export interface ChunkFailure { jobId: string; stream: string; from: string; to: string; error: string; attempts: number }

export interface BackfillProgress {
  id: string;
  total: number;
  done: number;
  /** Chunks that failed for good (all attempts spent, or a fatal error). */
  failed: ChunkFailure[];
  rowsRead: number;
  rowsUpserted: number;
  /** The parent job is gone from Redis (removed, or Redis lost its data). */
  missing: boolean;
  /** Every chunk has completed. */
  complete: boolean;
  /** Nothing is left to run: complete, or every chunk not done has failed. */
  settled: boolean;
}

/** Adds the backfill's flow unless it is already there; re-queues its failed chunks when it is. */
export async function submitBackfill(queues: Queues, plan: BackfillPlan, logger: Logger): Promise<{ created: boolean; retried: number }> {
  await queues.redis.set(lastBackfillKey(queues.prefix), JSON.stringify({ id: plan.id, spec: plan.spec, total: plan.chunks.length, submittedAt: new Date().toISOString() }));
  const parent = await queues.backfills.getJob(plan.id);
  if (parent) {
    const retried = await retryFailedChunks(queues, plan, logger);
    return { created: false, retried };
  }
  const data: BackfillPayload = { backfill: plan.id, streams: plan.spec.streams, from: plan.spec.from, to: plan.spec.to, chunk: plan.spec.chunk, total: plan.chunks.length };
  await queues.flow.add({
    name: JOB.backfill,
    queueName: QUEUE.backfills,
    data,
    opts: { ...BACKFILL_JOB, jobId: plan.id },
    children: plan.chunks.map((c) => {
      const chunk: ChunkPayload = { backfill: plan.id, stream: c.stream, index: c.index, from: c.from, to: c.to, batchSize: plan.spec.batchSize };
      return { name: JOB.chunk, queueName: QUEUE.chunks, data: chunk, opts: { ...CHUNK_JOB, jobId: chunkJobId(plan.id, c) } };
    }),
  });
  logger.info('backfill queued', { backfill: plan.id, chunks: plan.chunks.length, from: plan.spec.from, to: plan.spec.to, streams: plan.spec.streams.join(',') });
  return { created: true, retried: 0 };
}

/** The last backfill submitted on these queues, planned again from its remembered request. */
export async function lastBackfill(queues: Queues): Promise<BackfillPlan | null> {
  const raw = await queues.redis.get(lastBackfillKey(queues.prefix));
  if (!raw) return null;
  const { spec } = JSON.parse(raw) as { spec: BackfillSpec };
  return planBackfill({ streams: spec.streams, from: spec.from, to: spec.to, chunk: spec.chunk, batchSize: spec.batchSize });
}

/** Ids of this backfill's chunks in the failed set. */
async function failedChunkIds(queues: Queues, plan: BackfillPlan): Promise<string[]> {
  const ids = await queues.redis.zrange(queues.chunks.keys.failed!, 0, -1);
  return ids.filter((id) => id.startsWith(`${plan.id}-`));
}

/** Moves the backfill's failed chunks back to the queue with fresh attempts; returns how many. */
export async function retryFailedChunks(queues: Queues, plan: BackfillPlan, logger: Logger): Promise<number> {
  let n = 0;
  for (const id of await failedChunkIds(queues, plan)) {
    const job = await queues.chunks.getJob(id);
    if (!job) continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    n++;
  }
  if (n > 0) logger.info('failed chunks queued again', { backfill: plan.id, chunks: n });
  return n;
}

export async function backfillProgress(queues: Queues, plan: BackfillPlan): Promise<BackfillProgress> {
  const total = plan.chunks.length;
  const parent = await queues.backfills.getJob(plan.id);
  const base = { id: plan.id, total, rowsRead: 0, rowsUpserted: 0 };
  if (!parent) return { ...base, done: 0, failed: [], missing: true, complete: false, settled: false };
  const values = Object.values(await parent.getChildrenValues());
  const totals = addUp(plan.id, values);
  const done = Math.min(total, values.length);
  const failedIds = await failedChunkIds(queues, plan);
  const failed: ChunkFailure[] = [];
  for (const id of failedIds) {
    const job: Job | undefined = await queues.chunks.getJob(id);
    const d = (job?.data ?? {}) as Partial<ChunkPayload>;
    failed.push({ jobId: id, stream: d.stream ?? '?', from: d.from ?? '?', to: d.to ?? '?', error: job?.failedReason ?? 'unknown', attempts: job?.attemptsMade ?? 0 });
  }
  const complete = done >= total || (await parent.isCompleted());
  return { ...base, rowsRead: totals.rowsRead, rowsUpserted: totals.rowsUpserted, done, failed, missing: false, complete, settled: complete || done + failed.length >= total };
}

export interface WatchOptions {
  pollMs?: number;
  onProgress?: (p: BackfillProgress) => void;
  logger: Logger;
  /** Stop watching (the backfill goes on). */
  signal?: AbortSignal;
}

/**
 * Polls until the backfill settles. If its flow vanished (Redis restarted without persistence) the
 * backfill is submitted again: chunks are idempotent, so re-running the lost ones is safe.
 */
export async function watchBackfill(queues: Queues, plan: BackfillPlan, opts: WatchOptions): Promise<BackfillProgress> {
  const pollMs = opts.pollMs ?? 500;
  let warnedIdle = false;
  let lastDone = -1;
  let lastChange = Date.now();
  for (;;) {
    let p: BackfillProgress;
    try {
      p = await backfillProgress(queues, plan);
    } catch (err) {
      opts.logger.warn('cannot read backfill progress; retrying', { backfill: plan.id, error: describe(err) });
      await new Promise((r) => setTimeout(r, pollMs * 4));
      continue;
    }
    if (p.missing) {
      opts.logger.warn('backfill no longer in Redis (restarted without persistence?); submitting it again', { backfill: plan.id });
      await submitBackfill(queues, plan, opts.logger);
      continue;
    }
    opts.onProgress?.(p);
    if (p.settled || opts.signal?.aborted) return p;
    if (p.done !== lastDone) {
      lastDone = p.done;
      lastChange = Date.now();
    } else if (!warnedIdle && Date.now() - lastChange > 15_000) {
      warnedIdle = true;
      const workers = await queues.chunks.getWorkersCount().catch(() => -1);
      if (workers === 0) opts.logger.warn('no worker is taking chunks: start one with "hub-etl worker"', { backfill: plan.id, prefix: queues.prefix });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
