// Reads CSV files back for tests with an independent parser (csv-parse), keeping empty (null) apart from "".
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvFile { bom: boolean; header: string[]; rows: Array<Array<string | null>>; endsWithNewline: boolean }

export function readCsv(file: string): CsvFile {
  const buf = fs.readFileSync(file);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const text = buf.toString('utf8');
  const records = parse(text, {
    bom: true,
    relax_column_count: false,
    // An unquoted empty field is NULL; a quoted one is the empty string.
    cast: (value, ctx) => (ctx.quoting ? value : value === '' ? null : value),
  }) as Array<Array<string | null>>;
  const [header, ...rows] = records;
  return { bom, header: (header ?? []).map((h) => h ?? ''), rows, endsWithNewline: text.endsWith('\r\n') };
}

/** The text a database or transform value must read back as (null for NULL). */
export function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) && Number.isInteger(v)) throw new Error(`lossy integer ${v}`);
    return String(v);
  }
  return String(v);
}

/** Rows of a CSV file as objects keyed by header. */
export function csvObjects(f: CsvFile): Array<Record<string, string | null>> {
  return f.rows.map((r) => Object.fromEntries(f.header.map((h, i) => [h, r[i] ?? null])));
}

/** Nasty text: Chinese, emoji, a comma, quotes, CR/LF inside, leading/trailing spaces, a formula-looking start. */
export const NASTY = [
  '电动扳手 20V, "无刷"\n套装 🔧',
  '=SUM(A1:A9)，含税；"引号"\r\n第二行',
  '  空格 ',
  '',
  'ok',
  '𠮷野家 👨‍👩‍👧 ZWJ',
  'back\\slash "quoted, twice" ""',
];
