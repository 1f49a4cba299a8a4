// A worker's rolling refresh runs on their own, against the in-memory sink: one etl_run row per stream for
// the roll period, counts summed, finished on time, on close, and only once no refresh writes under it;
// and the rows of workers that died, marked abandoned in a real warehouse.
import os from 'node:os';
import test, { type ExecutionContext } from 'ava';
import type { RunSummary } from '../jobs/engine/engine.js';
import { createRefreshSession } from '../jobs/queue/refresh-session.js';
import { RollingRuns } from '../jobs/rolling-runs.js';
import { loadConfig } from '../lib/config.js';
import { createContext } from '../jobs/context.js';
import { createLogger } from '../lib/logger.js';
import type { RunRecord } from '../sinks/sink.js';
import { tempSqliteUrl } from './helpers.js';
import { migratedWarehouse, waitFor } from './queue-helpers.js';
import { MemorySink } from './memory-source.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

const done = (runId: string, stream: string, read: number, upserted = read): RunSummary => ({
  runId, stream, mode: 'refresh', status: 'succeeded', windowStart: null, windowEnd: null, ms: 1,
  rowsRead: read, rowsUpserted: upserted, rowsUnchanged: read - upserted, rowsRejected: 0,
});

const runOf = async (sink: MemorySink, runId: string) => (await sink.runs()).find((r) => r.runId === runId)!;

async function memorySink(t: ExecutionContext): Promise<MemorySink> {
  const sink = await MemorySink.open();
  t.teardown(() => sink.close());
  return sink;
}

test('refreshes of a stream within the roll period share one run, which sums their counts and is finished on close', async (t) => {
  const sink = await memorySink(t);
  const runs = new RollingRuns(sink, logger, 60_000);
  const a = await runs.begin('orders');
  const b = await runs.begin('orders');
  const c = await runs.begin('order_lines');
  t.is(a.runId, b.runId);
  t.not(a.runId, c.runId);
  t.deepEqual((await sink.runs()).map((r) => [r.stream, r.mode, r.status]), [['orders', 'refresh', 'running'], ['order_lines', 'refresh', 'running']]);
  a.end(done(a.runId, 'orders', 1));
  b.end(done(b.runId, 'orders', 1, 0));
  c.end(done(c.runId, 'order_lines', 3));
  const later = await runs.begin('orders');
  t.is(later.runId, a.runId, 'still the same run');
  later.end(done(later.runId, 'orders', 2));
  t.is((await runOf(sink, a.runId)).status, 'running', 'open until it rolls over or closes');
  await runs.close();
  t.like(await runOf(sink, a.runId), { status: 'succeeded', rowsRead: 4, rowsUpserted: 3, rowsUnchanged: 1, rowsRejected: 0, error: null });
  t.like(await runOf(sink, c.runId), { status: 'succeeded', rowsRead: 3 });
  t.is((await sink.runs()).length, 2, 'two rows for five refreshes');
});

test('a run past its roll period takes no new refresh, and is finished only once its last refresh has ended', async (t) => {
  const sink = await memorySink(t);
  const runs = new RollingRuns(sink, logger, 150);
  t.teardown(() => runs.close());
  const first = await runs.begin('orders');
  await new Promise((r) => setTimeout(r, 250));
  const second = await runs.begin('orders');
  t.not(second.runId, first.runId, 'a new run for the next period');
  t.is((await runOf(sink, first.runId)).status, 'running', 'its refresh is still writing under it');
  first.end(done(first.runId, 'orders', 5));
  await waitFor('the old run finished', async () => (await runOf(sink, first.runId)).status === 'succeeded', 5_000, 10);
  t.is((await runOf(sink, first.runId)).rowsRead, 5);
  second.end(done(second.runId, 'orders', 1));
  await runs.close();
  t.like(await runOf(sink, second.runId), { status: 'succeeded', rowsRead: 1 });
});

test('an idle run is finished on time, without waiting for another refresh', async (t) => {
  const sink = await memorySink(t);
  const runs = new RollingRuns(sink, logger, 100);
  t.teardown(() => runs.close());
  const a = await runs.begin('products');
  a.end(done(a.runId, 'products', 2));
  await waitFor('the idle run finished', async () => (await runOf(sink, a.runId)).status === 'succeeded', 5_000, 10);
  t.is((await runOf(sink, a.runId)).rowsRead, 2);
});

