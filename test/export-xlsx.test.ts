// hub-etl export --format xlsx read back with exceljs: cells typed from the schema (ids text, money and
// quantities numbers with their decimals, dates and UTC times date cells), headers, frozen row, widths, a sheet
// or a file per day, the row limit, bad cells named, nothing left behind on failure or interruption; and
// --excel-safe CSV cells.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import ExcelJS from 'exceljs';
import { exportTable, relationNamed, type ExportOptions } from '../jobs/export.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { DataError, InterruptedError, UsageError } from '../lib/errors.js';
import { excelSafeCell, excelText } from '../lib/csv.js';
import { displayWidth, xlsxCell, xlsxHeader, XlsxWriter } from '../sinks/xlsx.js';
import { DATE, ID, MONEY, QTY, TS, text } from '../sql/warehouse/tables.js';
import { cellText, readCsv } from './csv-read.js';
import { runCli, target, tempDir, tempSqliteUrl } from './helpers.js';
import { IDS, plantWarehouse } from './warehouse-fixture.js';

async function planted(t: Parameters<typeof tempDir>[0]): Promise<{ db: Db; url: string }> {
  const url = tempSqliteUrl(t);
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await plantWarehouse(db);
  return { db, url };
}

async function book(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

const xlsx = (out: string, table: string): ExportOptions => ({ table, outDir: out, headerLang: 'en', bom: false, format: 'xlsx' });

test('xlsx cells are typed from the schema: ids text, money and quantities numbers with their decimals, dates and UTC times dates', async (t) => {
  const { db } = await planted(t);
  const out = tempDir(t);
  const r = await exportTable(db, xlsx(out, 'fct_order_line'));
  t.is(path.basename(r.files[0]!.path), 'fct_order_line.xlsx');
  t.deepEqual(r.files[0]!.sheets, [{ name: 'fct_order_line', rows: 7 }]);
  const ws = (await book(r.files[0]!.path)).getWorksheet('fct_order_line')!;
  const cols = relationNamed('fct_order_line').columns;
  t.deepEqual(cols.map((c, i) => ws.getRow(1).getCell(i + 1).value), cols.map((c) => (c.type.kind === 'timestamp' ? `${c.name} (UTC)` : c.name)));
  t.deepEqual(ws.views[0], { ...ws.views[0], state: 'frozen', ySplit: 1 });
  const want = await rawRows<Record<string, unknown>>(db, db.dialect, `select * from fct_order_line order by sub_item_id`);
  const at = (name: string) => cols.findIndex((c) => c.name === name) + 1;
  want.forEach((w, n) => {
    const row = ws.getRow(n + 2);
    t.is(row.getCell(at('order_id')).value, cellText(w.order_id));
    t.is(row.getCell(at('order_id')).numFmt, '@');
    t.is(row.getCell(at('sku_id')).value, cellText(w.sku_id));
    t.is(row.getCell(at('quantity')).value, Number(w.quantity));
    t.is(row.getCell(at('quantity')).numFmt, '0.0000');
    if (w.refund_amount !== null) t.is(row.getCell(at('refund_amount')).numFmt, '0.000');
    t.deepEqual(row.getCell(at('order_date')).value, new Date(`${String(w.order_date)}T00:00:00Z`));
    t.is(row.getCell(at('order_date')).numFmt, 'yyyy-mm-dd');
    t.deepEqual(row.getCell(at('created_at')).value, new Date(`${String(w.created_at).replace(' ', 'T')}Z`));
    t.is(row.getCell(at('created_at')).numFmt, 'yyyy-mm-dd hh:mm:ss');
    t.is(row.getCell(at('logistics_status')).value, 2);
    const name = row.getCell(at('product_name')).value;
    // A sheet has no NULL (NULL and "" are both an empty cell), and XML reads a CR LF as a line feed.
    t.is(name && typeof name === 'object' && 'richText' in name ? name.richText.map((x) => x.text).join('') : name, w.product_name === null || w.product_name === '' ? null : String(w.product_name).replace(/\r\n/g, '\n'));
  });
  const amounts = want.map((w, n) => ws.getRow(n + 2).getCell(at('line_amount')));
  t.true(amounts.some((c) => c.value === 24.69 && c.numFmt === '0.00'));
  // 17 significant digits: no spreadsheet number holds it, so it stays the exact text.
  t.true(amounts.some((c) => c.value === '123456789012345.67' && c.numFmt === '@'));
  t.true(want.some((w, n) => cellText(w.sku_id) === IDS.s2 && ws.getRow(n + 2).getCell(at('sku_id')).value === IDS.s2));
  const width = (name: string) => ws.getColumn(at(name)).width ?? 0;
  t.true(width('order_id') >= 18 && width('product_name') <= 60 && width('order_date') >= 10);
});

test('Chinese headers are the labels, with (UTC) on UTC times', async (t) => {
  const { db } = await planted(t);
  const r = await exportTable(db, { ...xlsx(tempDir(t), 'v_order_fulfilment'), headerLang: 'zh' });
  const ws = (await book(r.files[0]!.path)).worksheets[0]!;
  const cols = relationNamed('v_order_fulfilment').columns;
  t.deepEqual(cols.map((_, i) => ws.getRow(1).getCell(i + 1).value), cols.map((c) => xlsxHeader(c, 'zh')));
  t.is(ws.getRow(1).getCell(4).value, '下单时间 (UTC)');
});

test('--split-by day makes a sheet per day of one workbook, or with files a workbook per day', async (t) => {
  const { db } = await planted(t);
  const out = tempDir(t);
  const sheets = await exportTable(db, { ...xlsx(out, 'fct_order_line'), splitBy: 'day', from: '2024-05-17' });
  t.is(sheets.files.length, 1);
  t.is(path.basename(sheets.files[0]!.path), 'fct_order_line.2024-05-17_end.xlsx');
  t.deepEqual(sheets.files[0]!.sheets, [{ name: '2024-05-17', rows: 3 }, { name: '2024-05-18', rows: 2 }, { name: '2024-06-01', rows: 2 }]);
  const wb = await book(sheets.files[0]!.path);
  t.deepEqual(wb.worksheets.map((w) => [w.name, w.rowCount]), [['2024-05-17', 4], ['2024-05-18', 3], ['2024-06-01', 3]]);
  const files = await exportTable(db, { ...xlsx(path.join(out, 'files'), 'fct_order_line'), splitBy: 'day', splitInto: 'files' });
  t.deepEqual(files.files.map((f) => [path.basename(f.path), f.rows, f.day]), [
    ['fct_order_line.2024-05-17.xlsx', 3, '2024-05-17'], ['fct_order_line.2024-05-18.xlsx', 2, '2024-05-18'], ['fct_order_line.2024-06-01.xlsx', 2, '2024-06-01'],
  ]);
  t.deepEqual(fs.readdirSync(path.join(out, 'files')).sort(), files.files.map((f) => path.basename(f.path)));
});

test('a sheet that reaches the row limit goes on in a sheet of its own with the header again', async (t) => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const cols = [{ name: 'id', labelZh: '编号', type: ID }, { name: 'amount', labelZh: '金额', type: MONEY }];
  const w = new XlsxWriter(sink, cols, { headerLang: 'zh', table: 't', key: ['id'], maxRows: 2 });
  w.startSheet('2024-05-17');
  for (let i = 0; i < 5; i++) await w.write([String(240517803316129437n + BigInt(i)), '1.50']);
  await w.finish();
  t.deepEqual(w.sheets, [{ name: '2024-05-17', rows: 2 }, { name: '2024-05-17 (2)', rows: 2 }, { name: '2024-05-17 (3)', rows: 1 }]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as Parameters<typeof wb.xlsx.load>[0]);
  t.deepEqual(wb.worksheets.map((s) => s.getRow(1).getCell(1).value), ['编号', '编号', '编号']);
  t.is(wb.worksheets[2]!.getRow(2).getCell(1).value, '240517803316129441');
});

