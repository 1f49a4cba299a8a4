// hub-etl run: load streams inline (no Redis needed), incrementally or as a full refresh, or queue them for the workers (--queue).
import type { Command } from 'commander';
import { parseDuration, type RunSummary } from '../jobs/engine/engine.js';
import { runStreamsExclusive } from '../jobs/lock.js';
import { DEFAULT_RUN } from '../jobs/run.js';
import { STREAM_NAMES } from '../jobs/engine/streams.js';
import { action, wholeNumber } from './action.js';
import { interruptible } from './signals.js';

interface RunFlags { stream?: string[]; fullRefresh?: boolean; batchSize: number; lookback: string; safetyLag: string; json?: boolean; queue?: boolean; lockWait: string }

export function formatSummaries(rs: RunSummary[]): string {
  // Runs through the 1688 API also show the calls they made.
  const api = rs.some((r) => r.api);
  const header = ['stream', 'run', 'status', 'read', 'upserted', 'unchanged', 'rejected', 'seconds', ...(api ? ['api calls', 'retries', 'throttled'] : [])];
  const rows = rs.map((r) => [
    r.stream, `#${r.runId}`, r.status, String(r.rowsRead), String(r.rowsUpserted), String(r.rowsUnchanged), String(r.rowsRejected), (r.ms / 1000).toFixed(1),
    ...(api ? [String(r.api?.calls ?? '—'), String(r.api?.retries ?? '—'), String(r.api?.throttled ?? '—')] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(`load streams into the warehouse now (streams: ${STREAM_NAMES.join(', ')})`)
    .option('-s, --stream <name>', 'stream to run (repeat or comma-separate; default all)', collect)
    .option('--full-refresh', 'rebuild the streams from the start of the source, then remove rows the source no longer has')
    .option('--batch-size <n>', 'units per batch and transaction (an order with its lines is one unit)', wholeNumber(1, 100_000), DEFAULT_RUN.batchSize)
    .option('--lookback <duration>', 're-read this far behind the watermark on every run (e.g. 15m, 2h, 1d)', '15m')
    .option('--safety-lag <duration>', 'stop this far behind the source\'s clock, for replication lag', '60s')
    .option('--json', 'print the run summaries as JSON')
    .option('--queue', 'queue the runs for the workers instead of running them here; prints the job ids')
    .option('--lock-wait <duration>', 'how long to wait for a stream another process is running', '5m')
    .action(action<RunFlags>(async (ctx, opts) => {
      const req = {
        streams: opts.stream ?? [],
        mode: opts.fullRefresh ? 'full_refresh' as const : 'incremental' as const,
        batchSize: opts.batchSize,
        lookbackMs: parseDuration(opts.lookback, '--lookback'),
        safetyLagMs: parseDuration(opts.safetyLag, '--safety-lag'),
      };
      if (opts.queue) {
        const [{ openQueues }, { enqueueRuns }] = await Promise.all([import('../jobs/queue/queues.js'), import('../jobs/queue/enqueue.js')]);
        const queues = await openQueues(ctx);
        try {
          const jobs = await enqueueRuns(queues, { ...req, requestedBy: 'cli' });
          process.stdout.write(opts.json ? `${JSON.stringify(jobs, null, 2)}\n` : `${jobs.map((j) => `${j.stream}\t${j.deduplicated ? 'deduplicated into' : 'queued'}\t${j.jobId}`).join('\n')}\n`);
        } finally {
          await queues.close();
        }
        return 0;
      }
      const waitMs = parseDuration(opts.lockWait, '--lock-wait');
      // SIGINT/SIGTERM: the batch in hand commits (or rolls back), the lease is released at once, exit 130/143.
      return interruptible(ctx.logger, 'stopping after the batch in hand commits', async (signal) => {
        // One run per stream at a time: a stream someone else is running is waited for (lease in the warehouse).
        const results = await runStreamsExclusive(ctx, { ...req, signal }, { waitMs, signal });
        process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatSummaries(results)}\n`);
      });
    }));
}