test('failed refreshes are named in the run\'s error; a run whose every refresh failed is failed', async (t) => {
  const sink = await memorySink(t);
  const runs = new RollingRuns(sink, logger, 60_000);
  const x1 = await runs.begin('orders');
  const x2 = await runs.begin('orders');
  x1.end(new Error('lock wait timeout'));
  x2.end(new Error('deadlock found'));
  const y1 = await runs.begin('refunds');
  const y2 = await runs.begin('refunds');
  y1.end(done(y1.runId, 'refunds', 1));
  y2.end(new Error('connection lost'));
  y2.end(new Error('counted once'));
  await runs.close();
  t.like(await runOf(sink, x1.runId), { status: 'failed', rowsRead: 0 });
  t.regex((await runOf(sink, x1.runId)).error!, /^2 of 2 refreshes failed \(their jobs retry them\); the last: .*deadlock found/);
  t.like(await runOf(sink, y1.runId), { status: 'succeeded', rowsRead: 1 });
  t.regex((await runOf(sink, y1.runId)).error!, /^1 of 2 refreshes failed/);
});

test('a run whose finish could not be written is written at the next tick', async (t) => {
  const sink = await memorySink(t);
  // The run log refuses the first finish, as a warehouse that cannot be reached would.
  const log = sink.state.runs;
  const finish = log.finish.bind(log);
  let failures = 1;
  log.finish = async (run: RunRecord) => {
    if (failures-- > 0) throw new Error('warehouse unreachable');
    return finish(run);
  };
  const runs = new RollingRuns(sink, logger, 100);
  t.teardown(() => runs.close());
  const a = await runs.begin('orders');
  a.end(done(a.runId, 'orders', 7));
  await waitFor('the run finished on the second try', async () => (await runOf(sink, a.runId)).status === 'succeeded', 5_000, 10);
  t.is(failures, -1, 'the first finish failed');
  t.is((await runOf(sink, a.runId)).rowsRead, 7);
});

test('after close no refresh can begin', async (t) => {
  const runs = new RollingRuns(await memorySink(t), logger, 1_000);
  await runs.close();
  await t.throwsAsync(runs.begin('orders'), { message: /closed/ });
});

test('a worker starting its refreshes marks dead workers\' rolling runs abandoned: this host\'s by their process, any host\'s once older than a run lives', async (t) => {
  const url = tempSqliteUrl(t, 'wh.db');
  await migratedWarehouse(url);
  const ctx = createContext(loadConfig({ source: tempSqliteUrl(t, 'src.db'), warehouse: url }, {}), logger);
  t.teardown(() => ctx.close());
  const wh = await ctx.warehouse();
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
  const host = os.hostname();
  const rows = [
    { stream: 'orders', mode: 'refresh', host: `${host}:999999999`, started_at: hoursAgo(0) }, // this host, process gone
    { stream: 'orders', mode: 'refresh', host: `${host}:${process.ppid}`, started_at: hoursAgo(0) }, // this host, alive
    { stream: 'orders', mode: 'refresh', host: 'elsewhere:1', started_at: hoursAgo(2) }, // another host, too old to be alive
    { stream: 'orders', mode: 'refresh', host: 'elsewhere:1', started_at: hoursAgo(0) }, // another host, may be alive
    { stream: 'orders', mode: 'incremental', host: `${host}:999999999`, started_at: hoursAgo(2) }, // not a refresh run: the next run's business
  ];
  for (const r of rows) await wh.knex('etl_run').insert({ ...r, status: 'running', rows_read: 0, rows_upserted: 0, rows_unchanged: 0, rows_rejected: 0 });
  const session = createRefreshSession(ctx, { rollMs: 60_000 });
  await session.open();
  await session.close();
  const status = (await wh.knex('etl_run').select('status').orderBy('run_id')).map((r: { status: string }) => r.status);
  t.deepEqual(status, ['abandoned', 'running', 'abandoned', 'running', 'running']);
  t.regex(String((await wh.knex('etl_run').select('error').first()).error), /abandoned: the worker keeping this refresh run stopped/);
});