test('a value no cell can hold fails the export naming the row, its key and the column, and leaves no file', async (t) => {
  const { db } = await planted(t);
  await db.knex('fct_order_line').where({ sub_item_id: '240517803316200001' }).update({ product_name: 'bell\u0007' });
  const out = tempDir(t);
  const err = await t.throwsAsync(exportTable(db, xlsx(out, 'fct_order_line')), { instanceOf: DataError });
  t.regex(err!.message, /fct_order_line row 1 \(sub_item_id 240517803316200001\), column product_name: control character U\+0007/);
  t.deepEqual(fs.readdirSync(out), []);
});

test('an interrupted xlsx export removes its temporary file', async (t) => {
  const { db } = await planted(t);
  const out = tempDir(t);
  const ctl = new AbortController();
  ctl.abort(new InterruptedError('interrupted by SIGINT'));
  await t.throwsAsync(exportTable(db, { ...xlsx(out, 'fct_order_line'), signal: ctl.signal }), { instanceOf: InterruptedError });
  t.deepEqual(fs.readdirSync(out), []);
});

test('options that do not fit the format are usage errors', async (t) => {
  const { db, url } = await planted(t);
  const out = tempDir(t);
  await t.throwsAsync(exportTable(db, { ...xlsx(out, 'fct_order'), excelSafe: true }), { instanceOf: UsageError, message: /--excel-safe is for CSV/ });
  await t.throwsAsync(exportTable(db, { ...xlsx(out, 'fct_order'), splitInto: 'files' }), { instanceOf: UsageError, message: /--split-into: give --split-by day/ });
  await t.throwsAsync(exportTable(db, { ...xlsx(out, 'fct_order'), format: 'csv', splitBy: 'day', splitInto: 'sheets' }), { instanceOf: UsageError, message: /only xlsx has sheets/ });
  const bom = await runCli(['export', '-t', 'fct_order', '--format', 'xlsx', '--bom', '-o', out], { env: { HUB_WAREHOUSE_URL: url } });
  t.is(bom.code, 2);
  t.regex(bom.stderr, /--bom\/--no-bom: an xlsx file has no byte order mark/);
  const ok = await runCli(['export', '-t', 'fct_order', '--format', 'xlsx', '--header-lang', 'zh', '-o', out], { env: { HUB_WAREHOUSE_URL: url } });
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /wrote 6 rows to .*fct_order\.xlsx/);
  t.deepEqual(fs.readdirSync(out), ['fct_order.xlsx']);
});

