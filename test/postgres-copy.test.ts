// PostgreSQL's bulk write (lib/dialects/postgres-copy.ts): a batch at or above the warehouse URL's
// bulk-rows goes through COPY into a staging table and one guarded merge, and keeps every promise of the
// sink conformance suite: exact ids, money and text, NULLs, the newer-version guard, child sets,
// fingerprints, and one transaction with the watermark.
import test, { type ExecutionContext } from 'ava';
import { parseDbUrl } from '../lib/config.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { COPY_MIN_ROWS } from '../lib/dialects/postgres.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { SqlSink } from '../sinks/sql.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import { startRun, type UnitWrite } from '../sinks/sink.js';
import { needPostgres, target, tempPostgresDb, testWith } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

const T = tableNamed('fct_order_line');
const TWO_53 = 2n ** 53n;
const id = (n: number) => String(TWO_53 + 1_000_003n * BigInt(n));

/** Text COPY's text format gives a meaning to, and text it does not. */
const AWKWARD = [
  'tab\there', 'line\nbreak', 'cr\r\nlf', 'back\\slash', '\\N', '\\\\N', 'N', 'NULL', '', ' ', "it's", '"quoted"', '""', 'a,b', ',', 'a ? b ?? c',
  '电动扳手 20V 无刷 套装 🔧', '颜色:红色;规格:20V', '\\t literal', 'end\\', '\t', '\n', '\\', '长'.repeat(500), 'é\u00a0ü', '\u2028\u2029',
];

const line = (n: number, order: number, version: string) => ({
  order_id: id(order), sub_item_id: id(1_000 + n), product_id: id(n % 7), sku_id: n % 4 === 0 ? null : id(n % 11), spec_id: `s${n}`,
  product_cargo_number: n % 3 === 0 ? null : AWKWARD[n % AWKWARD.length]!.slice(0, 100), sku_cargo_number: null,
  product_name: `${AWKWARD[n % AWKWARD.length]}#${n}@${version}`, sku_attributes: AWKWARD[(n + 5) % AWKWARD.length]!,
  quantity: `${n % 9}.${String(n % 10_000).padStart(4, '0')}`, unit: '件', unit_price: n % 5 === 0 ? null : '12.3450',
  line_amount: n % 2 ? `${n}1234567890.${String(n % 100).padStart(2, '0')}` : `-0.0${n % 10}`, refund_amount: '0.001', line_status: 'success',
  refund_status: null, refund_id: null, refund_id_for_as: null, order_date: '2024-05-17', gross_amount: '99999999999.99', discount_amount: '0.01',
  logistics_status: n % 6, created_at: '2024-05-17 01:30:15.123', modified_at: '2024-02-29 23:59:59.999',
});
type Line = ReturnType<typeof line>;

const COLUMNS = Object.keys(line(0, 0, '')) as Array<keyof Line>;

