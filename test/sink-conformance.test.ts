// One suite every warehouse sink passes: idempotent upserts, the newer-version guard, child sets,
// watermark and data in one transaction, rejects and their resolution, exact ids and money.
import test, { type ExecutionContext } from 'ava';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { SqlSink } from '../sinks/sql.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import { startRun, type UnitWrite } from '../sinks/sink.js';
import { needMysql, needPostgres, target, tempMysqlDb, tempPostgresDb, tempSqliteUrl, testWith, type Warehouse } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

type Open = (t: ExecutionContext) => Promise<Db | null>;
const backends: Array<[Warehouse, Open]> = [
  ['SQLite', async (t) => openDb(target(tempSqliteUrl(t)), { create: true })],
  ['MariaDB', async (t) => ((await needMysql(t)) ? openDb(target(await tempMysqlDb(t)), { create: true }) : null)],
  ['PostgreSQL', async (t) => ((await needPostgres(t)) ? openDb(target(await tempPostgresDb(t)), { create: true }) : null)],
];

const BIG = '240517803316129437';
const line = (sub: string, amount: string, qty = '1.0000') => ({
  order_id: BIG, sub_item_id: sub, product_id: '601234567890', sku_id: '5012345678901', spec_id: 'abc', product_cargo_number: null, sku_cargo_number: null,
  product_name: '电动扳手 20V, "无刷"\n套装 🔧', sku_attributes: '颜色:红色;规格:20V', quantity: qty, unit: '件', unit_price: '12.3450', line_amount: amount,
  refund_amount: '0.000', line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null, order_date: '2024-05-17',
  gross_amount: amount, discount_amount: '0.00', logistics_status: 2, created_at: '2024-05-17 01:30:15.123', modified_at: '2024-05-17 01:30:15.123',
});
const unit = (version: string, rows: ReturnType<typeof line>[], keep?: string[]): UnitWrite => ({
  key: BIG, version, tables: new Map([['fct_order_line', rows]]), ...(keep ? { keepChildKeys: keep } : {}),
});

async function lines(db: Db) {
  return rawRows<Record<string, unknown>>(db, db.dialect, 'select sub_item_id, line_amount, quantity, product_name, _source_version from fct_order_line order by sub_item_id');
}

