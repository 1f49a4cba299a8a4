// hub-etl export as a person runs it: help, defaults (BOM with Chinese headers), one-line usage errors.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { openDb } from '../lib/db.js';
import { relationNamed } from '../jobs/export.js';
import { readCsv } from './csv-read.js';
import { runCli, target, tempDir, tempSqliteUrl } from './helpers.js';
import { plantWarehouse } from './warehouse-fixture.js';

async function plantedUrl(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const url = tempSqliteUrl(t, 'wh.db');
  const db = await openDb(target(url), { create: true });
  await plantWarehouse(db);
  await db.close();
  return url;
}

test('export --help names the date column of every table and view', async (t) => {
  const r = await runCli(['export', '--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /Usage: hub-etl export/);
  t.regex(r.stdout, /fct_order_line\s+order_date \(store-local date\)/);
  t.regex(r.stdout, /fct_refund\s+modified_at \(UTC day\)/);
  t.regex(r.stdout, /v_sku_sales\s+month \(month YYYY-MM\)/);
  t.regex(r.stdout, /etl_row_state\s+— \(no date/);
});

test('Chinese headers come with a byte order mark unless --no-bom; English ones without', async (t) => {
  const wh = await plantedUrl(t);
  const out = tempDir(t);
  const zh = await runCli(['export', '--table', 'v_sales_daily', '--header-lang', 'zh', '--out', out], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(zh.code, 0, zh.stderr);
  t.regex(zh.stdout, /wrote 3 rows to .*v_sales_daily\.csv/);
  t.regex(zh.stdout, /exported 3 rows of v_sales_daily into 1 file/);
  const f = readCsv(path.join(out, 'v_sales_daily.csv'));
  t.true(f.bom);
  t.deepEqual(f.header, relationNamed('v_sales_daily').columns.map((c) => c.labelZh));
  await runCli(['export', '--table', 'v_sales_daily', '--header-lang', 'zh', '--no-bom', '--out', out], { env: { HUB_WAREHOUSE_URL: wh } });
  t.false(readCsv(path.join(out, 'v_sales_daily.csv')).bom);
  await runCli(['export', '--table', 'v_sales_daily', '--out', out], { env: { HUB_WAREHOUSE_URL: wh } });
  t.false(readCsv(path.join(out, 'v_sales_daily.csv')).bom);
  t.deepEqual(fs.readdirSync(out), ['v_sales_daily.csv']);
});

test('--json reports the files and rows written', async (t) => {
  const wh = await plantedUrl(t);
  const out = tempDir(t);
  const r = await runCli(['export', '-t', 'fct_order_line', '--split-by', 'day', '--from', '2024-05-17', '-o', out, '--json'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { rows: number; files: Array<{ path: string; rows: number; day: string }> };
  t.is(j.rows, 7);
  t.deepEqual(j.files.map((f) => [f.day, f.rows]), [['2024-05-17', 3], ['2024-05-18', 2], ['2024-06-01', 2]]);
});

test('--progress draws a bar with the row count on a non-terminal stderr', async (t) => {
  const wh = await plantedUrl(t);
  const r = await runCli(['export', '-t', 'fct_order', '-o', tempDir(t), '--progress'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /fct_order \[.*\] \d+% \| 6\/6 rows/);
});

test('usage errors are one line and exit 2: unknown table, no day to split, a CSV warehouse', async (t) => {
  const wh = await plantedUrl(t);
  const unknown = await runCli(['export', '--table', 'fct_nope'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /--table: "fct_nope" is no warehouse table or view; expected one of fct_order, /);
  const split = await runCli(['export', '--table', 'v_refund_rate', '--split-by', 'day'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(split.code, 2);
  t.regex(split.stderr, /--split-by day: v_refund_rate has no day column/);
  const badDate = await runCli(['export', '--table', 'fct_order', '--from', '2024-13-01'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(badDate.code, 2);
  const csv = await runCli(['export', '--table', 'fct_order'], { env: { HUB_WAREHOUSE_URL: `csv:${tempDir(t)}` } });
  t.is(csv.code, 2);
  t.is(csv.stderr.trim().split('\n').length, 1);
  t.regex(csv.stderr, /is a folder of CSV files/);
});