async function stored(db: Db): Promise<Array<Record<string, string | null>>> {
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${[...COLUMNS, '_source_version'].map((c) => db.sql.id(c)).join(', ')} from fct_order_line`);
  return rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])))
    .sort((a, b) => (BigInt(a.sub_item_id!) < BigInt(b.sub_item_id!) ? -1 : 1));
}

/** What the warehouse returns for a line: every value as text, numbers at their column's scale. */
function expected(l: Line, version: string): Record<string, string | null> {
  const money = (v: string | null, scale: number) => (v === null ? null : (Number(v) === 0 && v.startsWith('-') ? v.slice(1) : v).replace(/\.(\d*)$/, (_, d: string) => `.${d.padEnd(scale, '0')}`));
  return {
    ...Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v === null ? null : String(v)])),
    quantity: money(l.quantity, 4), unit_price: money(l.unit_price, 4), line_amount: money(l.line_amount, 2), refund_amount: money(l.refund_amount, 3),
    _source_version: version,
  };
}

const name = 'PostgreSQL';
/** A sink on a warehouse whose URL sets bulk-rows (the default threshold unless given), and the tables its bulk writes staged, in order. */
const setup = async (t: ExecutionContext, bulkRows?: number) => {
  if (!(await needPostgres(t))) return null;
  const db = await openDb(target(`${await tempPostgresDb(t)}${bulkRows === undefined ? '' : `?bulk-rows=${bulkRows}`}`), { create: true });
  t.teardown(() => db.close());
  await migrate(db, logger);
  const calls: string[] = [];
  db.knex.on('query', (q: { sql: string }) => {
    const staged = /^create temp table "hub_stage_(\w+)"/.exec(q.sql);
    if (staged) calls.push(staged[1]!);
  });
  return { db, calls, sink: new SqlSink(db) };
};
const batch = (version: string, lines: Line[], opts: Partial<UnitWrite> = {}): UnitWrite[] => {
  const byOrder = new Map<string, Line[]>();
  for (const l of lines) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
  return [...byOrder].map(([key, rows]) => ({ key, version, tables: new Map([['fct_order_line', rows]]), ...opts }));
};

testWith(name)(`${name}: a batch above the bulk threshold stores ids above 2^53, money to the fen, awkward text and NULLs exactly`, async (t) => {
  const s = await setup(t);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const lines = Array.from({ length: COPY_MIN_ROWS + 37 }, (_, n) => line(n, Math.floor(n / 3), 'v1'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-17 09:30:15', lines, { fresh: true }), [T], run));
  t.deepEqual(s.calls, ['fct_order_line']);
  t.deepEqual(await stored(s.db), lines.map((l) => expected(l, '2024-05-17 09:30:15')));
});

testWith(name)(`${name}: a batch below the threshold, or any batch with bulk-rows=0, is written with statements instead`, async (t) => {
  t.like(parseDbUrl('postgres://postgres@127.0.0.1:5432/wh?bulk-rows=0', 'HUB_WAREHOUSE_URL'), { kind: 'postgres', bulkRows: 0 });
  for (const [bulkRows, count] of [[undefined, COPY_MIN_ROWS - 1], [0, COPY_MIN_ROWS + 1]] as const) {
    const s = await setup(t, bulkRows);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    const lines = Array.from({ length: count }, (_, n) => line(n, Math.floor(n / 3), 'v1'));
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-17 09:30:15', lines, { fresh: true }), [T], run));
    t.deepEqual(s.calls, []);
    t.is((await stored(s.db)).length, count);
  }
});

testWith(name)(`${name}: through the bulk write an older version never overwrites a newer one, and a newer one does`, async (t) => {
  const s = await setup(t, 2);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const v2 = Array.from({ length: 40 }, (_, n) => line(n, n, 'v2'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-18 00:00:00', v2), [T], run));
  // An older version of half the orders, with different values: nothing of it lands.
  const v1 = Array.from({ length: 20 }, (_, n) => line(n, n, 'v1'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', v1), [T], run));
  t.deepEqual(await stored(s.db), v2.map((l) => expected(l, '2024-05-18 00:00:00')));
  // A newer version of the other half replaces it; the same version again is accepted (a replay).
  const v3 = Array.from({ length: 20 }, (_, n) => line(n + 20, n + 20, 'v3'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-19 00:00:00', v3), [T], run));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-19 00:00:00', v3), [T], run));
  t.deepEqual(await stored(s.db), [...v2.slice(0, 20).map((l) => expected(l, '2024-05-18 00:00:00')), ...v3.map((l) => expected(l, '2024-05-19 00:00:00'))]);
  t.is(s.calls.length, 4);
});

testWith(name)(`${name}: through the bulk write a parent's children are replaced as a set, a kept (rejected) child stays`, async (t) => {
  const s = await setup(t, 2);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const first = [0, 1, 2, 3, 4, 5].map((n) => line(n, Math.floor(n / 3), 'v1'));
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', first), [T], run));
  // Order 0 now has lines 0 and 1 (2 is gone); order 1 has line 5 and keeps its rejected line 4 (3 is gone).
  const next = [line(0, 0, 'v2'), line(1, 0, 'v2')];
  const units = [...batch('2024-05-18 00:00:00', next), { key: id(1), version: '2024-05-18 00:00:00', tables: new Map([['fct_order_line', [line(5, 1, 'v2')]]]), keepChildKeys: [id(1_004)] }];
  await s.sink.transaction((tx) => tx.writeUnits('order_lines', units, [T], run));
  t.deepEqual((await stored(s.db)).map((r) => [r.sub_item_id, r.product_name]), [
    [id(1_000), line(0, 0, 'v2').product_name], [id(1_001), line(1, 0, 'v2').product_name], [id(1_004), line(4, 1, 'v1').product_name], [id(1_005), line(5, 1, 'v2').product_name],
  ]);
});

