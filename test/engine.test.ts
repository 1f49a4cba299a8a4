// The engine on its own: windows, watermarks, resume after failures, aborts, the version guard and
// snapshot streams, against an in-memory reader and sink (end-to-end tests cover the real ones).
import test, { type ExecutionContext } from 'ava';
import { computeWindow, runStream, type EngineOptions } from '../jobs/engine/engine.js';
import type { StreamDef } from '../jobs/engine/streams.js';
import { UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import type { CursorKind } from '../sources/source.js';
import { MemoryReader, MemorySink, type MemoryRow } from './memory-source.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });
const TZ = 'Asia/Shanghai';
/** 12:00:00 in Shanghai on 2024-05-17. */
const NOON = new Date('2024-05-17T04:00:00Z');
const at = (hhmmss: string, day = '2024-05-17') => `${day} ${hhmmss}`;

const def: StreamDef = {
  name: 'categories',
  cursor: 'datetime',
  unit: 'row',
  rowKey: (r) => r.key ?? '',
  transform: (r) => ({ dim_category: [{ category_id: r.key ?? null, category_name: r.payload ?? null }] }),
  targets: ['dim_category'],
  version: 1,
};

function opts(over: Partial<EngineOptions> = {}): EngineOptions {
  return { mode: 'incremental', batchSize: 2, lookbackMs: 15 * 60_000, safetyLagMs: 60_000, sourceTz: TZ, ...over };
}

async function setup(t: ExecutionContext, rows: MemoryRow[], kind: CursorKind = 'datetime') {
  const sink = await MemorySink.open();
  t.teardown(() => sink.close());
  return { reader: new MemoryReader(rows, NOON, { categories: kind }), sink };
}

const watermarkOf = async (sink: MemorySink) => (await sink.state.watermark('categories'))?.cursorValue;

const row = (key: string, cursor: string, payload = `v-${key}`): MemoryRow => ({ key, cursor, payload });

test('A first run reads up to the source clock minus the safety lag, and the watermark stops there', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00')), row('2', at('10:30:00')), row('3', at('11:59:30'))]);
  const s = await runStream(reader, sink, def, opts(), NOON, logger);
  t.deepEqual(reader.windows[0], { from: null, to: at('11:59:00'), toInclusive: false, watermarkAfter: at('11:59:00') });
  t.deepEqual(sink.keys('dim_category'), ['1', '2']);
  t.is(await watermarkOf(sink), at('11:59:00'));
  t.like(s, { status: 'succeeded', rowsRead: 2, rowsUpserted: 2, rowsUnchanged: 0 });
});

test('The next run starts a lookback before the watermark and counts re-read unchanged rows as unchanged', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00')), row('2', at('11:50:00')), row('3', at('11:59:30'))]);
  await runStream(reader, sink, def, opts(), NOON, logger);
  const later = new Date(NOON.getTime() + 10 * 60_000);
  const s = await runStream(reader, sink, def, opts(), later, logger);
  t.is(reader.windows[1]?.from, at('11:44:00'));
  t.is(reader.windows[1]?.to, at('12:09:00'));
  t.like(s, { rowsRead: 2, rowsUpserted: 1, rowsUnchanged: 1 });
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3']);
});

test('Rows sharing one cursor value across many batches all arrive', async (t) => {
  const rows = Array.from({ length: 7 }, (_, i) => row(String(i + 1), at('10:00:00')));
  const { reader, sink } = await setup(t, rows);
  const s = await runStream(reader, sink, def, opts({ batchSize: 2 }), NOON, logger);
  t.is(s.rowsUpserted, 7);
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3', '4', '5', '6', '7']);
});

test('A source failing mid-run leaves the watermark at a committed batch, and the next run loads the rest once', async (t) => {
  const rows = Array.from({ length: 6 }, (_, i) => row(String(i + 1), at(`10:0${i}:00`)));
  const { reader, sink } = await setup(t, rows);
  reader.failAfterBatches = 2;
  await t.throwsAsync(runStream(reader, sink, def, opts(), NOON, logger), { message: 'source failed' });
  const wm = (await watermarkOf(sink))!;
  const loaded = sink.keys('dim_category');
  // Every row at or before the watermark is loaded, none after the last committed batch.
  t.true(loaded.length === 2 || loaded.length === 4);
  t.is(wm, rows[loaded.length - 1]!.cursor);
  t.is((await sink.runs())[0]?.status, 'failed');
  reader.failAfterBatches = null;
  const s = await runStream(reader, sink, def, opts(), NOON, logger);
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3', '4', '5', '6']);
  t.is(s.rowsUpserted, 6 - loaded.length);
  t.is(await watermarkOf(sink), at('11:59:00'));
});

