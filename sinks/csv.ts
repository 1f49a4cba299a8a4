// The CSV warehouse (HUB_WAREHOUSE_URL=csv:./out) and the CSV writer exports share. A run writes one file per
// table under a temporary name; the files are renamed into place by the same step that commits the run's
// state (watermark, fingerprints, rejects, run record), kept in a SQLite state file beside them.
//
// Layout of the folder:
//   <table>.run00000042.csv         rows the run wrote to <table> (a full refresh: <table>.run00000042.full.csv)
//   <table>.run00000042.empty.csv   child tables: parents the run wrote whose set of <table> rows is empty now
//                                   (a consumer replaces the set of each parent named in either file)
//   <table>.run00000042.removed.csv snapshot streams: units the source no longer has, by the table's unit
//                                   column (its key, or the parent key of a child table): delete their rows
//   .hub-etl/state.db               the state: etl_run, etl_watermark, etl_reject, etl_row_state, csv_file
//   .hub-etl/tmp/<file>.tmp         files of the run in progress; never under a final name
//
// Transactions: a run is one SQLite transaction on the state file (BEGIN IMMEDIATE at startRun, which also
// makes it the folder's only writer); each engine batch is a savepoint in it, and its rows are appended to
// the run's temporary files. A batch that fails rolls back to its savepoint and truncates the files to where
// they were. finishRun fsyncs the files, records them as pending in the state and COMMITs: that is the
// commit point. The renames follow, and are finished by the next run if the process dies in between. A run
// killed before its commit leaves its state unchanged (SQLite rolls it back) and temporary files that the
// next run deletes, then re-reads the same rows because the watermark did not move past them.
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from '@json2csv/node';
import Database from 'better-sqlite3';
import { HubError, SinkError, sinkError } from '../lib/errors.js';
import { physicalColumns, tableNamed, type Table, type WarehouseRow } from '../sql/warehouse/tables.js';
import { addColumnSql, createTableSql } from '../sql/warehouse/ddl.js';
import type { RejectRecord, RowState, RunRecord, Sink, SinkTx, UnitWrite, Watermark } from './sink.js';
import { utcNow } from '../lib/clock.js';

// ---------------------------------------------------------------------------------------------------------
// CSV text: RFC 4180 with CRLF line ends, UTF-8. Strings (ids, decimals, text, times) are quoted, so that a
// spreadsheet told to read quoted fields as text keeps 18-digit ids and leading zeros; integers are not.

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

// ---------------------------------------------------------------------------------------------------------
// The sink.

export const STATE_DIR = '.hub-etl';
export const STATE_FILE = 'state.db';
const STATE_TABLES = ['etl_run', 'etl_watermark', 'etl_reject', 'etl_row_state'];
const BUSY_TIMEOUT_MS = 15_000;

const CSV_FILE_DDL = `create table if not exists csv_file (
  run_id integer not null,
  table_name text not null,
  file_name text not null,
  rows integer not null,
  status text not null,
  published_at text,
  primary key (run_id, table_name)
)`;

/** A file of the open run: where it is, how far it has been written and how many rows it holds. */
interface OpenFile { key: string; name: string; tmp: string; fh: fsp.FileHandle; size: number; rows: number }

/** The run whose state transaction is open. */
interface Staging { runId: string; mode: RunRecord['mode']; files: Map<string, OpenFile> }

/** A file a committed run published (or is about to: `pending` until renamed). */
export interface PublishedFile { runId: string; table: string; file: string; rows: number; status: 'pending' | 'published' }

/** What a file of a run holds: rows, parents whose set is empty now, or units the source no longer has. */
type FileKind = 'rows' | 'empty' | 'removed';