test('cell values: exact text where a number would not be, a clear reason for what no cell holds', (t) => {
  t.is(xlsxCell(ID, 240517803316129437n), '240517803316129437');
  t.is(xlsxCell(MONEY, '-12.30'), -12.3);
  t.is(xlsxCell(MONEY, '9999999999999.99'), 9999999999999.99);
  t.is(xlsxCell(MONEY, '90071992547409.93'), '90071992547409.93');
  t.is(xlsxCell(QTY, '0.0001'), 0.0001);
  t.deepEqual(xlsxCell(DATE, '2024-05-17'), new Date(Date.UTC(2024, 4, 17)));
  t.deepEqual(xlsxCell(TS, '2024-05-16 16:30:15.123'), new Date(Date.UTC(2024, 4, 16, 16, 30, 15, 123)));
  t.is(xlsxCell(DATE, '1899-12-31'), '1899-12-31');
  t.is(xlsxCell(text(10), null), null);
  t.throws(() => xlsxCell(ID, 2 ** 60), { message: /lossy id/ });
  t.throws(() => xlsxCell(MONEY, '12,30'), { message: /"12,30" is no decimal/ });
  t.throws(() => xlsxCell(DATE, '17.05.2024'), { message: /is no YYYY-MM-DD date/ });
  t.throws(() => xlsxCell(text(10), 'x'.repeat(32_768)), { message: /32768 characters; a spreadsheet cell holds at most 32767/ });
  t.is(displayWidth('电动扳手 20V'), 12);
});

test('--excel-safe writes ids and number-, date- or formula-like text as ="…", money and plain text as they are', async (t) => {
  t.is(excelSafeCell('id', '240517803316129437'), '="240517803316129437"');
  t.is(excelSafeCell('text', '010020'), '="010020"');
  t.is(excelSafeCell('text', '2024-05'), '="2024-05"');
  t.is(excelSafeCell('text', 'TRUE'), '="TRUE"');
  t.is(excelSafeCell('text', '=SUM(A1) "x"\r\ny'), '="=SUM(A1) ""x"""&CHAR(13)&CHAR(10)&"y"');
  t.is(excelSafeCell('text', 'b2b-张三'), 'b2b-张三');
  t.is(excelSafeCell('decimal', '12.30'), '12.30');
  t.is(excelSafeCell('decimal', '123456789012345.67'), '="123456789012345.67"');
  t.is(excelSafeCell('int', 7), 7);
  t.is(excelText('a'.repeat(300)), `="${'a'.repeat(255)}"&"${'a'.repeat(45)}"`);
  t.is(excelText('x'.repeat(9000)), null);

  const { db } = await planted(t);
  const r = await exportTable(db, { table: 'fct_order_line', outDir: tempDir(t), headerLang: 'en', bom: false, excelSafe: true });
  const f = readCsv(r.files[0]!.path);
  const want = await rawRows<Record<string, unknown>>(db, db.dialect, 'select sub_item_id, line_amount from fct_order_line order by sub_item_id');
  t.deepEqual(f.rows.map((row) => row[f.header.indexOf('sub_item_id')]), want.map((w) => `="${cellText(w.sub_item_id)}"`));
  t.true(f.rows.some((row) => row[f.header.indexOf('line_amount')] === '24.69'));
});
