// The CSV sink on its own: files appear complete under their final names only when a run commits, a failed
// batch leaves nothing behind, a dead run is discarded and re-read, values survive exactly.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { CsvSink, STATE_DIR, STATE_FILE } from '../sinks/csv.js';
import { startRun, finishRun, type UnitWrite } from '../sinks/sink.js';
import { physicalColumns, tableNamed } from '../sql/warehouse/tables.js';
import { csvObjects, NASTY, readCsv } from './csv-read.js';
import { tempDir } from './helpers.js';

const T = tableNamed('fct_order_line');
const BIG = '240517803316129437';

const line = (sub: string, amount: string, name: string | null = '电动扳手', qty = '1.0000') => ({
  order_id: BIG, sub_item_id: sub, product_id: '601234567890', sku_id: '9007199254740993', spec_id: 'abc', product_cargo_number: null, sku_cargo_number: '',
  product_name: name, sku_attributes: '颜色:红色;规格:20V', quantity: qty, unit: '件', unit_price: '12.3450', line_amount: amount,
  refund_amount: '0.000', line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null, order_date: '2024-05-17',
  gross_amount: amount, discount_amount: '-0.01', logistics_status: 2, created_at: '2024-05-17 01:30:15.123', modified_at: '2024-05-17 01:30:15.123',
});
const unit = (key: string, version: string, rows: ReturnType<typeof line>[]): UnitWrite => ({ key, version, tables: new Map([['fct_order_line', rows]]) });
const wm = (run: string, cursor: string) => ({ stream: 'order_lines', cursorValue: cursor, cursorAt: null, runId: run, streamVersion: 1, sourceClockAt: null });
const finish = (runId: string, status: 'succeeded' | 'failed' = 'succeeded') => ({
  runId, stream: 'order_lines', mode: 'incremental' as const, status, startedAt: '', finishedAt: null, windowStart: null, windowEnd: null,
  rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0, error: null,
});
const start = { stream: 'order_lines', mode: 'incremental' as const, windowStart: null, windowEnd: null };

const finals = (dir: string) => fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const temps = (dir: string) => fs.readdirSync(path.join(dir, STATE_DIR, 'tmp'));

test('a run\'s file appears under its final name only when the run finishes, complete and ending in CRLF', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  await sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit(BIG, '2024-05-17 09:30:15', [line('1', '1.00'), line('2', '2.50')])], [T], run);
    await tx.state.setWatermark(wm(run, '2024-05-17 09:30:15'));
  });
  t.deepEqual(finals(dir), []);
  t.is(temps(dir).length, 1);
  await finishRun(sink, finish(run));
  t.deepEqual(finals(dir), [`fct_order_line.run${run.padStart(8, '0')}.csv`]);
  t.deepEqual(temps(dir), []);
  const f = readCsv(path.join(dir, finals(dir)[0]!));
  t.true(f.endsWithNewline);
  t.false(f.bom);
  t.deepEqual(f.header, physicalColumns(T).map((c) => c.name));
  t.deepEqual(f.rows.map((r) => r[1]), ['1', '2']);
  t.deepEqual((await sink.publishedFiles()), [{ runId: run, table: 'fct_order_line', file: finals(dir)[0]!, rows: 2, status: 'published' }]);
  t.is((await sink.state.watermark('order_lines'))?.cursorValue, '2024-05-17 09:30:15');
});

test('values survive exactly: Chinese, emoji, commas, quotes, line breaks, ids above 2^53, decimals, NULL apart from ""', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  const rows = NASTY.map((name, i) => line(String(2n ** 63n - 1n - BigInt(i)), `${123456789012345 + i}.0${i}`, name, '0.0001'));
  rows.push(line('9007199254740993', '-0.50', null));
  await sink.transaction((tx) => tx.writeUnits('order_lines', [unit(BIG, '2024-05-17 09:30:15', rows)], [T], run));
  await finishRun(sink, finish(run));
  const got = csvObjects(readCsv(path.join(dir, finals(dir)[0]!)));
  t.is(got.length, rows.length);
  rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) t.is(got[i]![k], v === null ? null : String(v), `row ${i} ${k}`);
    t.is(got[i]!._run_id, run);
    t.is(got[i]!._source_version, '2024-05-17 09:30:15');
    t.regex(got[i]!._loaded_at ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  });
});