for (const [name, open] of backends) {
  const setup = async (t: ExecutionContext) => {
    const db = await open(t);
    if (!db) return null;
    t.teardown(() => db.close());
    await migrate(db, logger);
    return { db, sink: new SqlSink(db) };
  };
  const T = tableNamed('fct_order_line');

  testWith(name)(`${name}: migrate is repeatable and records its version`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const again = await migrate(s.db, logger);
    t.is(again.applied.length, 0);
    t.true(again.current >= 1);
  });

  testWith(name)(`${name}: text with quotes, backslashes, placeholders, NUL, emoji and newlines is stored exactly`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    // PostgreSQL text cannot hold U+0000: there the row stops the load with a clear error instead (next test).
    const names = ["it's", 'C:\\tools\\扳手', "\\'; drop table x; --", 'a ? b ?? c', ...(name === 'PostgreSQL' ? [] : ['\u0000nul']), '换行\r\n\t🔧', "''", '\\', '\\\\\'', '长'.repeat(500)];
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    const rows = names.map((n, i) => ({ ...line(String(240517803316129500n + BigInt(i)), '1.00'), product_name: n }));
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-17 09:30:15', rows)], [T], run));
    const back = await lines(s.db);
    t.deepEqual(back.map((r) => r.product_name), names);
    // Upserting the same rows again (the update path) keeps them exact too.
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-17 09:30:16', rows)], [T], run));
    t.deepEqual((await lines(s.db)).map((r) => r.product_name), names);
  });

  if (name === 'PostgreSQL') {
    testWith(name)(`${name}: a NUL character it cannot store stops the batch naming table, row and column, and nothing of the batch is written`, async (t) => {
      const s = await setup(t);
      if (!s) return;
      const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
      const rows = [line('240517803316129501', '1.00'), { ...line('240517803316129502', '1.00'), product_name: 'a\u0000b' }];
      const err = await t.throwsAsync(s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-17 09:30:15', rows)], [T], run)));
      t.regex(err!.message, /fct_order_line \(sub_item_id=240517803316129502\): column product_name holds the character U\+0000/);
      t.deepEqual(await lines(s.db), []);
    });
  }

  testWith(name)(`${name}: replaying a batch changes nothing and ids and money stay exact`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    const u = unit('2024-05-17 09:30:15', [line('240517803316129439', '123456789012.35'), line('240517803316129441', '0.10', '2.5000')]);
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [u], [T], run));
    const first = await lines(s.db);
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [u], [T], run));
    const second = await lines(s.db);
    t.deepEqual(second, first);
    t.is(String(first[0]!.sub_item_id), '240517803316129439');
    t.is(String(first[0]!.line_amount), '123456789012.35');
    t.is(String(first[1]!.quantity), '2.5000');
    t.is(String(first[0]!.product_name), '电动扳手 20V, "无刷"\n套装 🔧');
  });

  testWith(name)(`${name}: an older version never replaces a newer one`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-18 00:00:00', [line('240517803316129439', '9.99')])], [T], run));
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-17 00:00:00', [line('240517803316129439', '1.00')])], [T], run));
    const rows = await lines(s.db);
    t.is(rows.length, 1);
    t.is(String(rows[0]!.line_amount), '9.99');
    t.is(String(rows[0]!._source_version), '2024-05-18 00:00:00');
  });

  testWith(name)(`${name}: a child that disappears from its parent's set disappears, except a kept (rejected) one`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-17 00:00:00', [line('1001', '1.00'), line('1002', '2.00'), line('1003', '3.00')])], [T], run));
    await s.sink.transaction((tx) => tx.writeUnits('order_lines', [unit('2024-05-18 00:00:00', [line('1001', '1.50')], ['1003'])], [T], run));
    const rows = await lines(s.db);
    t.deepEqual(rows.map((r) => String(r.sub_item_id)), ['1001', '1003']);
    t.is(String(rows[0]!.line_amount), '1.50');
  });

  testWith(name)(`${name}: data and watermark commit together or not at all`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'order_lines', mode: 'incremental', windowStart: null, windowEnd: null });
    await t.throwsAsync(s.sink.transaction(async (tx) => {
      await tx.writeUnits('order_lines', [unit('2024-05-17 00:00:00', [line('1001', '1.00')])], [T], run);
      await tx.state.setWatermark({ stream: 'order_lines', cursorValue: '2024-05-17 00:00:00', cursorAt: null, runId: run, streamVersion: 1, sourceClockAt: null });
      throw new Error('crash between writes');
    }));
    t.is((await lines(s.db)).length, 0);
    t.is(await s.sink.state.watermark('order_lines'), null);
  });

  testWith(name)(`${name}: rejects are recorded, counted again when seen again, and resolved`, async (t) => {
    const s = await setup(t);
    if (!s) return;
    const run = await startRun(s.sink, { stream: 'orders', mode: 'incremental', windowStart: null, windowEnd: null });
    const rej = { sourceKey: BIG, field: 'order_datas.baseInfo.totalAmount', reason: 'expected a decimal amount, found "abc"', sample: '{"baseInfo":…' };
    await s.sink.transaction((tx) => tx.state.putRejects('orders', [rej], run));
    await s.sink.transaction((tx) => tx.state.putRejects('orders', [rej], run));
    t.deepEqual([...(await s.sink.state.openRejectKeys('orders'))], [BIG]);
    const [r] = await rawRows<Record<string, unknown>>(s.db, s.db.dialect, 'select times_seen, field from etl_reject');
    t.is(Number(r!.times_seen), 2);
    await s.sink.transaction((tx) => tx.state.resolveRejects('orders', [BIG], run));
    t.is((await s.sink.state.openRejectKeys('orders')).size, 0);
  });
}