/** `fct_order.run00000042.csv`: sorts in run order, and one run's file for a table has one name. */
export function csvFileName(table: string, runId: string, mode: RunRecord['mode'] | 'empty' | 'removed'): string {
  const suffix = mode === 'full_refresh' ? '.full' : mode === 'empty' ? '.empty' : mode === 'removed' ? '.removed' : '';
  return `${table}.run${runId.padStart(8, '0')}${suffix}.csv`;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class CsvSink implements Sink {
  readonly kind = 'csv' as const;
  readonly label: string;
  readonly dir: string;
  private readonly db: Database.Database;
  private staging: Staging | null = null;
  private inTx = false;

  private constructor(dir: string, label: string, db: Database.Database) {
    this.dir = dir;
    this.label = label;
    this.db = db;
  }

  /**
   * Opens (creating when missing) the folder and its state file. A second run into the same folder waits
   * up to busyTimeoutMs for the first to finish, then fails with a retriable SinkError.
   */
  static open(dir: string, opts: { label?: string; busyTimeoutMs?: number } = {}): CsvSink {
    const label = opts.label ?? `csv:${dir}`;
    try {
      fs.mkdirSync(path.join(dir, STATE_DIR, 'tmp'), { recursive: true });
      const db = new Database(path.join(dir, STATE_DIR, STATE_FILE));
      db.defaultSafeIntegers(true);
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      // The commit is what makes files final: it must be on disk before they are renamed.
      db.pragma('synchronous = FULL');
      // A run is one transaction, so a big run grows the WAL file; give the space back after it.
      db.pragma('journal_size_limit = 67108864');
      const have = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
      if (!have.has('csv_file')) {
        db.exec('begin immediate');
        for (const name of STATE_TABLES) for (const sql of createTableSql('sqlite', tableNamed(name))) db.exec(sql);
        db.exec(CSV_FILE_DDL);
        db.exec('commit');
      }
      // Folders written before hub-etl kept installation secrets have no etl_setting yet.
      if (!have.has('etl_setting')) for (const sql of createTableSql('sqlite', tableNamed('etl_setting'))) db.exec(sql);
      // A state file from before warehouse version 6 lacks etl_run's API columns.
      const runColumns = new Set((db.prepare('select name from pragma_table_info(?)').all('etl_run') as Array<{ name: string }>).map((r) => r.name));
      for (const c of tableNamed('etl_run').columns) {
        if (runColumns.has(c.name)) continue;
        try {
          for (const sql of addColumnSql('sqlite', 'etl_run', c)) db.exec(sql);
        } catch (err) {
          // Another run opening the folder at the same moment added it first.
          if (!/duplicate column name/i.test(String((err as Error).message))) throw err;
        }
      }
      return new CsvSink(dir, label, db);
    } catch (err) {
      throw sinkError(`opening the CSV warehouse ${label}`, err);
    }
  }

  private tmpDir(): string {
    return path.join(this.dir, STATE_DIR, 'tmp');
  }

  private fail(what: string, err: unknown): HubError {
    if (err instanceof HubError) return err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY') return sinkError(`${what}: another hub-etl run is loading into ${this.label} (one run at a time per folder)`, err);
    return sinkError(`${what} in ${this.label}`, err);
  }

  async getWatermark(stream: string): Promise<Watermark | null> {
    const r = this.db.prepare('select * from etl_watermark where stream = ?').get(stream) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      stream,
      cursorValue: String(r.cursor_value),
      cursorAt: str(r.cursor_at),
      runId: String(r.run_id),
      updatedAt: String(r.updated_at),
      streamVersion: Number(r.stream_version),
      sourceClockAt: str(r.source_clock_at),
    };
  }

  async getRowStates(stream: string, keys: string[]): Promise<Map<string, RowState>> {
    const out = new Map<string, RowState>();
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      const rows = this.db.prepare(`select source_key, row_hash, source_version from etl_row_state where stream = ? and source_key in (${part.map(() => '?').join(', ')})`)
        .all(stream, ...part) as Array<Record<string, unknown>>;
      for (const r of rows) out.set(String(r.source_key), { hash: String(r.row_hash), version: String(r.source_version) });
    }
    return out;
  }

  async openRejectKeys(stream: string): Promise<Set<string>> {
    const rows = this.db.prepare('select source_key from etl_reject where stream = ? and resolved_at is null').all(stream) as Array<{ source_key: unknown }>;
    return new Set(rows.map((r) => String(r.source_key)));
  }

  /** The files committed runs wrote, oldest first. */
  publishedFiles(): PublishedFile[] {
    const rows = this.db.prepare('select run_id, table_name, file_name, rows, status from csv_file order by run_id, table_name').all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({ runId: String(r.run_id), table: String(r.table_name), file: String(r.file_name), rows: Number(r.rows), status: r.status === 'published' ? 'published' : 'pending' }));
  }

  async startRun(run: Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>): Promise<string> {
    if (this.staging) throw new SinkError(`${this.label}: run #${this.staging.runId} is still open; the CSV sink loads one run at a time`);
    let runId: string;
    try {
      // The run record commits on its own, so that a run that dies still shows (as running) in etl_run.
      const r = this.db.prepare(`insert into etl_run (stream, mode, status, started_at, window_start, window_end, rows_read, rows_upserted, rows_unchanged, rows_rejected, host)
        values (?, ?, 'running', ?, ?, ?, 0, 0, 0, 0, ?)`).run(run.stream, run.mode, utcNow(), run.windowStart, run.windowEnd, `${os.hostname()}:${process.pid}`.slice(0, 128));
      runId = String(r.lastInsertRowid);
      this.db.exec('begin immediate');
    } catch (err) {
      throw this.fail(`starting a ${run.stream} run`, err);
    }
    this.staging = { runId, mode: run.mode, files: new Map() };
    try {
      await this.recover();
    } catch (err) {
      await this.abandon();
      throw this.fail('recovering the files of an earlier run', err);
    }
    return runId;
  }

  /**
   * Finishes what earlier processes left: renames the files of committed runs that are still pending, and
   * deletes temporary files of runs that never committed. Runs under the state's write lock, so no other
   * run is writing temporary files meanwhile.
   */
  private async recover(): Promise<void> {
    await this.completeRenames();
    for (const name of await fsp.readdir(this.tmpDir())) {
      await fsp.rm(path.join(this.tmpDir(), name), { force: true });
    }
  }

  private async completeRenames(): Promise<void> {
    const pending = this.db.prepare("select run_id, table_name, file_name from csv_file where status = 'pending'").all() as Array<Record<string, unknown>>;
    if (pending.length === 0) return;
    for (const p of pending) {
      const name = String(p.file_name);
      try {
        await fsp.rename(path.join(this.tmpDir(), `${name}.tmp`), path.join(this.dir, name));
      } catch (err) {
        // Already renamed by the process that committed it (and perhaps already taken away by a reader).
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    fsyncDir(this.dir);
    // Bookkeeping only: when another run holds the state, the files stay marked pending and that run (or
    // the next) marks them; renaming them again is harmless. So do not wait long for the lock here.
    const wait = this.db.pragma('busy_timeout', { simple: true });
    this.db.pragma('busy_timeout = 100');
    try {
      this.db.prepare("update csv_file set status = 'published', published_at = ? where status = 'pending'").run(utcNow());
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    } finally {
      this.db.pragma(`busy_timeout = ${String(wait)}`);
    }
  }

  async transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T> {
    const s = this.staging;
    if (!s) throw new SinkError(`${this.label}: a CSV sink transaction belongs to a run (startRun … finishRun)`);
    if (this.inTx) throw new SinkError(`${this.label}: a transaction is already open`);
    this.inTx = true;
    const marks = new Map([...s.files].map(([k, f]) => [k, { size: f.size, rows: f.rows }]));
    try {
      this.db.exec('savepoint batch');
      try {
        const result = await fn(new CsvTx(this, s));
        this.db.exec('release batch');
        return result;
      } catch (err) {
        this.db.exec('rollback to batch');
        this.db.exec('release batch');
        await this.truncate(s, marks);
        throw err;
      }
    } catch (err) {
      throw this.fail('writing a batch', err);
    } finally {
      this.inTx = false;
    }
  }

  /** Puts the run's files back where they were before a failed batch; files it created go. */
  private async truncate(s: Staging, marks: Map<string, { size: number; rows: number }>): Promise<void> {
    for (const [key, f] of [...s.files]) {
      const m = marks.get(key);
      if (!m) {
        await f.fh.close();
        await fsp.rm(f.tmp, { force: true });
        s.files.delete(key);
      } else if (f.size !== m.size) {
        await f.fh.truncate(m.size);
        f.size = m.size;
        f.rows = m.rows;
      }
    }
  }

  /**
   * The open file of the run for a table (or a table's empty sets, or its removed units keyed by `column`),
   * created with its header line on first use.
   */
  async fileFor(s: Staging, table: Table, kind: FileKind = 'rows', column?: string): Promise<OpenFile> {
    const key = kind === 'rows' ? table.name : `${table.name}.${kind}`;
    let f = s.files.get(key);
    if (f) return f;
    const name = csvFileName(table.name, s.runId, kind === 'rows' ? s.mode : kind);
    const tmp = path.join(this.tmpDir(), `${name}.tmp`);
    const fh = await fsp.open(tmp, 'w');
    f = { key, name, tmp, fh, size: 0, rows: 0 };
    s.files.set(key, f);
    await this.append(f, await csvText(csvColumnsOf(table, kind, column), []), 0);
    return f;
  }

  async append(f: OpenFile, text: string, rows: number): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await f.fh.write(buf, off, buf.length - off, f.size + off);
      off += bytesWritten;
    }
    f.size += buf.length;
    f.rows += rows;
  }

  async finishRun(run: RunRecord): Promise<void> {
    const update = () => this.db.prepare(`update etl_run set status = ?, finished_at = ?, window_start = ?, window_end = ?, rows_read = ?, rows_upserted = ?, rows_unchanged = ?, rows_rejected = ?, error = ?,
        api_calls = ?, api_retries = ?, api_throttled = ? where run_id = ?`)
      .run(run.status, run.finishedAt ?? utcNow(), run.windowStart, run.windowEnd, run.rowsRead, run.rowsUpserted, run.rowsUnchanged, run.rowsRejected, run.error,
        run.api?.calls ?? null, run.api?.retries ?? null, run.api?.throttled ?? null, run.runId);
    const s = this.staging;
    if (!s || s.runId !== run.runId) {
      update();
      return;
    }
    // Batches committed before a failure stay committed, as in a SQL warehouse: the run publishes them.
    try {
      update();
      await this.publish(s);
    } catch (err) {
      await this.abandon();
      throw this.fail(`publishing run #${run.runId}`, err);
    }
  }

  /** Makes the run's files final: fsync, record them, commit the state (the commit point), rename. */
  private async publish(s: Staging): Promise<void> {
    const record = this.db.prepare("insert or replace into csv_file (run_id, table_name, file_name, rows, status) values (?, ?, ?, ?, 'pending')");
    for (const f of s.files.values()) {
      await f.fh.sync();
      await f.fh.close();
      record.run(s.runId, f.key, f.name, f.rows);
    }
    s.files.clear();
    this.db.exec('commit');
    this.staging = null;
    await this.completeRenames();
  }

  /** Drops the open run: its state changes roll back and its temporary files go. */
  private async abandon(): Promise<void> {
    const s = this.staging;
    this.staging = null;
    if (this.db.inTransaction) this.db.exec('rollback');
    for (const f of s?.files.values() ?? []) {
      await f.fh.close().catch(() => undefined);
      await fsp.rm(f.tmp, { force: true });
    }
  }

  /** Marks a full refresh's files as snapshots: every target table gets a file, empty ones a header only. */
  async snapshot(s: Staging, targets: Table[]): Promise<void> {
    for (const t of targets) await this.fileFor(s, t);
  }

  run(sql: string, ...params: unknown[]): void {
    this.db.prepare(sql).run(...params);
  }

  statement(sql: string): Database.Statement {
    return this.db.prepare(sql);
  }

  async installationSecret(name: string): Promise<string> {
    try {
      this.db.prepare('insert or ignore into etl_setting (name, value, created_at) values (?, ?, ?)').run(name, crypto.randomBytes(32).toString('hex'), utcNow());
      const r = this.db.prepare('select value from etl_setting where name = ?').get(name) as { value: unknown } | undefined;
      if (!r) throw new Error(`etl_setting.${name} was not stored`);
      return String(r.value);
    } catch (err) {
      throw sinkError(`reading the installation's ${name} from ${this.label}`, err);
    }
  }

  async close(): Promise<void> {
    await this.abandon();
    if (this.db.open) this.db.close();
  }
}