test('a batch that fails leaves neither its rows nor its watermark; earlier batches stay', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  await sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit('1', '2024-05-17 00:00:00', [line('1', '1.00')])], [T], run);
    await tx.state.putRowStates('order_lines', [{ key: '1', hash: 'h1', version: '2024-05-17 00:00:00' }], run);
    await tx.state.setWatermark(wm(run, '2024-05-17 00:00:00'));
  });
  await t.throwsAsync(sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit('2', '2024-05-18 00:00:00', [line('2', '2.00'), line('3', '3.00')])], [T], run);
    await tx.state.putRowStates('order_lines', [{ key: '2', hash: 'h2', version: '2024-05-18 00:00:00' }], run);
    await tx.state.setWatermark(wm(run, '2024-05-18 00:00:00'));
    throw new Error('crash between writes');
  }), { message: /crash between writes/ });
  t.is((await sink.state.watermark('order_lines'))?.cursorValue, '2024-05-17 00:00:00');
  t.deepEqual([...(await sink.state.rowStates('order_lines', ['1', '2'])).keys()], ['1']);
  await sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit('4', '2024-05-19 00:00:00', [line('4', '4.00')])], [T], run);
  });
  await finishRun(sink, finish(run));
  t.deepEqual(readCsv(path.join(dir, finals(dir)[0]!)).rows.map((r) => r[1]), ['1', '4']);
});

test('a run that dies before finishing publishes nothing, moves no state, and its temporary files go with the next run', async (t) => {
  const dir = tempDir(t);
  const first = await CsvSink.open(dir);
  const run = await startRun(first, start);
  await first.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit('1', '2024-05-17 00:00:00', [line('1', '1.00')])], [T], run);
    await tx.state.putRowStates('order_lines', [{ key: '1', hash: 'h1', version: '2024-05-17 00:00:00' }], run);
    await tx.state.setWatermark(wm(run, '2024-05-17 00:00:00'));
  });
  // What a SIGKILL leaves: the state transaction never committed, a temporary file on disk.
  const leftover = path.join(dir, STATE_DIR, 'tmp', temps(dir)[0]!);
  const copy = fs.readFileSync(leftover);
  await first.close();
  fs.writeFileSync(leftover, copy);
  const second = await CsvSink.open(dir);
  t.teardown(() => second.close());
  t.is(await second.state.watermark('order_lines'), null);
  t.is((await second.state.rowStates('order_lines', ['1'])).size, 0);
  const again = await startRun(second, start);
  t.not(again, run);
  t.deepEqual(temps(dir), []);
  await finishRun(second, finish(again));
  t.deepEqual(finals(dir), []);
});

test('files of a committed run whose renames were cut short are renamed by the next run', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  const run = await startRun(sink, start);
  await sink.transaction((tx) => tx.writeUnits('order_lines', [unit('1', '2024-05-17 00:00:00', [line('1', '1.00')])], [T], run));
  await finishRun(sink, finish(run));
  await sink.close();
  // Put the state back to "committed, not yet renamed", as a crash right after the commit leaves it.
  const [name] = finals(dir);
  fs.renameSync(path.join(dir, name!), path.join(dir, STATE_DIR, 'tmp', `${name}.tmp`));
  const db = new Database(path.join(dir, STATE_DIR, STATE_FILE));
  db.prepare("update csv_file set status = 'pending'").run();
  db.close();
  const next = await CsvSink.open(dir);
  t.teardown(() => next.close());
  const r2 = await startRun(next, start);
  t.deepEqual(finals(dir), [name]);
  t.deepEqual(temps(dir), []);
  await finishRun(next, finish(r2));
  t.is((await next.publishedFiles())[0]?.status, 'published');
  t.is(readCsv(path.join(dir, name!)).rows.length, 1);
});

test('a failed run still publishes the batches it committed, as a SQL warehouse keeps them', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  await sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unit('1', '2024-05-17 00:00:00', [line('1', '1.00')])], [T], run);
    await tx.state.setWatermark(wm(run, '2024-05-17 00:00:00'));
  });
  await finishRun(sink, { ...finish(run, 'failed'), error: 'source went away' });
  t.is(readCsv(path.join(dir, finals(dir)[0]!)).rows.length, 1);
  t.is((await sink.state.watermark('order_lines'))?.cursorValue, '2024-05-17 00:00:00');
});

