// The xlsx writer of `hub-etl export --format xlsx`: one workbook streamed to a file by exceljs's streaming
// writer, one sheet per part, every cell typed from its column's logical type so that a workbook opened with a
// double-click shows what the warehouse holds: ids and codes as text, money and quantities as numbers with
// their decimals, dates and UTC times as date cells. Rows are committed as they come, so memory stays flat.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DataError, SinkError } from '../lib/errors.js';
import type { ViewColumnType } from '../sql/warehouse/views.js';
import type { HeaderLang } from '../lib/csv.js';

/** What the xlsx writer needs of a column: its name, Chinese label and logical type (with the decimal scale). */
export interface XlsxColumn { name: string; labelZh: string; type: ViewColumnType }

/** A sheet holds 1,048,576 rows in Excel and LibreOffice: the header and 1,048,575 rows of data. */
export const SHEET_MAX_ROWS = 1_048_575;
/** The most characters a cell holds in Excel. */
export const CELL_MAX_CHARS = 32_767;
/** Significant digits a spreadsheet number keeps (a double shows 15 exactly). */
export const NUMBER_MAX_DIGITS = 15;
/** Rows at the start of a sheet whose values fit the column widths (kept uncommitted until then). */
export const WIDTH_SAMPLE_ROWS = 1000;
const WIDTH_MIN = 6;
const WIDTH_MAX = 60;
/** Sheet XML allowed to wait for the compressor before writing pauses: exceljs's own buffers never push back. */
const BACKLOG_MAX_BYTES = 8 * 1024 * 1024;
// XML 1.0 cannot carry these; exceljs would drop them without a word.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const EDGE_SPACE = /^\s|\s$/;
// Excel's day 61 is 1900-03-01; before it, its calendar counts a 29 February 1900 that never was.
const FIRST_SERIAL_DATE = Date.UTC(1900, 2, 1);

export type XlsxValue = string | number | Date | null;

const significantDigits = (decimal: string) => decimal.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;