/** The columns of a table's file: all of them, the parent key for the file of empty sets, the unit column for removed units. */
function csvColumnsOf(table: Table, kind: FileKind, column?: string): CsvColumn[] {
  const all = physicalColumns(table);
  if (kind === 'empty') return table.parentKey!.map((k) => all.find((c) => c.name === k)!);
  if (kind === 'removed') return [all.find((c) => c.name === (column ?? table.primaryKey[0]))!];
  return all;
}

class CsvTx implements SinkTx {
  constructor(private readonly sink: CsvSink, private readonly s: Staging) {}

  async writeUnits(_stream: string, units: UnitWrite[], targets: Table[], runId: string): Promise<void> {
    if (runId !== this.s.runId) throw new SinkError(`writeUnits for run #${runId} inside run #${this.s.runId}`);
    const loadedAt = utcNow();
    for (const table of targets) {
      const rows: WarehouseRow[] = [];
      const emptied: WarehouseRow[] = [];
      for (const u of units) {
        const list = u.tables.get(table.name);
        if (!list) continue;
        for (const r of list) rows.push({ ...r, _source_version: u.version, _run_id: runId, _loaded_at: loadedAt });
        // An empty child set names no parent in the table's file: say so in a file of its own, so that a
        // consumer replacing each named parent's set also clears the rows a parent no longer has.
        // (A unit loaded for the first time has no old rows to clear.)
        if (list.length === 0 && table.parentKey && !u.fresh && !u.keepChildKeys?.length && this.s.mode !== 'full_refresh') emptied.push({ [table.parentKey[0]!]: u.key });
      }
      if (rows.length > 0) {
        const f = await this.sink.fileFor(this.s, table);
        await this.sink.append(f, await csvText(physicalColumns(table), rows, { header: false }), rows.length);
      }
      if (emptied.length > 0) {
        const f = await this.sink.fileFor(this.s, table, 'empty');
        await this.sink.append(f, await csvText(csvColumnsOf(table, 'empty'), emptied, { header: false }), emptied.length);
      }
    }
  }

