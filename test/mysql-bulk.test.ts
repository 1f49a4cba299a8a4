// The MariaDB bulk write path (lib/dialects/mysql-bulk.ts): a batch at or above the warehouse URL's
// bulk-rows goes through LOAD DATA LOCAL INFILE into a staging table and one guarded merge, and keeps every
// promise of the sink conformance suite: exact ids, money and text, NULLs, the newer-version guard,
// child sets, fingerprints, and one transaction with the watermark.
import test, { type ExecutionContext } from 'ava';
import { parseDbUrl } from '../lib/config.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { infileField } from '../lib/dialects/mysql-bulk.js';
import { bulkStateOf } from '../lib/dialects/mysql.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { SqlSink } from '../sinks/sql.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import { startRun, type UnitWrite } from '../sinks/sink.js';
import { needMysql, target, tempMysqlDb, testWith } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });
const T = tableNamed('fct_order_line');
/** The threshold of these tests: every batch below has more rows. */
const BULK_ROWS = 8;

const AWKWARD = [
  'tab\there', 'line\nbreak', 'crlf\r\nend', 'back\\slash', 'C:\\tools\\扳手\\', '\\N', '\\t literally', "it's \"quoted\"", "\\'; drop table x; --",
  '电动扳手 20V 无刷套装', '🔧🪛 emoji 🇨🇳', 'a ? b ?? c', '\u0000nul', '', ' trailing space ', '\\',
];

async function setup(t: ExecutionContext, bulkRows = BULK_ROWS, poolMax?: number): Promise<{ db: Db; sink: SqlSink; statements: string[] } | null> {
  if (!(await needMysql(t))) return null;
  const db = await openDb(target(`${await tempMysqlDb(t)}?bulk-rows=${bulkRows}`), { create: true, ...(poolMax ? { poolMax } : {}) });
  t.teardown(() => db.close());
  await migrate(db, logger);
  const statements: string[] = [];
  db.knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  return { db, sink: new SqlSink(db), statements };
}

const ORDER = 240517803316129437n; // above 2^53: a double would round it
const line = (order: bigint, i: number, version: string, extra: Record<string, unknown> = {}) => ({
  order_id: String(order), sub_item_id: String(order * 10n + BigInt(i)), product_id: '9007199254740993', sku_id: String(9223372036854775807n - BigInt(i)),
  spec_id: i % 3 === 0 ? null : `spec-${i}`, product_cargo_number: null, sku_cargo_number: i % 2 === 0 ? null : 'SKU-01',
  product_name: AWKWARD[i % AWKWARD.length]!, sku_attributes: '颜色:红色;规格:20V', quantity: '2.5000', unit: '件', unit_price: '0.0100',
  line_amount: `${i}.0${i % 10}`, refund_amount: '0.001', line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null,
  order_date: '2024-05-17', gross_amount: '99999999999999.99', discount_amount: '-0.01', logistics_status: i % 4, created_at: '2024-05-17 01:30:15.123',
  modified_at: version.replace(/^(.{19})$/, '$1.000'), ...extra,
});
const unitOf = (order: bigint, version: string, rows: Array<ReturnType<typeof line>>, fresh = false): UnitWrite => ({
  key: String(order), version, tables: new Map([['fct_order_line', rows]]), ...(fresh ? { fresh: true } : {}),
});

async function stored(db: Db) {
  return rawRows<Record<string, unknown>>(db, db.dialect,
    'select order_id, sub_item_id, product_id, sku_id, spec_id, sku_cargo_number, product_name, quantity, unit_price, line_amount, refund_amount, gross_amount, discount_amount, logistics_status, _source_version from fct_order_line order by sub_item_id');
}

const asText = (rows: Array<Record<string, unknown>>) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
const expected = (rows: Array<ReturnType<typeof line>>, version: string) =>
  rows.map((r) => ({
    order_id: r.order_id, sub_item_id: r.sub_item_id, product_id: r.product_id, sku_id: r.sku_id, spec_id: r.spec_id, sku_cargo_number: r.sku_cargo_number,
    product_name: r.product_name, quantity: r.quantity, unit_price: r.unit_price, line_amount: r.line_amount, refund_amount: r.refund_amount,
    gross_amount: r.gross_amount, discount_amount: r.discount_amount, logistics_status: String(r.logistics_status), _source_version: version,
  }));

