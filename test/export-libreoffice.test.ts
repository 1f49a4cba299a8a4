// Exports opened by LibreOffice Calc (headless) as a person opens them, then read back: an xlsx export keeps
// every id digit for digit, money and dates typed, Chinese text intact; so does an --excel-safe CSV opened the
// default way, where a plain CSV loses the last digits of its ids; a plain CSV imported with quoted fields as
// text keeps them too. Needs soffice (scripts/services.sh installs libreoffice-calc-nogui): skipped without it
// outside CI, a failure under CI=true.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import ExcelJS from 'exceljs';
import { exportTable, relationNamed } from '../jobs/export.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { xlsxHeader } from '../sinks/xlsx.js';
import { cellText, readCsv } from './csv-read.js';
import { missing, serviceThere, target, tempDir, tempSqliteUrl, testWith } from './helpers.js';
import { contextFor, generate, run as runStreams } from './stream-helpers.js';
import { plantWarehouse } from './warehouse-fixture.js';

const exec = promisify(execFile);

function soffice(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'soffice');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const bin = soffice();

serviceThere('soffice', bin !== null);

function needSoffice(t: ExecutionContext): boolean {
  return bin !== null || missing(t, 'soffice', 'soffice (LibreOffice) is not installed (scripts/services.sh installs it)');
}

/** soffice --convert-to, with its own profile folder so that it neither clashes with another soffice nor leaves state. */
async function convert(dir: string, file: string, to: string, outDir: string, infilter?: string): Promise<string> {
  const profile = `-env:UserInstallation=file://${path.join(dir, 'profile')}`;
  await exec(bin!, [profile, '--headless', '--norestore', ...(infilter ? [`--infilter=${infilter}`] : []), '--convert-to', to, '--outdir', outDir, file], { timeout: 180_000 });
  const out = path.join(outDir, `${path.basename(file).replace(/\.[^.]+$/, '')}.${to.split(':')[0]}`);
  if (!fs.existsSync(out)) throw new Error(`soffice wrote no ${out}`);
  return out;
}

type Value = ExcelJS.CellValue;

/** A cell's text as a person sees it: rich text joined, a formula's result. */
function text(v: Value): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'formula' in v) return text(v.result as Value);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

async function sheetRows(file: string): Promise<{ header: Array<string | null>; rows: ExcelJS.Row[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0]!;
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((r, n) => {
    if (n > 1) rows.push(r);
  });
  const width = relationNamed('fct_order_line').columns.length;
  return { header: Array.from({ length: width }, (_, i) => text(ws.getRow(1).getCell(i + 1).value)), rows };
}

async function lines(db: Db): Promise<Array<Record<string, unknown>>> {
  const cols = relationNamed('fct_order_line').columns;
  return rawRows<Record<string, unknown>>(db, db.dialect, `select ${cols.map((c) => c.name).join(', ')} from fct_order_line order by sub_item_id`);
}

const utc = (s: string) => new Date(Date.parse(`${s.replace(' ', 'T')}${s.length === 10 ? 'T00:00:00' : ''}Z`));
// A spreadsheet keeps line feeds only, and has no NULL apart from an empty cell.
const asSheet = (v: string | null) => (v === null || v === '' ? null : v.replace(/\r\n/g, '\n'));

/**
 * Checks a workbook LibreOffice wrote against the warehouse: ids and text cell for cell, money and quantities
 * numbers, dates and times date cells at the same instant (ms), Chinese text as stored.
 */
function sameAsWarehouse(t: ExecutionContext, rows: ExcelJS.Row[], want: Array<Record<string, unknown>>, opts: { numFmt: boolean }): void {
  const cols = relationNamed('fct_order_line').columns;
  t.is(rows.length, want.length);
  let ids = 0;
  let money = 0;
  let dates = 0;
  rows.forEach((r, n) => {
    cols.forEach((c, i) => {
      const cell = r.getCell(i + 1);
      const expected = cellText(want[n]![c.name]);
      const where = `row ${n + 2} ${c.name}`;
      if (expected === null) return t.is(asSheet(text(cell.value)), null, where);
      switch (c.type.kind) {
        case 'id': {
          t.is(text(cell.value), expected, where);
          t.is(typeof (typeof cell.value === 'object' && cell.value && 'formula' in cell.value ? cell.value.result : cell.value), 'string', where);
          ids++;
          break;
        }
        case 'decimal': {
          if (expected.replace(/[-.]/g, '').replace(/^0+|0+$/g, '').length > 15) {
            t.is(text(cell.value), expected, `${where}: beyond 15 digits stays exact text`);
            break;
          }
          t.is(typeof cell.value, 'number', where);
          t.is(cell.value, Number(expected), where);
          if (opts.numFmt) t.is(cell.numFmt, `0.${'0'.repeat(c.type.scale)}`, where);
          money++;
          break;
        }
        case 'date':
        case 'timestamp': {
          t.true(cell.value instanceof Date, where);
          t.is((cell.value as Date).getTime(), utc(expected).getTime(), where);
          dates++;
          break;
        }
        case 'int':
          t.is(cell.value, Number(expected), where);
          break;
        default:
          t.is(asSheet(text(cell.value)), asSheet(expected), where);
      }
    });
  });
  t.true(ids > 0 && money > 0 && dates > 0);
}

