// hub-etl export on SQLite, MariaDB and PostgreSQL: every exported cell reads back, with an independent CSV parser,
// exactly as the warehouse stores it; headers in English or Chinese; date ranges; one file per day.
import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { exportTable, relationNamed, type ExportOptions } from '../jobs/export.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { UsageError } from '../lib/errors.js';
import { VIEWS } from '../sql/warehouse/views.js';
import { cellText, readCsv } from './csv-read.js';
import { freshWarehouseUrl, target, tempDir, tempSqliteUrl, testWith, type Warehouse, WAREHOUSES } from './helpers.js';
import { IDS, plantWarehouse } from './warehouse-fixture.js';

async function planted(t: ExecutionContext, kind: Warehouse): Promise<Db | null> {
  const url = await freshWarehouseUrl(t, kind, 'export');
  if (!url) return null;
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await plantWarehouse(db);
  return db;
}

/** The relation's rows as the warehouse returns them, each cell as the text it must read back as. */
async function warehouseCells(db: Db, name: string, where = ''): Promise<Array<Array<string | null>>> {
  const rel = relationNamed(name);
  const cols = rel.columns.map((c) => c.name);
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${cols.join(', ')} from ${name} ${where} order by ${rel.key.join(', ')}`);
  return rows.map((r) => cols.map((c) => cellText(r[c])));
}

const base = (out: string, table: string): ExportOptions => ({ table, outDir: out, headerLang: 'en', bom: false });
const EXACT = ['fct_order', 'fct_order_line', 'fct_refund', 'fct_refund_line', ...VIEWS.map((v) => v.name)];

for (const name of WAREHOUSES) {
  testWith(name)(`${name}: every exported cell reads back exactly as the warehouse stores it`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const out = tempDir(t);
    for (const table of EXACT) {
      const r = await exportTable(db, base(out, table));
      const f = readCsv(r.files[0]!.path);
      t.deepEqual(f.header, relationNamed(table).columns.map((c) => c.name), table);
      t.false(f.bom);
      t.true(f.endsWithNewline, table);
      t.deepEqual(f.rows, await warehouseCells(db, table), table);
      t.is(r.rows, f.rows.length);
    }
    const lines = readCsv(path.join(out, 'fct_order_line.csv'));
    t.true(lines.rows.some((row) => row.includes(IDS.s2)), 'an id near 2^63 is exact');
    t.true(lines.rows.some((row) => row.includes('123456789012345.67')), 'a large amount is exact');
    t.true(lines.rows.some((row) => row.includes('电动扳手 20V, "无刷"\n套装 🔧')), 'commas, quotes, line breaks and emoji survive');
    const orders = readCsv(path.join(out, 'fct_order.csv'));
    const outer = orders.header.indexOf('outer_order_id');
    t.true(orders.rows.some((row) => row[outer] === '') && orders.rows.some((row) => row[outer] === null), 'the empty string stays apart from NULL');
  });

  testWith(name)(`${name}: Chinese headers are the labels of tables.ts and views.ts, after a byte order mark`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const out = tempDir(t);
    for (const table of ['fct_order_line', 'v_sales_daily']) {
      const r = await exportTable(db, { ...base(out, table), headerLang: 'zh', bom: true });
      const f = readCsv(r.files[0]!.path);
      t.true(f.bom);
      t.deepEqual(f.header, relationNamed(table).columns.map((c) => c.labelZh));
      t.deepEqual(f.rows, await warehouseCells(db, table));
    }
  });

  testWith(name)(`${name}: --from/--to keep the days of the date column, both inclusive, and --split-by day writes a file per day`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const out = tempDir(t);
    const r = await exportTable(db, { ...base(out, 'fct_order_line'), from: '2024-05-17', to: '2024-05-18', splitBy: 'day' });
    t.deepEqual(r.files.map((f) => [path.basename(f.path), f.rows]), [['fct_order_line.2024-05-17.csv', 3], ['fct_order_line.2024-05-18.csv', 2]]);
    t.deepEqual(fs.readdirSync(out).sort(), ['fct_order_line.2024-05-17.csv', 'fct_order_line.2024-05-18.csv']);
    for (const f of r.files) {
      t.deepEqual(readCsv(f.path).rows, await warehouseCells(db, 'fct_order_line', `where order_date = '${f.day}'`));
    }
    const whole = await exportTable(db, { ...base(out, 'fct_order_line'), from: '2024-05-18' });
    t.is(path.basename(whole.files[0]!.path), 'fct_order_line.2024-05-18_end.csv');
    t.is(whole.rows, 4);
  });

  testWith(name)(`${name}: a UTC timestamp column filters whole UTC days`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const out = tempDir(t);
    const r = await exportTable(db, { ...base(out, 'fct_refund'), from: '2024-05-17', to: '2024-05-17' });
    const f = readCsv(r.files[0]!.path);
    t.deepEqual(f.rows.map((row) => row[0]), ['TQ1']);
    const days = await exportTable(db, { ...base(out, 'fct_refund'), splitBy: 'day' });
    t.deepEqual(days.files.map((x) => [x.day, x.rows]), [['2024-05-16', 1], ['2024-05-17', 1], ['2024-05-18', 2]]);
  });
}

test('a view by month filters on the months of --from and --to and cannot be split by day', async (t) => {
  const db = await planted(t, 'SQLite');
  const out = tempDir(t);
  const r = await exportTable(db!, { ...base(out, 'v_sku_sales'), from: '2024-05-31', to: '2024-05-31' });
  t.deepEqual([...new Set(readCsv(r.files[0]!.path).rows.map((row) => row[0]))], ['2024-05']);
  await t.throwsAsync(exportTable(db!, { ...base(out, 'v_sku_sales'), splitBy: 'day' }), { instanceOf: UsageError, message: /no day column/ });
  await t.throwsAsync(exportTable(db!, { ...base(out, 'etl_row_state'), from: '2024-01-01' }), { instanceOf: UsageError, message: /no date column/ });
});

test('an export that fails leaves no file under a final name and no temporary file', async (t) => {
  const db = await planted(t, 'SQLite');
  const out = tempDir(t);
  // The final name is taken by a folder: the rename at the end fails.
  fs.mkdirSync(path.join(out, 'fct_order_line.csv'));
  await t.throwsAsync(exportTable(db!, base(out, 'fct_order_line')));
  t.deepEqual(fs.readdirSync(out), ['fct_order_line.csv']);
  t.true(fs.statSync(path.join(out, 'fct_order_line.csv')).isDirectory());
});

test('exporting a view from a warehouse without it asks for hub-etl migrate', async (t) => {
  const db = await openDb(target(tempSqliteUrl(t)), { create: true });
  t.teardown(() => db.close());
  await t.throwsAsync(exportTable(db, base(tempDir(t), 'v_sales_daily')), { message: /hub-etl migrate/ });
});
