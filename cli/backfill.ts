// hub-etl backfill: queue a backfill as chunk jobs for the workers and show its progress until it
// is done (or return at once with --detach); --status and --retry-failed act on the last backfill.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { BackfillProgress } from '../jobs/queue/backfill.js';
import { planBackfill, type BackfillPlan } from '../jobs/queue/backfill-plan.js';
import type { Queues } from '../jobs/queue/queues.js';
import { DEFAULT_RUN } from '../jobs/run.js';
import { STREAM_NAMES, STREAMS } from '../jobs/engine/streams.js';
import type { Context } from '../jobs/context.js';
import { UsageError } from '../lib/errors.js';
import { action, wholeNumber } from './action.js';

interface BackfillFlags {
  stream?: string[];
  all?: boolean;
  from?: string;
  to?: string;
  chunk: string;
  batchSize: number;
  detach?: boolean;
  status?: boolean;
  retryFailed?: boolean;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function describePlan(plan: BackfillPlan): string {
  const s = plan.spec;
  return `backfill ${plan.id}: ${plan.chunks.length} chunks of ${s.chunk}, [${s.from}, ${s.to}) source time, streams ${s.streams.join(', ')}`;
}

function describeProgress(p: BackfillProgress): string {
  const pct = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
  const lines = [`backfill ${p.id}: ${p.done}/${p.total} chunks done (${pct}%), ${p.failed.length} failed, ${p.rowsRead} rows read, ${p.rowsUpserted} upserted${p.missing ? ' — no longer in Redis' : ''}`];
  for (const f of p.failed.slice(0, 20)) lines.push(`  failed ${f.jobId} ${f.stream} [${f.from}, ${f.to}) after ${f.attempts} attempt(s): ${f.error}`);
  if (p.failed.length > 20) lines.push(`  … and ${p.failed.length - 20} more`);
  return lines.join('\n');
}

/** What --json prints about a plan: its id, request and chunk count (the chunks themselves are many). */
const planJson = (plan: BackfillPlan) => ({ id: plan.id, spec: plan.spec, chunks: plan.chunks.length });

/** Watches with a live bar on stderr (chunks done/total, rows, rate, ETA); returns the exit code and the final progress. */
async function watch(ctx: Context, queues: Queues, plan: BackfillPlan, json: boolean): Promise<{ code: number; progress: BackfillProgress }> {
  const bar = new cliProgress.SingleBar({
    format: 'backfill [{bar}] {percentage}% | {value}/{total} chunks | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    stream: process.stderr,
    // Without a terminal (CI, logs) print a line every few seconds instead of redrawing.
    noTTYOutput: true,
    notTTYSchedule: 2_000,
    etaBuffer: 20,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let rowsAtStart: number | undefined;
  bar.start(plan.chunks.length, 0, { rows: 0, rate: 0 });
  const { watchBackfill } = await import('../jobs/queue/backfill.js');
  const p = await watchBackfill(queues, plan, {
    logger: ctx.logger,
    onProgress: (x) => {
      rowsAtStart ??= x.rowsRead;
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(x.done, { rows: x.rowsRead, rate: Math.round((x.rowsRead - rowsAtStart) / seconds) });
    },
  });
  bar.stop();
  if (!json) process.stdout.write(`${describeProgress(p)}\n`);
  if (p.complete) return { code: 0, progress: p };
  if (!json) process.stdout.write(`some chunks failed: fix the cause, then run "hub-etl backfill --retry-failed"\n`);
  return { code: 1, progress: p };
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('reload a window of the source as chunk jobs shared by the workers, without moving the incremental watermark')
    .option('-s, --stream <name>', `stream to backfill (repeat or comma-separate; ${STREAM_NAMES.join(', ')})`, collect)
    .option('--all', 'backfill every stream')
    .option('--from <date>', 'start of the window, inclusive: YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS" in the source time zone')
    .option('--to <date>', 'end of the window, exclusive')
    .option('--chunk <duration>', 'length of one chunk (e.g. 6h, 1d); DATE-cursor streams use whole days', '1d')
    .option('--batch-size <n>', 'units per batch and transaction within a chunk', wholeNumber(1, 100_000), DEFAULT_RUN.batchSize)
    .option('--detach', 'queue the backfill and return at once')
    .option('--status', 'show the progress of the last backfill')
    .option('--retry-failed', 'queue the failed chunks of the last backfill again')
    .option('--json', 'print as JSON: the backfill submitted (with --detach) or its final progress; with --status its progress')
    .action(action<BackfillFlags>(async (ctx, opts) => {
      const acting = opts.status || opts.retryFailed;
      if (opts.status && opts.retryFailed) throw new UsageError('--status: give either --status or --retry-failed');
      if (acting && (opts.stream || opts.all || opts.from || opts.to)) {
        throw new UsageError(`${opts.status ? '--status' : '--retry-failed'}: acts on the last backfill; drop --stream, --all, --from and --to`);
      }
      let plan: BackfillPlan | undefined;
      if (!acting) {
        if (!opts.from) throw new UsageError('--from: the start of the window is required');
        if (!opts.to) throw new UsageError('--to: the end of the window is required');
        // Checked before Redis is touched: a bad request queues nothing.
        const withoutApi = ctx.config.api === null;
        plan = planBackfill({ streams: opts.stream ?? [], all: opts.all ?? false, from: opts.from, to: opts.to, chunk: opts.chunk, batchSize: opts.batchSize, withoutApi });
        const left = STREAMS.filter((d) => d.apiOnly && opts.all && withoutApi).map((d) => d.name);
        if (left.length > 0) ctx.logger.info(`no API configured: ${left.join(', ')} not backfilled; set HUB_API_URL`);
      }
      const { openQueues } = await import('../jobs/queue/queues.js');
      const { lastBackfill, retryFailedChunks, submitBackfill, backfillProgress } = await import('../jobs/queue/backfill.js');
      const queues = await openQueues(ctx);
      let submitted: Record<string, unknown> = {};
      try {
        if (!plan) {
          const last = await lastBackfill(queues);
          if (!last) throw new UsageError(`${opts.status ? '--status' : '--retry-failed'}: no backfill has been queued under prefix ${queues.prefix}`);
          plan = last;
          if (opts.status) {
            const p = await backfillProgress(queues, plan);
            process.stdout.write(opts.json ? `${JSON.stringify({ ...p, spec: plan.spec }, null, 2)}\n` : `${describePlan(plan)}\n${describeProgress(p)}\n`);
            return 0;
          }
          const n = await retryFailedChunks(queues, plan, ctx.logger);
          submitted = { backfill: planJson(plan), requeued: n };
          if (!opts.json) process.stdout.write(`${describePlan(plan)}\nqueued ${n} failed chunk${n === 1 ? '' : 's'} again\n`);
        } else {
          const r = await submitBackfill(queues, plan, ctx.logger);
          submitted = { backfill: planJson(plan), created: r.created, requeued: r.retried };
          const already = r.created ? '' : `; already queued before${r.retried ? `, ${r.retried} failed chunks queued again` : ''} (chunks done are skipped)`;
          if (!opts.json) process.stdout.write(`${describePlan(plan)}${already}\n`);
        }
        if (opts.detach) {
          if (opts.json) process.stdout.write(`${JSON.stringify(submitted, null, 2)}\n`);
          return 0;
        }
        const { code, progress } = await watch(ctx, queues, plan, opts.json ?? false);
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...submitted, progress }, null, 2)}\n`);
        return code;
      } finally {
        await queues.close();
      }
    }));
}