testWith(name)(`${name}: row fingerprints written in bulk are read back and replaced`, async (t) => {
  const s = await setup(t, 2);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const states = Array.from({ length: 30 }, (_, n) => ({ key: id(n), hash: `h${n}\t\\`, version: '2024-05-17 00:00:00' }));
  await s.sink.transaction((tx) => tx.state.putRowStates('order_lines', states, run));
  await s.sink.transaction((tx) => tx.state.putRowStates('order_lines', states.slice(10).map((x) => ({ ...x, hash: `new${x.hash}`, version: '2024-05-18 00:00:00' })), run));
  const back = await s.sink.state.rowStates('order_lines', states.map((x) => x.key));
  t.is(back.size, 30);
  t.deepEqual(back.get(id(3)), { hash: 'h3\t\\', version: '2024-05-17 00:00:00' });
  t.deepEqual(back.get(id(29)), { hash: 'newh29\t\\', version: '2024-05-18 00:00:00' });
  t.deepEqual(s.calls, ['etl_row_state', 'etl_row_state']);
});

testWith(name)(`${name}: a failing transaction leaves nothing of its bulk writes, and the next one writes in bulk again`, async (t) => {
  const s = await setup(t, 2);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const lines = Array.from({ length: 10 }, (_, n) => line(n, n, 'v1'));
  await t.throwsAsync(s.sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', lines), [T], run);
    await tx.state.setWatermark({ stream: 'order_lines', cursorValue: '2024-05-17 00:00:00', cursorAt: null, runId: run, streamVersion: 2, sourceClockAt: null });
    throw new Error('crash between writes');
  }), { message: /crash between writes/ });
  t.deepEqual(await stored(s.db), []);
  t.is(await s.sink.state.watermark('order_lines'), null);
  // Two bulk writes of the same table in one transaction, then the watermark: all of it commits.
  await s.sink.transaction(async (tx) => {
    await tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', lines.slice(0, 5)), [T], run);
    await tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', lines.slice(5)), [T], run);
    await tx.state.setWatermark({ stream: 'order_lines', cursorValue: '2024-05-17 00:00:00', cursorAt: null, runId: run, streamVersion: 2, sourceClockAt: null });
  });
  t.deepEqual(await stored(s.db), lines.map((l) => expected(l, '2024-05-17 00:00:00')));
  t.is((await s.sink.state.watermark('order_lines'))?.cursorValue, '2024-05-17 00:00:00');
  t.deepEqual(s.calls, ['fct_order_line', 'fct_order_line', 'fct_order_line']);
});

testWith(name)(`${name}: a NUL character in a bulk write stops the batch naming table, row and column, nothing of it is written, and the connection stays usable`, async (t) => {
  const s = await setup(t, 2);
  if (!s) return;
  const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
  const lines = Array.from({ length: 800 }, (_, n) => line(n, n, 'v1'));
  const bad = [...lines.slice(0, 700), { ...lines[700]!, product_name: 'a\u0000b' }, ...lines.slice(701)];
  // PostgreSQL text cannot hold U+0000: the COPY stops, and the transaction rolls back whole.
  const err = await t.throwsAsync(s.sink.transaction((tx) => tx.writeUnits('order_lines', batch('2024-05-17 00:00:00', bad), [T], run)));
  t.regex(err!.message, new RegExp(`fct_order_line \\(sub_item_id=${id(1_700)}\\): column product_name holds the character U\\+0000`));
  t.deepEqual(await stored(s.db), []);
  // Every connection of the pool still works: the next batches load.
  for (let i = 0; i < 6; i++) await s.sink.transaction((tx) => tx.writeUnits('order_lines', batch(`2024-05-18 00:00:0${i}`, lines.slice(0, 10)), [T], run));
  t.is((await stored(s.db)).filter((r) => r._source_version === '2024-05-18 00:00:05').length, 10);
});