async function generatedWarehouse(t: ExecutionContext): Promise<Db> {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '120', '--seed', '41']);
  await runStreams(contextFor(t, src, wh), { streams: ['orders', 'order_lines'] });
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  return db;
}

async function plantedWarehouse(t: ExecutionContext): Promise<Db> {
  const db = await openDb(target(tempSqliteUrl(t)), { create: true });
  t.teardown(() => db.close());
  await plantWarehouse(db);
  return db;
}

for (const [name, open] of [['a generated store', generatedWarehouse], ['the nasty fixture', plantedWarehouse]] as const) {
  testWith('soffice')(`xlsx of fct_order_line from ${name}, opened and saved again by LibreOffice, keeps ids, typed money and dates, and Chinese text`, async (t) => {
    if (!needSoffice(t)) return;
    const db = await open(t);
    const want = await lines(db);
    t.true(want.length > 0);
    const dir = tempDir(t);
    const r = await exportTable(db, { table: 'fct_order_line', outDir: dir, headerLang: 'zh', bom: false, format: 'xlsx' });
    t.is(r.rows, want.length);
    const saved = await convert(dir, r.files[0]!.path, 'xlsx', path.join(dir, 'saved'));
    const back = await sheetRows(saved);
    t.deepEqual(back.header, relationNamed('fct_order_line').columns.map((c) => xlsxHeader(c, 'zh')));
    sameAsWarehouse(t, back.rows, want, { numFmt: true });
    // And as text, the way the sheet shows it: every id digit for digit.
    const csv = readCsv(await convert(dir, saved, 'csv:Text - txt - csv (StarCalc):44,34,76,1', path.join(dir, 'csv')));
    const cols = relationNamed('fct_order_line').columns;
    cols.forEach((c, i) => {
      if (c.type.kind === 'id' || c.type.kind === 'text') t.deepEqual(csv.rows.map((row) => asSheet(row[i] ?? null)), want.map((w) => asSheet(cellText(w[c.name]))), c.name);
    });
  });
}

testWith('soffice')('an --excel-safe CSV opened the default way keeps every id; a plain CSV opened so loses their last digits', async (t) => {
  if (!needSoffice(t)) return;
  const db = await plantedWarehouse(t);
  const want = await lines(db);
  const dir = tempDir(t);
  // LibreOffice's defaults apart from the character set a double-click detects: comma, quote, UTF-8, line 1.
  const defaults = 'CSV:44,34,76,1';
  const safe = await exportTable(db, { table: 'fct_order_line', outDir: path.join(dir, 'safe'), headerLang: 'zh', bom: true, excelSafe: true });
  const safeBack = await sheetRows(await convert(dir, safe.files[0]!.path, 'xlsx', path.join(dir, 'safe-back'), defaults));
  t.deepEqual(safeBack.header, relationNamed('fct_order_line').columns.map((c) => c.labelZh));
  sameAsWarehouse(t, safeBack.rows, want, { numFmt: false });

  const plain = await exportTable(db, { table: 'fct_order_line', outDir: path.join(dir, 'plain'), headerLang: 'zh', bom: true });
  const plainBack = await sheetRows(await convert(dir, plain.files[0]!.path, 'xlsx', path.join(dir, 'plain-back'), defaults));
  const first = plainBack.rows[0]!.getCell(1).value;
  t.is(typeof first, 'number', 'a plain CSV id becomes a float');
  t.not(String(first), cellText(want[0]!.order_id));
});

testWith('soffice')('a plain CSV imported with quoted fields as text keeps the Chinese headers and every value', async (t) => {
  if (!needSoffice(t)) return;
  const db = await plantedWarehouse(t);
  const dir = tempDir(t);
  const r = await exportTable(db, { table: 'fct_order_line', outDir: dir, headerLang: 'zh', bom: true });
  // CSV import options: comma, double quote, UTF-8 (76), from line 1, quoted fields as text (the 7th).
  const xlsx = await convert(dir, r.files[0]!.path, 'xlsx', path.join(dir, 'xlsx'), 'CSV:44,34,76,1,,0,true');
  const back = readCsv(await convert(dir, xlsx, 'csv:Text - txt - csv (StarCalc):44,34,76,1', path.join(dir, 'back')));
  const cols = relationNamed('fct_order_line').columns;
  t.deepEqual(back.header, cols.map((c) => c.labelZh));
  const rows = await lines(db);
  t.deepEqual(back.rows.map((row) => row.map(asSheet)), rows.map((row) => cols.map((c) => asSheet(cellText(row[c.name])))));
});
