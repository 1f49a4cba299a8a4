// hub-etl worker: process stream runs, backfill chunks and schedule ticks from the queues until
// SIGTERM/SIGINT, then finish the batch in hand (a chunk finishes its window), commit and exit 0.
import type { Command } from 'commander';
import { parseDuration } from '../jobs/engine/engine.js';
import { DEFAULT_LEASE_MS } from '../jobs/lock.js';
import { DEFAULT_LOCK_DURATION_MS } from '../jobs/queue/names.js';
import { UsageError } from '../lib/errors.js';
import { action, wholeNumber } from './action.js';

interface WorkerFlags { concurrency: number; lockDuration: string; lease: string; refreshRoll: string; migrate?: boolean }

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('process queued stream runs, backfill chunks and scheduled jobs; SIGTERM stops it after the batch in hand')
    .option('-c, --concurrency <n>', 'jobs at once per queue (runs, chunks); runs of one stream never overlap whatever the number', wholeNumber(1, 64), 2)
    .option('--lock-duration <duration>', 'how long a job of a killed worker stays claimed before another worker takes it over', `${DEFAULT_LOCK_DURATION_MS / 1000}s`)
    .option('--lease <duration>', 'stream lease length: how long a stream stays blocked after its runner died', `${DEFAULT_LEASE_MS / 1000}s`)
    .option('--refresh-roll <duration>', 'message refreshes are recorded in etl_run as one run per stream per this long (mode refresh)', '5m')
    .option('--migrate', 'migrate the warehouse at start; without it a warehouse older than this hub-etl is refused (run "hub-etl migrate")')
    .action(action<WorkerFlags>(async (ctx, opts) => {
      const lockDurationMs = parseDuration(opts.lockDuration, '--lock-duration');
      const leaseMs = parseDuration(opts.lease, '--lease');
      if (lockDurationMs < 1_000) throw new UsageError(`--lock-duration: "${opts.lockDuration}" is shorter than a second`);
      if (leaseMs < 1_000) throw new UsageError(`--lease: "${opts.lease}" is shorter than a second`);
      const refreshRollMs = parseDuration(opts.refreshRoll, '--refresh-roll');
      if (refreshRollMs < 1_000 || refreshRollMs > 30 * 60_000) throw new UsageError(`--refresh-roll: "${opts.refreshRoll}" is not between 1s and 30m`);
      const { startWorker } = await import('../jobs/queue/worker.js');
      const worker = await startWorker(ctx, { concurrency: opts.concurrency, lockDurationMs, lease: { leaseMs }, migrate: opts.migrate ?? false, refreshRollMs });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      ctx.logger.info('stopping: no new jobs; finishing the jobs in hand', { signal });
      // A second signal means "now": the jobs in hand are picked up again by another worker.
      const force = () => {
        ctx.logger.warn('second signal: exiting without waiting');
        process.exit(130);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      await worker.close();
      ctx.logger.info('worker stopped');
      return 0;
    }));
}