  async putRowStates(stream: string, states: Array<{ key: string; hash: string; version: string; parentKey?: string | null }>, runId: string): Promise<void> {
    const st = this.sink.statement(`insert into etl_row_state (stream, source_key, parent_key, row_hash, source_version, run_id) values (?, ?, ?, ?, ?, ?)
      on conflict (stream, source_key) do update set parent_key = excluded.parent_key, row_hash = excluded.row_hash, source_version = excluded.source_version, run_id = excluded.run_id`);
    for (const s of states) st.run(stream, s.key, s.parentKey ?? null, s.hash, s.version, runId);
  }

  async putRejects(stream: string, rejects: RejectRecord[], runId: string): Promise<void> {
    if (rejects.length === 0) return;
    const now = utcNow();
    const st = this.sink.statement(`insert into etl_reject (stream, source_key, field, reason, sample, first_seen_at, last_seen_at, times_seen, run_id) values (?, ?, ?, ?, ?, ?, ?, 1, ?)
      on conflict (stream, source_key) do update set field = excluded.field, reason = excluded.reason, sample = excluded.sample, last_seen_at = excluded.last_seen_at,
      times_seen = etl_reject.times_seen + 1, run_id = excluded.run_id, resolved_at = null, resolved_run_id = null`);
    for (const r of rejects) st.run(stream, r.sourceKey, r.field.slice(0, 128), r.reason.slice(0, 1024), r.sample, now, now, runId);
  }