const loads = (statements: string[]) => statements.filter((s) => s.startsWith('load data local infile')).length;

test('LOAD DATA fields: NULL is \\N, and backslashes, tabs, newlines, carriage returns and NUL are escaped', (t) => {
  t.is(infileField(null), '\\N');
  t.is(infileField('\\N'), '\\\\N');
  t.is(infileField('a\tb\nc\rd\\e\u0000f'), 'a\\tb\\nc\\rd\\\\e\\0f');
  t.is(infileField('电动扳手 🔧'), '电动扳手 🔧');
  t.is(infileField('240517803316129437'), '240517803316129437');
  t.is(infileField(12), '12');
  t.throws(() => infileField(Number.NaN), { message: /NaN/ });
});

test('the warehouse URL option bulk-rows sets the threshold; anything but a whole number is an error naming it', (t) => {
  t.like(parseDbUrl('mysql://root@127.0.0.1:3306/wh?bulk-rows=250', 'HUB_WAREHOUSE_URL'), { kind: 'mysql', database: 'wh', bulkRows: 250 });
  t.like(parseDbUrl('mysql://root@127.0.0.1:3306/wh?bulk-rows=0', 'HUB_WAREHOUSE_URL'), { bulkRows: 0 });
  t.false('bulkRows' in (parseDbUrl('mysql://root@127.0.0.1:3306/wh', 'HUB_WAREHOUSE_URL') as object));
  t.is(parseDbUrl('mysql://root@127.0.0.1:3306/wh?bulk-rows=1e3', 'HUB_WAREHOUSE_URL'), 'HUB_WAREHOUSE_URL: bulk-rows=1e3 is not a whole number of rows (0 turns the bulk path off)');
});

testWith('MariaDB')('a batch above bulk-rows is loaded through LOAD DATA with ids above 2^53, money to the fen, awkward text and NULLs exact', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const rows = AWKWARD.map((_, i) => line(ORDER, i, '2024-05-17 09:30:15'));
  await s.sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 09:30:15', rows, true)], [T], run);
    await tx.state.putRowStates('order_lines', rows.map((r) => ({ key: r.sub_item_id, hash: 'f'.repeat(32), version: '2024-05-17 09:30:15' })), run);
  });
  t.is(loads(s.statements), 2, 'the lines and their fingerprints both went through LOAD DATA');
  t.deepEqual(asText(await stored(s.db)), expected(rows, '2024-05-17 09:30:15'));
  const states = await s.sink.state.rowStates('order_lines', rows.map((r) => r.sub_item_id));
  t.is(states.size, rows.length);
  t.is(states.get(rows[3]!.sub_item_id)?.version, '2024-05-17 09:30:15');
  // Loading the same batch again (the update path of the merge) leaves every value as it was.
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 09:30:15', rows)], [T], run));
  t.deepEqual(asText(await stored(s.db)), expected(rows, '2024-05-17 09:30:15'));
});

testWith('MariaDB')('in a bulk batch an older version never overwrites a newer one, and a newer one does', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const older = 240517803316100001n;
  const newer = 240517803316100002n;
  const v1 = '2024-05-17 00:00:00';
  const v2 = '2024-05-18 00:00:00';
  const v3 = '2024-05-19 00:00:00';
  // The first order is loaded at v2, the second at v1 (one row each: the statement path).
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(older, v2, [line(older, 0, v2, { line_amount: '2.22' })]), unitOf(newer, v1, [line(newer, 0, v1, { line_amount: '1.11' })])], [T], run));
  // One bulk batch brings v1 of the first order (older than stored) and v3 of the second (newer).
  const stale = Array.from({ length: BULK_ROWS }, (_, i) => line(older, i, v1, { line_amount: '0.01' }));
  const fresh = Array.from({ length: BULK_ROWS }, (_, i) => line(newer, i, v3, { line_amount: '3.33' }));
  s.statements.length = 0;
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(older, v1, stale), unitOf(newer, v3, fresh)], [T], run));
  t.is(loads(s.statements), 1);
  const rows = asText(await stored(s.db));
  const first = rows.filter((r) => r.order_id === String(older));
  // The stored v2 line stays as it was; the stale batch's other lines, new keys, are added at v1.
  t.deepEqual(first.map((r) => [r.sub_item_id, r.line_amount, r._source_version]), [[String(older * 10n), '2.22', v2], ...stale.slice(1).map((r) => [r.sub_item_id, '0.01', v1])]);
  const second = rows.filter((r) => r.order_id === String(newer));
  t.deepEqual(second.map((r) => [r.line_amount, r._source_version]), fresh.map(() => ['3.33', v3]));
});