function toDate(kind: 'date' | 'timestamp', s: string): Date | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s);
  if (!m || (kind === 'date' && m[4] !== undefined)) throw new Error(`"${s}" is no ${kind === 'date' ? 'YYYY-MM-DD date' : 'YYYY-MM-DD HH:MM:SS.SSS timestamp'}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0')));
  // A day a spreadsheet's calendar cannot show stays the exact text.
  return ms < FIRST_SERIAL_DATE ? s : new Date(ms);
}

/**
 * A warehouse value as a spreadsheet cell holds it: text for ids and codes (never a float), a number for
 * integers, money, quantities and ratios, a Date (UTC) for dates and timestamps, null for NULL. A value that
 * a spreadsheet number cannot hold exactly (more than 15 significant digits) stays its exact text.
 * Throws an Error saying why when a value cannot be a cell.
 */
export function xlsxCell(type: ViewColumnType, v: unknown): XlsxValue {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'id':
      if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new Error(`lossy id ${v}; ids must arrive as text or BigInt`);
      return String(v);
    case 'int':
    case 'bool': {
      const s = String(v);
      if (!/^-?\d+$/.test(s)) throw new Error(`"${s}" is no integer`);
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : s;
    }
    case 'decimal': {
      const s = String(v);
      if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error(`"${s}" is no decimal`);
      return significantDigits(s) <= NUMBER_MAX_DIGITS ? Number(s) : s;
    }
    case 'ratio': {
      const n = typeof v === 'number' ? v : Number(String(v));
      if (!Number.isFinite(n)) throw new Error(`"${String(v)}" is no number`);
      return n;
    }
    case 'date':
    case 'timestamp':
      return toDate(type.kind, String(v));
    case 'text':
    case 'longtext': {
      const s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
      if (s.length > CELL_MAX_CHARS) throw new Error(`${s.length} characters; a spreadsheet cell holds at most ${CELL_MAX_CHARS} (export this table as CSV)`);
      const bad = XML_INVALID.exec(s);
      if (bad) throw new Error(`control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index + 1}, which an xlsx cell cannot hold (export this table as CSV)`);
      return s;
    }
  }
}

/** The number format of a column: text for ids and codes, the decimal places of money and quantities. */
export function numberFormat(type: ViewColumnType): string {
  switch (type.kind) {
    case 'id':
    case 'text':
    case 'longtext':
      return '@';
    case 'int':
    case 'bool':
      return '0';
    case 'decimal':
      return type.scale > 0 ? `0.${'0'.repeat(type.scale)}` : '0';
    case 'ratio':
      return 'General';
    case 'date':
      return 'yyyy-mm-dd';
    case 'timestamp':
      return 'yyyy-mm-dd hh:mm:ss';
  }
}

/** The header of a column: its name or Chinese label; a UTC timestamp says so. */
export function xlsxHeader(c: XlsxColumn, lang: HeaderLang): string {
  const label = lang === 'zh' ? c.labelZh : c.name;
  return c.type.kind === 'timestamp' ? `${label} (UTC)` : label;
}

// East Asian wide characters and emoji take two columns of width.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Columns of width a text takes in a sheet (its longest line), as a spreadsheet counts them. */
export function displayWidth(s: string): number {
  let widest = 0;
  for (const line of s.split(/\r?\n/)) {
    let w = 0;
    for (const ch of line) w += WIDE.test(ch) ? 2 : 1;
    if (w > widest) widest = w;
    if (widest >= WIDTH_MAX) break;
  }
  return widest;
}

function valueWidth(type: ViewColumnType, v: XlsxValue): number {
  if (v === null) return 0;
  if (v instanceof Date) return type.kind === 'date' ? 10 : 19;
  if (typeof v === 'number') return type.kind === 'decimal' ? v.toFixed(type.scale).length : String(v).length;
  return displayWidth(v);
}

/**
 * The part of exceljs's streaming writer this file drives (its typings leave out the sheet's commit). The
 * stream below is exceljs's internals, hence the exact version of exceljs in package.json.
 */
interface SheetWriter {
  getRow(n: number): ExcelJS.Row & { commit(): void };
  getColumn(n: number): ExcelJS.Column;
  commit(): void;
  /**
   * The sheet's XML on its way to the zip: exceljs's StreamBuf, which archiver pipes into a PassThrough of
   * readable-stream 2 (no writableLength there: its states' lengths tell what waits).
   */
  stream: { pipes: Array<{ _writableState?: { length: number }; _readableState?: { length: number } }>; buffers: Array<{ length: number }> };
}

interface Sheet { ws: SheetWriter; base: string; part: number; rows: number; widths: number[]; sampling: boolean }

export interface XlsxWriterOptions {
  headerLang: HeaderLang;
  /** Names errors: "<table> row 12 (sub_item_id 2405…), column product_name: …". */
  table: string;
  key: string[];
  /** Data rows per sheet before it goes on in the next (default and most: SHEET_MAX_ROWS). */
  maxRows?: number;
}

export interface SheetInfo { name: string; rows: number }

/**
 * One workbook streamed into `out`: `startSheet(name)` opens a sheet (ending the one before) with its header
 * row frozen; `write` adds a row to it; a sheet that reaches the row limit goes on in "<name> (2)", "(3)", ….
 * `finish` ends the workbook and resolves once `out` has taken every byte.
 */
export class XlsxWriter {
  readonly sheets: SheetInfo[] = [];
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly styles: Array<Partial<ExcelJS.Style>>;
  private readonly textStyle: Partial<ExcelJS.Style> = { numFmt: '@' };
  private readonly headerStyle: Partial<ExcelJS.Style> = { numFmt: '@', font: { bold: true } };
  private readonly keyAt: number[];
  private sheet: Sheet | null = null;
  private failed: Error | null = null;
  private done = false;

  constructor(private readonly out: Writable, private readonly columns: XlsxColumn[], private readonly opts: XlsxWriterOptions) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    // Shared style objects: exceljs remembers the style id of an object it has seen, so a cell costs no lookup.
    this.styles = columns.map((c) => ({ numFmt: numberFormat(c.type) }));
    this.keyAt = opts.key.map((k) => columns.findIndex((c) => c.name === k)).filter((i) => i >= 0);
    const fail = (e: Error) => (this.failed ??= e);
    out.on('error', fail);
    (this.wb as unknown as { zip: NodeJS.EventEmitter }).zip.on('error', fail);
  }

  /** Opens the next sheet, named `name` (made valid and unique); the sheet before it is complete. */
  startSheet(name: string): void {
    this.endSheet();
    this.openSheet(name, 1);
  }

  private openSheet(base: string, part: number): void {
    const name = this.uniqueName(part === 1 ? base : `${base} (${part})`);
    const ws = this.wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] }) as unknown as SheetWriter;
    const header = ws.getRow(1);
    this.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = xlsxHeader(c, this.opts.headerLang);
      cell.style = this.headerStyle;
    });
    this.sheet = { ws, base, part, rows: 0, widths: this.columns.map((c) => displayWidth(xlsxHeader(c, this.opts.headerLang)) + 1), sampling: true };
    this.sheets.push({ name, rows: 0 });
  }

  private uniqueName(wanted: string): string {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    const clean = wanted.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'sheet';
    const taken = new Set(this.sheets.map((s) => s.name.toLowerCase()));
    let name = clean;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${clean.slice(0, 31 - String(n).length - 1)}~${n}`;
    return name;
  }

  async write(row: unknown[]): Promise<void> {
    if (this.failed) throw this.failed;
    let s = this.sheet;
    if (!s) throw new SinkError('xlsx: a row came before its sheet');
    if (s.rows === Math.min(this.opts.maxRows ?? SHEET_MAX_ROWS, SHEET_MAX_ROWS)) {
      this.endSheet();
      this.openSheet(s.base, s.part + 1);
      s = this.sheet!;
    }
    const r = s.ws.getRow(s.rows + 2);
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      let v: XlsxValue;
      try {
        v = xlsxCell(c.type, row[i]);
      } catch (err) {
        throw new DataError(`${this.opts.table} row ${this.rowCount() + 1}${this.keyText(row)}, column ${c.name}`, (err as Error).message, { cause: err });
      }
      if (v === null) continue;
      const cell = r.getCell(i + 1);
      // exceljs writes text as <v> of t="str", which LibreOffice trims; an inline string with
      // xml:space="preserve" keeps spaces at either end.
      cell.value = typeof v === 'string' && EDGE_SPACE.test(v) ? { richText: [{ text: v }] } : v;
      // A number too long for a spreadsheet number stays text, and says so by its format.
      cell.style = typeof v === 'string' && c.type.kind !== 'id' && c.type.kind !== 'text' && c.type.kind !== 'longtext' ? this.textStyle : this.styles[i]!;
      if (s.sampling) {
        const w = valueWidth(c.type, v) + 2;
        if (w > s.widths[i]!) s.widths[i] = w;
      }
    }
    s.rows++;
    this.sheets[this.sheets.length - 1]!.rows = s.rows;
    if (s.sampling) {
      if (s.rows >= WIDTH_SAMPLE_ROWS) this.fitWidths(s);
    } else {
      r.commit();
    }
    if ((s.rows & 255) === 0) await this.drained(s);
  }

  private rowCount(): number {
    return this.sheets.reduce((n, x) => n + x.rows, 0);
  }

  private keyText(row: unknown[]): string {
    if (!this.keyAt.length) return '';
    return ` (${this.keyAt.map((i) => `${this.columns[i]!.name} ${String(row[i])}`).join(', ')})`;
  }

  /** The column widths go out with the first committed row: set them from the sample, then commit it. */
  private fitWidths(s: Sheet): void {
    s.widths.forEach((w, i) => {
      s.ws.getColumn(i + 1).width = Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, w));
    });
    s.sampling = false;
    s.ws.getRow(s.rows + 1).commit();
  }

  /** Waits while the sheet's XML is ahead of the compressor and the file by more than BACKLOG_MAX_BYTES. */
  private async drained(s: Sheet): Promise<void> {
    const backlog = () => {
      let n = 0;
      for (const b of s.ws.stream.buffers) n += b.length;
      for (const p of s.ws.stream.pipes) n += (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0);
      return n;
    };
    while (backlog() > BACKLOG_MAX_BYTES) {
      if (this.failed) throw this.failed;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  private endSheet(): void {
    const s = this.sheet;
    if (!s) return;
    if (s.sampling) this.fitWidths(s);
    s.ws.commit();
    this.sheet = null;
  }

  /** Ends the last sheet and the workbook; resolves once `out` has finished (not closed). */
  async finish(): Promise<void> {
    if (this.failed) throw this.failed;
    this.endSheet();
    this.done = true;
    await this.wb.commit();
    if (this.failed) throw this.failed;
  }

  /** Stops writing: the zip is abandoned and `out` destroyed. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    (this.wb as unknown as { zip: { abort(): void } }).zip.abort();
    this.out.destroy();
  }
}