  async resolveRejects(stream: string, keys: string[], runId: string): Promise<void> {
    const st = this.sink.statement('update etl_reject set resolved_at = ?, resolved_run_id = ? where stream = ? and source_key = ? and resolved_at is null');
    const now = utcNow();
    for (const k of keys) st.run(now, runId, stream, k);
  }

  async setWatermark(w: Omit<Watermark, 'updatedAt'>): Promise<void> {
    this.sink.run(`insert into etl_watermark (stream, cursor_value, cursor_at, run_id, updated_at, stream_version, source_clock_at) values (?, ?, ?, ?, ?, ?, ?)
      on conflict (stream) do update set cursor_value = excluded.cursor_value, cursor_at = excluded.cursor_at, run_id = excluded.run_id,
      updated_at = excluded.updated_at, stream_version = excluded.stream_version, source_clock_at = excluded.source_clock_at`,
    w.stream, w.cursorValue, w.cursorAt, w.runId, utcNow(), w.streamVersion, w.sourceClockAt);
  }

  // A full refresh rewrote every unit, so its files are complete snapshots of the stream's tables; the
  // fingerprints of rows it did not see go, as in a SQL warehouse. A snapshot run (incremental, over a
  // source read whole) wrote only what changed: the units it neither wrote nor saw are gone from the
  // source, and its .removed files name them for the consumer.
  async sweep(stream: string, targets: Table[], unitKeyOf: (t: Table) => string, runId: string, keepUnits: string[]): Promise<void> {
    if (this.s.mode === 'full_refresh') {
      this.sink.run('delete from etl_row_state where stream = ? and run_id <> ?', stream, runId);
      await this.sink.snapshot(this.s, targets);
      return;
    }
    const keep = new Set(keepUnits);
    const gone = (this.sink.statement('select source_key from etl_row_state where stream = ? and run_id <> ?').all(stream, runId) as Array<{ source_key: unknown }>)
      .map((r) => String(r.source_key))
      .filter((k) => !keep.has(k));
    if (gone.length === 0) return;
    for (const table of targets) {
      const column = unitKeyOf(table);
      const f = await this.sink.fileFor(this.s, table, 'removed', column);
      await this.sink.append(f, await csvText(csvColumnsOf(table, 'removed', column), gone.map((k) => ({ [column]: k })), { header: false }), gone.length);
    }
    const del = this.sink.statement('delete from etl_row_state where stream = ? and source_key = ?');
    for (const k of gone) del.run(stream, k);
  }
}
