// A Chinese-header export opened by LibreOffice Calc (headless): converted to xlsx and back, the Chinese
// headers and values survive. Skipped where soffice is not installed (apt-get install libreoffice-calc).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { exportTable, relationNamed } from '../jobs/export.js';
import { openDb, rawRows } from '../lib/db.js';
import { cellText, readCsv } from './csv-read.js';
import { target, tempDir, tempSqliteUrl } from './helpers.js';
import { plantWarehouse } from './warehouse-fixture.js';

const run = promisify(execFile);

function soffice(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'soffice');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const bin = soffice();
const maybe = bin ? test : test.skip;

maybe('LibreOffice converts a zh export to xlsx keeping the Chinese headers and values, ids and decimals as text', async (t) => {
  const db = await openDb(target(tempSqliteUrl(t)), { create: true });
  t.teardown(() => db.close());
  await plantWarehouse(db);
  const dir = tempDir(t);
  const r = await exportTable(db, { table: 'fct_order_line', outDir: dir, headerLang: 'zh', bom: true });
  // Its own profile folder, so that it neither clashes with another soffice nor leaves state behind.
  const profile = `-env:UserInstallation=file://${path.join(dir, 'profile')}`;
  // CSV import options: comma, double quote, UTF-8 (76), from line 1, quoted fields as text (the 7th).
  await run(bin!, [profile, '--headless', '--norestore', '--infilter=CSV:44,34,76,1,,0,true', '--convert-to', 'xlsx', '--outdir', path.join(dir, 'xlsx'), r.files[0]!.path], { timeout: 120_000 });
  const xlsx = path.join(dir, 'xlsx', 'fct_order_line.xlsx');
  t.true(fs.statSync(xlsx).size > 0);
  await run(bin!, [profile, '--headless', '--norestore', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', path.join(dir, 'back'), xlsx], { timeout: 120_000 });
  const back = readCsv(path.join(dir, 'back', 'fct_order_line.csv'));
  const cols = relationNamed('fct_order_line').columns;
  t.deepEqual(back.header, cols.map((c) => c.labelZh));
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${cols.map((c) => c.name).join(', ')} from fct_order_line order by sub_item_id`);
  // A spreadsheet has no NULL apart from "", and a cell keeps line feeds only.
  const asSheet = (v: string | null) => (v === null || v === '' ? null : v.replace(/\r\n/g, '\n'));
  t.deepEqual(back.rows.map((row) => row.map(asSheet)), rows.map((row) => cols.map((c) => asSheet(cellText(row[c.name])))));
});
