// The state store is one piece of code for every warehouse: the same calls through a SQL warehouse's sink
// (SQLite, MariaDB, PostgreSQL) and through the CSV sink's state file give the same answers. Watermarks,
// fingerprints, rejects and the run log; state written in a failed transaction is undone with its rows.
import type { ExecutionContext } from 'ava';
import { openDb } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { CsvSink } from '../sinks/csv.js';
import { finishRun, startRun, type RunRecord, type Sink } from '../sinks/sink.js';
import { SqlSink } from '../sinks/sql.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { freshWarehouseUrl, target, tempDir, testWith, WAREHOUSES, type Warehouse } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

type Kind = Warehouse | 'CSV';

async function openSink(t: ExecutionContext, kind: Kind): Promise<Sink | null> {
  if (kind === 'CSV') {
    const sink = await CsvSink.open(tempDir(t));
    t.teardown(() => sink.close());
    return sink;
  }
  const url = await freshWarehouseUrl(t, kind, 'state');
  if (!url) return null;
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await migrate(db, logger);
  return new SqlSink(db);
}

const BIG = '240517803316129437';
const start = { stream: 'orders', mode: 'incremental', windowStart: '2024-05-17 00:00:00', windowEnd: '2024-05-18 00:00:00' } as const;
const end = (runId: string, over: Partial<RunRecord> = {}): RunRecord => ({
  runId, ...start, status: 'succeeded', startedAt: '', finishedAt: null, rowsRead: 3, rowsUpserted: 2, rowsUnchanged: 0, rowsRejected: 1, error: null,
  api: { calls: 4, retries: 1, throttled: 0 }, ...over,
});

/** Everything a run leaves in the state, as the engine, status and the dashboard read it. */
async function oneRun(sink: Sink) {
  const run = await startRun(sink, start);
  await sink.transaction(async (tx) => {
    await tx.state.putRowStates('orders', [{ key: BIG, hash: 'h1', version: '2024-05-17 09:30:15' }, { key: '1002', hash: 'h2', version: '2024-05-17 09:30:16' }], run);
    await tx.state.putRejects('orders', [{ sourceKey: '1003', field: 'order_datas.baseInfo.totalAmount', reason: 'not a decimal: "1,5"', sample: '{"totalAmount":"1,5"}' }], run);
    await tx.state.setWatermark({ stream: 'orders', cursorValue: '2024-05-17 09:30:16', cursorAt: '2024-05-17 01:30:16.000', runId: run, streamVersion: 2, sourceClockAt: '2024-05-17 01:31:00.000' });
  });
  // A failed batch: none of its state stays.
  await t_throws(sink.transaction(async (tx) => {
    await tx.state.putRowStates('orders', [{ key: '1004', hash: 'h4', version: '2024-05-17 10:00:00' }], run);
    await tx.state.resolveRejects('orders', ['1003'], run);
    await tx.state.setWatermark({ stream: 'orders', cursorValue: '2024-05-17 10:00:00', cursorAt: null, runId: run, streamVersion: 2, sourceClockAt: null });
    throw new Error('the batch failed');
  }));
  // The same reject again, and a row state rewritten by the same run.
  await sink.transaction(async (tx) => {
    await tx.state.putRejects('orders', [{ sourceKey: '1003', field: 'order_datas.baseInfo.totalAmount', reason: 'not a decimal: "1,5"', sample: null }], run);
    await tx.state.putRowStates('orders', [{ key: '1002', hash: 'h2b', version: '2024-05-17 09:40:00' }], run);
  });
  await finishRun(sink, end(run));
  return run;
}

async function t_throws(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error('the transaction should have failed');
}

for (const kind of [...WAREHOUSES, 'CSV'] as Kind[]) {
  const register = kind === 'CSV' ? testWith() : testWith(kind);

  register(`${kind}: watermark, fingerprints, rejects and the run's record read back the same on every warehouse`, async (t) => {
    const sink = await openSink(t, kind);
    if (!sink) return;
    const run = await oneRun(sink);
    const wm = await sink.state.watermark('orders');
    t.like(wm, { stream: 'orders', cursorValue: '2024-05-17 09:30:16', cursorAt: '2024-05-17 01:30:16.000', runId: run, streamVersion: 2, sourceClockAt: '2024-05-17 01:31:00.000' });
    t.deepEqual([...(await sink.state.watermarks()).keys()], ['orders']);
    t.is(await sink.state.watermark('refunds'), null);
    const states = await sink.state.rowStates('orders', [BIG, '1002', '1004']);
    t.deepEqual(Object.fromEntries(states), { [BIG]: { hash: 'h1', version: '2024-05-17 09:30:15' }, 1002: { hash: 'h2b', version: '2024-05-17 09:40:00' } });
    t.is(await sink.state.rowStateCount('orders'), 2);
    t.is(await sink.state.rowStateRun('orders', BIG), run);
    t.deepEqual([...(await sink.state.openRejectKeys('orders'))], ['1003']);
    t.deepEqual(Object.fromEntries(await sink.state.openRejectCounts()), { orders: 1 });
    t.like((await sink.state.openRejectSamples('orders', 3))[0], { sourceKey: '1003', field: 'order_datas.baseInfo.totalAmount', reason: 'not a decimal: "1,5"' });
    const last = await sink.state.runs.last('orders');
    t.like(last, { runId: run, mode: 'incremental', status: 'succeeded', windowStart: '2024-05-17 00:00:00', rowsRead: 3, rowsUpserted: 2, rowsRejected: 1, error: null, api: { calls: 4, retries: 1, throttled: 0 } });
    t.truthy(last?.finishedAt);
    t.deepEqual((await sink.state.runs.recent('orders', 5)).map((r) => r.runId), [run]);
  });

  register(`${kind}: a sweep keeps the run's fingerprints and the kept units', and a resolved reject is no longer open`, async (t) => {
    const sink = await openSink(t, kind);
    if (!sink) return;
    const first = await oneRun(sink);
    // A snapshot's sweep (an incremental run over a source read whole): the CSV sink's full refresh drops
    // every fingerprint it did not write, kept units included, as its files are complete snapshots.
    const second = await startRun(sink, { ...start, windowStart: null, windowEnd: null });
    await sink.transaction(async (tx) => {
      await tx.state.putRowStates('orders', [{ key: '2001', hash: 'h', version: 'v' }], second);
      await tx.state.resolveRejects('orders', ['1003'], second);
      await tx.sweep('orders', [], () => 'order_id', second, ['1002']);
    });
    await finishRun(sink, end(second));
    t.deepEqual([...(await sink.state.rowStates('orders', [BIG, '1002', '2001'])).keys()].sort(), ['1002', '2001']);
    t.is(await sink.state.rowStateRun('orders', '1002'), first);
    t.is((await sink.state.openRejectKeys('orders')).size, 0);
    t.deepEqual(Object.fromEntries(await sink.state.openRejectCounts()), {});
    t.deepEqual((await sink.state.runs.recent(null, 5)).map((r) => [r.runId, r.mode]), [[first, 'incremental'], [second, 'incremental']]);
  });

  register(`${kind}: the installation's secret is made once and read back the same`, async (t) => {
    const sink = await openSink(t, kind);
    if (!sink) return;
    const key = await sink.state.installationSecret('pii_key');
    t.regex(key, /^[0-9a-f]{64}$/);
    t.is(await sink.state.installationSecret('pii_key'), key);
    t.not(await sink.state.installationSecret('other'), key);
  });
}
