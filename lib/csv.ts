// CSV text: RFC 4180 with CRLF line ends, UTF-8. Strings (ids, decimals, text, times) are quoted, so that a
// spreadsheet told to read quoted fields as text keeps 18-digit ids and leading zeros; integers are not.
// The writer the CSV warehouse (sinks/csv.ts) and exports (jobs/export-files.ts) share.
import { once } from 'node:events';
import { Transform } from '@json2csv/node';
import { SinkError } from './errors.js';

export type HeaderLang = 'en' | 'zh';

/** What the CSV writer needs of a column: its name, Chinese label and logical type. */
export interface CsvColumn { name: string; labelZh: string; type: { kind: string } }

export interface CsvOptions {
  headerLang?: HeaderLang;
  /** Write the header line (default true). */
  header?: boolean;
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (default false). */
  bom?: boolean;
  /** Rows arrive as arrays in column order instead of objects keyed by column name (faster off a cursor). */
  arrays?: boolean;
  /** Ids, and text a spreadsheet would turn into a number, date or formula, written as ="…" (see excelSafeCell). */
  excelSafe?: boolean;
}

export const CSV_EOL = '\r\n';

const quoteIfNeeded = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A cell's value in the form the CSV writer prints exactly: null for empty, BigInt or number for integers
 * (unquoted), string for everything else. Never goes through a JS number for ids or decimals.
 */
export function csvCell(kind: string, v: unknown): string | number | bigint | null {
  if (v === null || v === undefined) return null;
  if (kind === 'int' || kind === 'bool') {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  }
  if (kind === 'ratio' && typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (kind === 'id' && !Number.isSafeInteger(v)) throw new SinkError(`lossy id ${v} reached the CSV writer; ids must arrive as text or BigInt`);
    return String(v);
  }
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

// --excel-safe: what a spreadsheet opening a CSV file with a double-click would not keep as text. Digits with
// number or date punctuation become numbers (18-digit ids lose their last digits, codes their leading zeros)
// or dates; TRUE/FALSE become booleans; a start of =, +, - or @ makes a formula.
const NUMBER_OR_DATE = /^[\s\d.,:/()%+\-eE]*\d[\s\d.,:/()%+\-eE]*$/;
const BOOLEAN = /^(true|false)$/i;
const FORMULA_START = /^[=+\-@]/;
/** Excel quotes at most 255 characters in one text constant of a formula, and a formula has at most 8,192. */
const FORMULA_TEXT_MAX = 255;
const FORMULA_MAX = 8192;

/**
 * The formula ="…" that a spreadsheet shows as exactly `s`, as text: quotes doubled, line breaks as CHAR(13)
 * and CHAR(10), long text in pieces joined by &. Null when no formula can hold it (over 8,192 characters).
 */
export function excelText(s: string): string | null {
  const parts: string[] = [];
  for (const piece of s.split(/(\r|\n)/)) {
    if (piece === '\r' || piece === '\n') parts.push(`CHAR(${piece === '\r' ? 13 : 10})`);
    else for (let i = 0; i < piece.length; i += FORMULA_TEXT_MAX) parts.push(`"${piece.slice(i, i + FORMULA_TEXT_MAX).replace(/"/g, '""')}"`);
  }
  const formula = `=${parts.length ? parts.join('&') : '""'}`;
  return formula.length > FORMULA_MAX ? null : formula;
}

/**
 * --excel-safe: an id, text that a spreadsheet opening the file with a double-click would turn into a
 * number, date, boolean or formula, or a decimal of more than 15 significant digits (beyond a spreadsheet
 * number), as the formula ="…" that shows the exact text. Other cells as they are.
 */
export function excelSafeCell(kind: string, v: string | number | bigint | null): string | number | bigint | null {
  if (typeof v !== 'string') return v;
  const wrap = kind === 'id'
    || ((kind === 'text' || kind === 'longtext') && (NUMBER_OR_DATE.test(v) || BOOLEAN.test(v) || FORMULA_START.test(v)))
    // A spreadsheet number keeps 15 significant digits: a longer decimal stays exact as text.
    || (kind === 'decimal' && v.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length > 15);
  return wrap ? (excelText(v) ?? v) : v;
}

/** The json2csv stream transform: row objects in, CSV text out, columns in the given order. */
export function csvTransform(columns: CsvColumn[], opts: CsvOptions = {}): Transform<Record<string, unknown>, Record<string, unknown>> {
  const fields = columns.map((c, i) => {
    const kind = c.type.kind;
    const key = opts.arrays ? i : c.name;
    const value = opts.excelSafe
      ? (row: Record<string | number, unknown>) => excelSafeCell(kind, csvCell(kind, row[key]))
      : (row: Record<string | number, unknown>) => csvCell(kind, row[key]);
    return { label: opts.headerLang === 'zh' ? c.labelZh : c.name, value };
  });
  return new Transform<Record<string, unknown>, Record<string, unknown>>(
    {
      fields,
      header: opts.header !== false,
      withBOM: opts.bom === true,
      eol: CSV_EOL,
      // A row whose cells are all empty is still a row.
      includeEmptyRows: true,
      formatters: { header: quoteIfNeeded },
    },
    {},
    { objectMode: true },
  );
}

/** Formats rows (and the header, if asked) as CSV text, each line ending in CRLF. */
export async function csvText(columns: CsvColumn[], rows: Iterable<Record<string, unknown>>, opts: CsvOptions = {}): Promise<string> {
  const t = csvTransform(columns, opts);
  const out: string[] = [];
  t.on('data', (chunk) => out.push(String(chunk)));
  const ended = once(t, 'end');
  let any = opts.header !== false;
  for (const r of rows) {
    t.write(r);
    any = true;
  }
  t.end();
  await ended;
  return any ? `${out.join('')}${CSV_EOL}` : '';
}