test('A batch whose commit fails moves nothing: the watermark stays at the batch before', async (t) => {
  const rows = Array.from({ length: 6 }, (_, i) => row(String(i + 1), at(`10:0${i}:00`)));
  const { reader, sink } = await setup(t, rows);
  sink.failTransaction = 1;
  await t.throwsAsync(runStream(reader, sink, def, opts(), NOON, logger), { message: 'warehouse failed to commit' });
  t.deepEqual(sink.keys('dim_category'), ['1', '2']);
  t.is(await watermarkOf(sink), at('10:01:00'));
  sink.failTransaction = null;
  await runStream(reader, sink, def, opts(), NOON, logger);
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3', '4', '5', '6']);
});

test('An abort stops after the batch in hand has committed; the run is interrupted and the next resumes', async (t) => {
  const rows = Array.from({ length: 6 }, (_, i) => row(String(i + 1), at(`10:0${i}:00`)));
  const { reader, sink } = await setup(t, rows);
  const stop = new AbortController();
  const s = await runStream(reader, sink, def, opts({ signal: stop.signal, onBatch: () => stop.abort() }), NOON, logger);
  t.is(s.status, 'interrupted');
  t.true(s.rowsRead >= 2 && s.rowsRead < 6);
  const wm = (await watermarkOf(sink))!;
  t.is(wm, rows[sink.keys('dim_category').length - 1]!.cursor);
  const next = await runStream(reader, sink, def, opts(), NOON, logger);
  t.is(next.status, 'succeeded');
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3', '4', '5', '6']);
});

test('A unit already loaded in a newer version is left alone by an older read', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00'), 'old')]);
  await sink.state.putRowStates('categories', [{ key: '1', hash: 'x', version: at('11:00:00') }], '0');
  sink.tables.set('dim_category', new Map([['1', { rows: [{ category_name: 'new' }], runId: '0', version: at('11:00:00') }]]));
  const s = await runStream(reader, sink, def, opts(), NOON, logger);
  t.like(s, { rowsRead: 1, rowsUnchanged: 1, rowsUpserted: 0 });
  t.deepEqual(sink.tables.get('dim_category')?.get('1')?.rows, [{ category_name: 'new' }]);
});

test('A snapshot stream removes units gone from the source and keeps unchanged ones without rewriting them', async (t) => {
  const { reader, sink } = await setup(t, [row('1', ''), row('2', ''), row('3', '')], 'snapshot');
  await runStream(reader, sink, def, opts(), NOON, logger);
  t.deepEqual(sink.keys('dim_category'), ['1', '2', '3']);
  reader.rows = reader.rows.filter((r) => r.key !== '2');
  const s = await runStream(reader, sink, def, opts(), NOON, logger);
  t.like(s, { rowsRead: 2, rowsUpserted: 0, rowsUnchanged: 2 });
  t.deepEqual(sink.keys('dim_category'), ['1', '3']);
  t.deepEqual(await sink.stateKeys(), ['categories/1', 'categories/3']);
  // Kept units keep their fingerprints: a third run still finds them unchanged.
  t.like(await runStream(reader, sink, def, opts(), NOON, logger), { rowsUpserted: 0, rowsUnchanged: 2 });
});

test('A stream read whole has no window, and its watermark is the source clock', async (t) => {
  const { reader, sink } = await setup(t, [row('1', ''), row('2', '')], 'text');
  await runStream(reader, sink, def, opts(), NOON, logger);
  t.deepEqual(reader.windows[0], { from: null, to: null, toInclusive: false, watermarkAfter: null });
  t.is(await watermarkOf(sink), '2024-05-17 04:00:00.000');
});

test('A backfill reads only its window and leaves the watermark alone', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('09:00:00')), row('2', at('10:00:00')), row('3', at('11:00:00'))]);
  const s = await runStream(reader, sink, def, opts({ mode: 'backfill', window: { from: at('09:30:00'), to: at('10:30:00') } }), NOON, logger);
  t.is(s.rowsUpserted, 1);
  t.deepEqual(sink.keys('dim_category'), ['2']);
  t.is(await sink.state.watermark('categories'), null);
});