test('a full refresh writes a .full file for every target table, a header only where it wrote nothing', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const targets = ['fct_order', 'fct_payment_term'].map(tableNamed);
  const run = await startRun(sink, { ...start, stream: 'orders', mode: 'full_refresh' });
  await sink.transaction(async (tx) => {
    await tx.state.putRowStates('orders', [{ key: '1', hash: 'h', version: 'v' }], run);
    await tx.sweep('orders', targets, (x) => x.primaryKey[0]!, run, []);
  });
  await finishRun(sink, { ...finish(run), stream: 'orders', mode: 'full_refresh' });
  const id = run.padStart(8, '0');
  t.deepEqual(finals(dir), [`fct_order.run${id}.full.csv`, `fct_payment_term.run${id}.full.csv`]);
  const f = readCsv(path.join(dir, `fct_order.run${id}.full.csv`));
  t.deepEqual(f.rows, []);
  t.is(f.header[0], 'order_id');
});

test('rejects are recorded, counted again, and resolved; run records keep their counts', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, { ...start, stream: 'orders' });
  const rej = { sourceKey: BIG, field: 'order_datas.baseInfo.totalAmount', reason: 'expected a decimal amount, found "abc"', sample: '{"baseInfo":…' };
  await sink.transaction((tx) => tx.state.putRejects('orders', [rej], run));
  await sink.transaction((tx) => tx.state.putRejects('orders', [rej], run));
  t.deepEqual([...(await sink.state.openRejectKeys('orders'))], [BIG]);
  await sink.transaction((tx) => tx.state.resolveRejects('orders', [BIG], run));
  t.is((await sink.state.openRejectKeys('orders')).size, 0);
  await finishRun(sink, { ...finish(run), stream: 'orders', rowsRead: 7, rowsUpserted: 5, rowsUnchanged: 1, rowsRejected: 1 });
  const db = new Database(path.join(dir, STATE_DIR, STATE_FILE), { readonly: true });
  t.teardown(() => db.close());
  t.like(db.prepare('select status, rows_read, rows_upserted, rows_unchanged, rows_rejected from etl_run').get() as object, { status: 'succeeded', rows_read: 7, rows_upserted: 5, rows_unchanged: 1, rows_rejected: 1 });
  t.like(db.prepare('select times_seen, resolved_run_id from etl_reject').get() as object, { times_seen: 2, resolved_run_id: Number(run) });
});

test('a second sink on the same folder cannot start a run while the first one runs: a retriable error', async (t) => {
  const dir = tempDir(t);
  const a = await CsvSink.open(dir);
  const b = await CsvSink.open(dir, { busyTimeoutMs: 200 });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const run = await startRun(a, start);
  const err = await t.throwsAsync(startRun(b, start));
  t.regex(err!.message, /another hub-etl run is loading/);
  t.true((err as { retriable?: boolean }).retriable);
  await finishRun(a, finish(run));
  const r2 = await startRun(b, start);
  await finishRun(b, finish(r2));
  t.pass();
});

test('a parent whose set of children is empty now is named in the table\'s .empty file', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  await sink.transaction((tx) => tx.writeUnits('order_lines', [unit(BIG, '2024-05-17 00:00:00', [line('1', '1.00')]), unit('1001', '2024-05-17 00:00:00', [])], [T], run));
  await finishRun(sink, finish(run));
  const id = run.padStart(8, '0');
  t.deepEqual(finals(dir), [`fct_order_line.run${id}.csv`, `fct_order_line.run${id}.empty.csv`]);
  const empty = readCsv(path.join(dir, `fct_order_line.run${id}.empty.csv`));
  t.deepEqual(empty.header, ['order_id']);
  t.deepEqual(empty.rows, [['1001']]);
});

test('a unit loaded for the first time names no parent in the .empty file: it has nothing to clear', async (t) => {
  const dir = tempDir(t);
  const sink = await CsvSink.open(dir);
  t.teardown(() => sink.close());
  const run = await startRun(sink, start);
  await sink.transaction((tx) => tx.writeUnits('order_lines', [{ ...unit('1001', '2024-05-17 00:00:00', []), fresh: true }], [T], run));
  await finishRun(sink, finish(run));
  t.deepEqual(finals(dir), []);
});
