// Worker wiring: one BullMQ Worker per queue, each job name mapped to its processor, one log line
// per job start, success and failure, failures turned into retry-or-fail, graceful shutdown.
import os from 'node:os';
import { MetricsTime, Worker, type Job } from 'bullmq';
import type { Context } from '../context.js';
import { describe, HubError, UsageError } from '../../lib/errors.js';
import type { LeaseOptions } from '../lock.js';
import { migrate, requireMigrated } from '../../sql/warehouse/migrate.js';

export { WarehouseBehindError } from '../../sql/warehouse/migrate.js';
import { processBackfill } from './backfill-job.js';
import { processChunk } from './chunk-job.js';
import { classifyFailure } from './failure.js';
import { JOB, QUEUE } from './names.js';
import { PayloadError } from './payloads.js';
import type { JobHelpers, Processor } from './processor.js';
import { openQueues, type Queues } from './queues.js';
import { processRefresh } from './refresh-job.js';
import { createRefreshSession } from './refresh-session.js';
import { processRun } from './run-job.js';
import { processTick } from './tick-job.js';
import { processVerify } from './verify-job.js';

const PROCESSORS: Record<string, Record<string, Processor>> = {
  [QUEUE.runs]: { [JOB.run]: processRun, [JOB.verify]: processVerify, [JOB.tick]: processTick },
  [QUEUE.chunks]: { [JOB.chunk]: processChunk },
  [QUEUE.backfills]: { [JOB.backfill]: processBackfill },
  [QUEUE.refreshes]: { [JOB.refresh]: processRefresh },
};

export interface WorkerOptions {
  /** Jobs processed at once per queue (runs and chunks each); backfill parents take one slot. */
  concurrency: number;
  /**
   * BullMQ's job lock, in ms: a worker that dies (SIGKILL, lost machine) holds its job until the lock
   * runs out; another worker's stalled-job check then puts it back in the queue.
   */
  lockDurationMs?: number;
  /** Stream lease settings for runs. */
  lease?: LeaseOptions;
  /**
   * Migrate the warehouse at start (`worker --migrate`). Without it a worker refuses a warehouse older
   * than its code: upgrading a shared warehouse is a deploy step, not something the first worker to
   * restart does on its own.
   */
  migrate?: boolean;
  /** How long one rolling refresh run (etl_run, mode refresh) collects message refreshes; default 5 min. */
  refreshRollMs?: number;
}

export interface WorkerHandle {
  queues: Queues;
  /** Stops taking jobs, lets runs stop after their batch in hand and chunks finish, then closes the queues. */
  close(): Promise<void>;
}

import { DEFAULT_LOCK_DURATION_MS } from './names.js';

export { DEFAULT_LOCK_DURATION_MS };

/** What a log line says about a job's data. */
function jobFields(job: Job): Record<string, unknown> {
  const d = (job.data ?? {}) as Record<string, unknown>;
  const f: Record<string, unknown> = {};
  for (const k of ['stream', 'mode', 'from', 'to', 'schedule', 'backfill', 'requestedBy', 'scope', 'id']) if (typeof d[k] === 'string') f[k] = d[k];
  return f;
}

function isHandBack(err: unknown): boolean {
  const name = err instanceof Error ? err.name : '';
  return name === 'DelayedError' || name === 'WaitingError';
}

async function prepareWarehouse(ctx: Context, migrateIt: boolean): Promise<void> {
  if (!migrateIt) {
    await requireMigrated(await ctx.warehouse(), 'Run "hub-etl migrate" once (or start one worker with --migrate), then start the workers again');
    return;
  }
  // Several workers starting at once on a fresh warehouse race to record the migration; the loser
  // finds it recorded on its second try.
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(await ctx.warehouse(), ctx.logger);
      return;
    } catch (err) {
      if (attempt >= 3 || err instanceof UsageError) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

export async function startWorker(ctx: Context, opts: WorkerOptions): Promise<WorkerHandle> {
  await prepareWarehouse(ctx, opts.migrate ?? false);
  const queues = await openQueues(ctx);
  const shutdown = new AbortController();
  const lockDuration = opts.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const name = `${os.hostname()}:${process.pid}`;
  const refreshSession = createRefreshSession(ctx, opts.refreshRollMs !== undefined ? { rollMs: opts.refreshRollMs } : {});

  const workers = Object.entries(PROCESSORS).map(([queueName, table]) => {
    const processor = async (job: Job, token?: string) => {
      const attempt = job.attemptsMade + 1;
      const max = Math.max(1, job.opts.attempts ?? 1);
      const fields = { queue: queueName, job: job.id, name: job.name, attempt: `${attempt} of ${max}`, ...jobFields(job) };
      const started = Date.now();
      // Message refreshes come by the dozen a second: their start and success are detail (--verbose); failures are not.
      const detail = queueName === QUEUE.refreshes;
      const note = (message: string, f: Record<string, unknown>) => {
        if (!detail) ctx.logger.info(message, f);
        else if (ctx.logger.isLevelEnabled('debug')) ctx.logger.debug(message, f);
      };
      note('job started', fields);
      const helpers: JobHelpers = { ctx, queues, token, shutdown: shutdown.signal, lease: opts.lease ?? {}, refreshSession };
      try {
        const run = table[job.name];
        if (!run) throw new PayloadError(`${queueName} job: unknown job name ${JSON.stringify(job.name)}`);
        const result = await run(job, helpers);
        note('job succeeded', { ...fields, ms: Date.now() - started, result });
        return result;
      } catch (err) {
        if (isHandBack(err)) {
          ctx.logger.info('job handed back to the queue', { ...fields, ms: Date.now() - started, why: shutdown.signal.aborted ? 'worker shutting down' : 'stream busy' });
          throw err;
        }
        const failure = classifyFailure(err);
        const retry = failure.retriable && attempt < max;
        ctx.logger[retry ? 'warn' : 'error']('job failed', { ...fields, ms: Date.now() - started, error: describe(err), will_retry: retry });
        throw failure.error;
      }
    };
    const w = new Worker(queueName, processor, {
      connection: queues.redis,
      prefix: queues.prefix,
      name,
      concurrency: queueName === QUEUE.backfills ? 1 : opts.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      // A job may stall twice (its worker killed twice) before it fails; chunks and runs are safe to repeat.
      maxStalledCount: 2,
      // Completed and failed totals per queue, kept in Redis: the dashboard's bullmq_job_*_total counters.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    });
    let lastError = 0;
    w.on('error', (err) => {
      // Redis outages make every connection complain; one line every 10 s per queue is enough.
      if (Date.now() - lastError < 10_000) return;
      lastError = Date.now();
      ctx.logger.warn('worker error (Redis unreachable?); retrying', { queue: queueName, error: describe(err) });
    });
    w.on('stalled', (jobId) => ctx.logger.warn('job stalled (its worker died or froze); back in the queue', { queue: queueName, job: jobId }));
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  ctx.logger.info('worker ready', { prefix: queues.prefix, concurrency: opts.concurrency, lock_ms: lockDuration, queues: Object.keys(PROCESSORS).join(',') });

  let closing: Promise<void> | undefined;
  return {
    queues,
    close() {
      closing ??= (async () => {
        // Stop fetching first, then tell runs to stop after their batch; close waits for jobs in hand.
        const closed = Promise.all(workers.map((w) => w.close()));
        shutdown.abort();
        await closed;
        // No refresh runs any more: the rolling refresh runs can be finished with their counts.
        await refreshSession.close().catch((err: unknown) => ctx.logger.warn('could not finish the refresh runs', { error: describe(err) }));
        await queues.close();
      })();
      return closing;
    },
  };
}