test('Day cursors re-read the whole last day up to today inclusive', (t) => {
  const w = computeWindow('date', '2024-05-15', NOON, opts({ lookbackMs: 2 * 86_400_000 }));
  t.deepEqual(w, { from: '2024-05-13', to: '2024-05-17', toInclusive: true, watermarkAfter: '2024-05-17' });
});

test('A day watermark read by a source that finds changes by time starts at that day less the lookback', (t) => {
  const w = computeWindow('datetime', '2024-05-15', NOON, opts());
  t.is(w.from, '2024-05-14 23:45:00');
  t.is(w.to, at('11:59:00'));
});

test('A full refresh ignores the watermark; a watermark that is not a time is refused with what to do', (t) => {
  t.is(computeWindow('datetime', at('10:00:00'), NOON, opts({ mode: 'full_refresh' })).from, null);
  t.throws(() => computeWindow('datetime', 'yesterday', NOON, opts()), { instanceOf: UsageError, message: /--full-refresh/ });
});

test('A refresh loads the units it is given under the version guard and leaves the watermark alone', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00')), row('2', at('10:30:00'))]);
  await runStream(reader, sink, def, opts(), NOON, logger);
  const wm = (await watermarkOf(sink))!;
  reader.rows = [row('1', at('11:58:00'), 'changed'), row('2', at('10:30:00'))];
  // A stale copy of 2 (older than what is loaded) is not written over the loaded one.
  const stale = { ...(await reader.lookup('categories', 'key', ['2']))[0]!, version: at('09:00:00'), rows: [{ key: '2', payload: 'stale' }] };
  const units = [...(await reader.lookup('categories', 'key', ['1'])), stale];
  const s = await runStream(reader, sink, def, opts({ mode: 'refresh', units }), NOON, logger);
  t.like(s, { status: 'succeeded', rowsRead: 2, rowsUpserted: 1, rowsUnchanged: 1 });
  t.deepEqual(sink.tables.get('dim_category')?.get('1')?.rows, [{ category_id: '1', category_name: 'changed' }]);
  t.deepEqual(sink.tables.get('dim_category')?.get('2')?.rows, [{ category_id: '2', category_name: 'v-2' }]);
  t.is(await watermarkOf(sink), wm);
  t.deepEqual(reader.windows.length, 1);
});

test('A refresh under a run the caller keeps open writes under that run id and neither starts nor finishes a run', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00')), row('2', at('10:30:00'))]);
  const units = await reader.lookup('categories', 'key', ['1', '2']);
  const s = await runStream(reader, sink, def, opts({ mode: 'refresh', units, runId: '77' }), NOON, logger);
  t.like(s, { runId: '77', status: 'succeeded', rowsRead: 2, rowsUpserted: 2 });
  t.deepEqual(await sink.runs(), [], 'no run record of its own');
  t.is(sink.tables.get('dim_category')?.get('1')?.runId, '77');
  t.is(await sink.state.rowStateRun('categories', '2'), '77');
  // A second refresh in the same run: the counts are its own, the caller adds them up.
  reader.rows = [row('1', at('11:00:00'), 'changed')];
  const again = await runStream(reader, sink, def, opts({ mode: 'refresh', units: await reader.lookup('categories', 'key', ['1']), runId: '77' }), NOON, logger);
  t.like(again, { runId: '77', rowsRead: 1, rowsUpserted: 1 });
  t.deepEqual(await sink.runs(), []);
});

test('A refresh under a caller\'s run that fails records no run and leaves the failure to the caller', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00'))]);
  sink.failTransaction = 0;
  await t.throwsAsync(runStream(reader, sink, def, opts({ mode: 'refresh', units: await reader.lookup('categories', 'key', ['1']), runId: '5' }), NOON, logger), { message: 'warehouse failed to commit' });
  t.deepEqual(await sink.runs(), []);
  t.deepEqual(sink.keys('dim_category'), []);
});

test('Only a refresh may write under a run it did not start', async (t) => {
  const { reader, sink } = await setup(t, [row('1', at('10:00:00'))]);
  await t.throwsAsync(runStream(reader, sink, def, opts({ runId: '5' }), NOON, logger), { instanceOf: UsageError, message: /only a refresh/ });
  t.deepEqual(await sink.runs(), []);
  t.is(await sink.state.watermark('categories'), null);
});