testWith('MariaDB')('a bulk batch replaces a parent\'s child set: a line gone from the source is gone', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const before = Array.from({ length: BULK_ROWS + 4 }, (_, i) => line(ORDER, i, '2024-05-17 00:00:00'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 00:00:00', before, true)], [T], run));
  const after = before.slice(2).map((r) => ({ ...r, modified_at: '2024-05-18 00:00:00.000' }));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-18 00:00:00', after)], [T], run));
  const rows = asText(await stored(s.db));
  t.deepEqual(rows.map((r) => r.sub_item_id), after.map((r) => r.sub_item_id));
  t.true(rows.every((r) => r._source_version === '2024-05-18 00:00:00'));
});

testWith('MariaDB')('a bulk batch and the watermark commit together or not at all, and the next batch on that connection merges only its own rows', async (t) => {
  // One connection: the next transaction runs where the failed one left its staging table.
  const s = await setup(t, BULK_ROWS, 1);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const rows = Array.from({ length: BULK_ROWS * 2 }, (_, i) => line(ORDER, i, '2024-05-17 00:00:00'));
  await t.throwsAsync(s.sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 00:00:00', rows, true)], [T], run);
    await tx.state.setWatermark({ stream: 'order_lines', cursorValue: '2024-05-17 00:00:00', cursorAt: null, runId: run, streamVersion: 1, sourceClockAt: null });
    throw new Error('crash between writes');
  }), { message: /crash between writes/ });
  t.is(loads(s.statements), 1);
  t.deepEqual(await stored(s.db), []);
  t.is(await s.sink.state.watermark('order_lines'), null);
  // The next batch, another order, on the same connection: only its own rows arrive.
  const other = 240517803316100009n;
  const next = Array.from({ length: BULK_ROWS }, (_, i) => line(other, i, '2024-05-18 00:00:00'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(other, '2024-05-18 00:00:00', next, true)], [T], run));
  t.is(loads(s.statements), 2);
  t.deepEqual((await stored(s.db)).map((r) => String(r.sub_item_id)), next.map((r) => r.sub_item_id));
});

testWith('MariaDB')('a value LOAD DATA would clip fails the batch naming the table, the row and the column, and nothing is written', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const rows = Array.from({ length: BULK_ROWS + 2 }, (_, i) => line(ORDER, i, '2024-05-17 00:00:00'));
  rows[5] = { ...rows[5]!, unit: '件'.repeat(33) };
  const err = await t.throwsAsync(s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 00:00:00', rows, true)], [T], run)));
  t.regex(err!.message, new RegExp(`fct_order_line \\(sub_item_id=${rows[5]!.sub_item_id}\\): Data too long for column 'unit'|fct_order_line \\(sub_item_id=${rows[5]!.sub_item_id}\\): Data truncated for column 'unit'`));
  t.deepEqual(await stored(s.db), []);
});

testWith('MariaDB')('without LOAD DATA LOCAL, a bulk batch goes into the staging table as INSERTs and stores the same', async (t) => {
  const s = await setup(t);
  if (!s) return;
  // As the handle is once a server with local_infile off has answered.
  bulkStateOf(s.db.knex)!.infile = false;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const rows = AWKWARD.map((_, i) => line(ORDER, i, '2024-05-17 09:30:15'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 09:30:15', rows, true)], [T], run));
  t.is(loads(s.statements), 0);
  t.true(s.statements.some((q) => q.startsWith('insert into `_hub_stage_fct_order_line_')));
  t.deepEqual(asText(await stored(s.db)), expected(rows, '2024-05-17 09:30:15'));
});

testWith('MariaDB')('below bulk-rows a batch is written in multi-row upserts, without a staging table', async (t) => {
  const s = await setup(t, 1000);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const rows = AWKWARD.map((_, i) => line(ORDER, i, '2024-05-17 09:30:15'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unitOf(ORDER, '2024-05-17 09:30:15', rows, true)], [T], run));
  t.false(s.statements.some((q) => q.includes('_hub_stage_')));
  t.deepEqual(asText(await stored(s.db)), expected(rows, '2024-05-17 09:30:15'));
});
