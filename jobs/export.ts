// Streams one warehouse table or view to CSV with bounded memory: rows come off a database cursor
// (better-sqlite3's iterate on SQLite, mysql2's row stream on MariaDB), pass through the CSV writer and land
// in a temporary file that is renamed into place once complete. Optional date range and one file per day.
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Db } from '../lib/db.js';
import { HubError, UsageError } from '../lib/errors.js';
import { CSV_EOL, csvTransform, type CsvColumn, type CsvOptions, type HeaderLang } from '../sinks/csv.js';
import { ALL_TABLES, physicalColumns } from '../sql/warehouse/tables.js';
import { VIEWS } from '../sql/warehouse/views.js';

export type DateKind = 'date' | 'timestamp' | 'month';

/** A table or view as export sees it: columns in order, the key it is sorted by, its natural date column. */
export interface Relation {
  name: string;
  kind: 'table' | 'view';
  columns: CsvColumn[];
  key: string[];
  date: { column: string; kind: DateKind } | null;
  /** restricted: exported only when asked for by name with includeRestricted; secret: never. */
  access?: 'restricted' | 'secret';
}

// Where a table's own modify time or date is not the natural one. Facts and dimensions without any date
// fall back to _loaded_at (when hub-etl last wrote the row, UTC): "what changed since".
const DATE_OVERRIDES: Record<string, string> = {
  fct_shipment_event: 'event_at',
  etl_run: 'started_at',
  etl_watermark: 'updated_at',
  etl_reject: 'last_seen_at',
};
const DATE_PREFERENCE = ['order_date', 'modified_at', 'modified_date', 'month', '_loaded_at'];

function dateOf(name: string, columns: CsvColumn[]): Relation['date'] {
  const names = columns.map((c) => c.name);
  const column = DATE_OVERRIDES[name] ?? DATE_PREFERENCE.find((c) => names.includes(c));
  if (!column) return null;
  const kind = columns.find((c) => c.name === column)!.type.kind;
  return { column, kind: column === 'month' ? 'month' : kind === 'date' ? 'date' : 'timestamp' };
}

export function relations(): Relation[] {
  return [
    ...ALL_TABLES.map((t): Relation => {
      const columns = physicalColumns(t);
      return { name: t.name, kind: 'table', columns, key: t.primaryKey, date: dateOf(t.name, columns), ...(t.access ? { access: t.access } : {}) };
    }),
    ...VIEWS.map((v): Relation => ({ name: v.name, kind: 'view', columns: v.columns, key: v.key, date: dateOf(v.name, v.columns) })),
  ];
}

export function relationNamed(name: string): Relation {
  const all = relations();
  const r = all.find((x) => x.name === name);
  if (!r) throw new UsageError(`--table: "${name}" is no warehouse table or view; expected one of ${all.map((x) => x.name).join(', ')}`);
  return r;
}

/** What --from/--to and --split-by day filter on, per table and view, for --help. */
export function dateColumnsHelp(): string {
  const rows = relations().filter((r) => r.access !== 'secret').map((r) => `  ${r.name.padEnd(24)} ${r.date ? `${r.date.column} (${r.date.kind === 'date' ? 'store-local date' : r.date.kind === 'month' ? 'month YYYY-MM' : 'UTC day'})` : '— (no date: export whole)'}${r.access === 'restricted' ? ' [restricted: needs --include-restricted]' : ''}`);
  return ['', 'Date column used by --from/--to and --split-by day:', ...rows].join('\n');
}

export interface ExportOptions {
  table: string;
  /** First day, YYYY-MM-DD, inclusive. */
  from?: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to?: string;
  outDir: string;
  headerLang: HeaderLang;
  bom: boolean;
  splitBy?: 'day';
  /** Allows a restricted table (fct_invoice_registration): its data is for the ERP, not for BI. */
  includeRestricted?: boolean;
  /** Called once with the number of rows to export (for a progress bar). */
  onStart?: (total: number) => void;
  /** Called as rows are written, with the count so far. */
  onRows?: (rows: number) => void;
  /** When aborted, the export stops: the file being written is removed, files already complete stay. */
  signal?: AbortSignal;
}

export interface ExportedFile { path: string; rows: number; day?: string }

export interface ExportResult { table: string; rows: number; files: ExportedFile[]; ms: number }

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function filtered(db: Db, rel: Relation, opts: ExportOptions): Knex.QueryBuilder {
  let q = db.knex.from(rel.name);
  const d = rel.date;
  if (d && opts.from) {
    q = q.where(d.column, '>=', d.kind === 'month' ? opts.from.slice(0, 7) : d.kind === 'timestamp' ? `${opts.from} 00:00:00.000` : opts.from);
  }
  if (d && opts.to) {
    if (d.kind === 'timestamp') q = q.where(d.column, '<', `${nextDay(opts.to)} 00:00:00.000`);
    else q = q.where(d.column, '<=', d.kind === 'month' ? opts.to.slice(0, 7) : opts.to);
  }
  return q;
}

type Cells = unknown[];

/** Rows of a query off a cursor, as arrays in select order: never the whole result in memory. */
async function* cursor(db: Db, q: Knex.QueryBuilder): AsyncGenerator<Cells> {
  if (db.dialect === 'sqlite') {
    // knex's stream() on better-sqlite3 reads every row first; the driver's own iterator does not.
    const { sql, bindings } = q.toSQL().toNative();
    const client = db.knex.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
    const conn = (await client.acquireConnection()) as { prepare(sql: string): { safeIntegers(on: boolean): unknown; raw(on: boolean): unknown; iterate(...b: unknown[]): IterableIterator<Cells> } };
    try {
      const stmt = conn.prepare(sql);
      stmt.safeIntegers(true);
      stmt.raw(true);
      yield* stmt.iterate(...bindings);
    } finally {
      await client.releaseConnection(conn);
    }
    return;
  }
  // mysql2 streams rows as they arrive and pauses the connection while the CSV writer catches up.
  const stream = q.options({ rowsAsArray: true }).stream();
  try {
    for await (const row of stream) yield row as Cells;
  } finally {
    stream.destroy();
  }
}

/** One CSV file being written under a temporary name in its final folder. */
class FileWriter {
  readonly tmp: string;
  rows = 0;
  private readonly t: ReturnType<typeof csvTransform>;
  private readonly ws: fs.WriteStream;
  private failed: Error | null = null;

  // A forced exit (a second SIGINT/SIGTERM) skips discard(): the temporary file goes on the way out.
  private readonly onExit = () => fs.rmSync(this.tmp, { force: true });

  constructor(readonly final: string, columns: CsvColumn[], opts: CsvOptions) {
    this.tmp = path.join(path.dirname(final), `.${path.basename(final)}.tmp-${process.pid}`);
    process.once('exit', this.onExit);
    this.ws = fs.createWriteStream(this.tmp);
    this.t = csvTransform(columns, opts);
    this.t.on('error', (e: Error) => (this.failed ??= e));
    // A write error stops the transform too, so that a writer waiting for 'drain' sees it.
    this.ws.on('error', (e: Error) => {
      this.failed ??= e;
      this.t.destroy(e);
    });
    this.t.pipe(this.ws, { end: false });
  }

  async write(row: Cells): Promise<void> {
    if (this.failed) throw this.failed;
    this.rows++;
    if (!this.t.write(row as unknown as Record<string, unknown>)) await once(this.t, 'drain');
  }

  /** Ends the file with a line break, makes it durable and gives it its final name. */
  async finish(): Promise<void> {
    const ended = once(this.t, 'end');
    this.t.end();
    await ended;
    if (this.failed) throw this.failed;
    const closed = once(this.ws, 'close');
    this.ws.end(CSV_EOL);
    await closed;
    if (this.failed) throw this.failed;
    const fh = await fsp.open(this.tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(this.tmp, this.final);
    process.off('exit', this.onExit);
  }

  async discard(): Promise<void> {
    this.t.destroy();
    this.ws.destroy();
    await fsp.rm(this.tmp, { force: true });
    process.off('exit', this.onExit);
  }
}

async function exists(db: Db, name: string): Promise<boolean> {
  const sql = db.dialect === 'mysql'
    ? 'select count(*) as n from information_schema.tables where table_schema = database() and table_name = ?'
    : "select count(*) as n from sqlite_master where type in ('table', 'view') and name = ?";
  const res = await db.knex.raw(sql, [name]);
  const rows = (db.dialect === 'mysql' ? res[0] : res) as Array<{ n: unknown }>;
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Exports a table or view to CSV; files appear complete under their final names or not at all. */
export async function exportTable(db: Db, opts: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const rel = relationNamed(opts.table);
  if (rel.access === 'secret') throw new UsageError(`--table: ${rel.name} holds hub-etl's own secrets and is never exported`);
  if (rel.access === 'restricted' && !opts.includeRestricted) {
    throw new UsageError(`--table: ${rel.name} is restricted (data for the ERP, not for BI); add --include-restricted to export it, and keep the file where only the ERP reads it`);
  }
  if ((opts.from || opts.to) && !rel.date) throw new UsageError(`--from/--to: ${rel.name} has no date column to filter on; export it whole`);
  if (opts.splitBy === 'day' && (!rel.date || rel.date.kind === 'month')) throw new UsageError(`--split-by day: ${rel.name} has no day column${rel.date ? ` (its date is the month)` : ''}`);
  if (opts.from && opts.to && opts.from > opts.to) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
  if (!(await exists(db, rel.name))) {
    throw new HubError(`${rel.name} does not exist in ${db.label}; run "hub-etl migrate" (the views come with warehouse version 3)`);
  }
  await fsp.mkdir(opts.outDir, { recursive: true });

  const split = opts.splitBy === 'day';
  const date = rel.date;
  const order = split && date ? [date.column, ...rel.key.filter((k) => k !== date.column)] : rel.key;
  const query = filtered(db, rel, opts).select(rel.columns.map((c) => c.name)).orderBy(order.map((column) => ({ column, order: 'asc' as const })));
  if (opts.onStart) {
    const [row] = (await filtered(db, rel, opts).count({ n: '*' })) as Array<{ n: unknown }>;
    opts.onStart(Number(row?.n ?? 0));
  }

  const csvOpts: CsvOptions = { headerLang: opts.headerLang, bom: opts.bom, arrays: true };
  const dateAt = date ? rel.columns.findIndex((c) => c.name === date.column) : -1;
  const range = opts.from || opts.to ? `.${opts.from ?? 'begin'}_${opts.to ?? 'end'}` : '';
  const fileFor = (day?: string) => path.join(opts.outDir, `${rel.name}${day === undefined ? range : `.${day}`}.csv`);
  const files: ExportedFile[] = [];
  let writer: FileWriter | null = split ? null : new FileWriter(fileFor(), rel.columns, csvOpts);
  let day: string | undefined;
  let rows = 0;
  try {
    for await (const row of cursor(db, query)) {
      if (split) {
        const v = row[dateAt];
        const d = v === null || v === undefined ? 'undated' : String(v).slice(0, 10);
        if (d !== day || !writer) {
          if (writer) {
            await writer.finish();
            files.push({ path: writer.final, rows: writer.rows, day: day! });
          }
          day = d;
          writer = new FileWriter(fileFor(d), rel.columns, csvOpts);
        }
      }
      await writer!.write(row);
      rows++;
      if (rows % 1000 === 0) {
        opts.onRows?.(rows);
        if (opts.signal) {
          // SQLite's cursor is synchronous: give a pending SIGINT/SIGTERM handler its turn now and then.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (opts.signal.aborted) throw opts.signal.reason;
        }
      }
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (writer) {
      await writer.finish();
      files.push({ path: writer.final, rows: writer.rows, ...(split ? { day: day! } : {}) });
      writer = null;
    }
  } catch (err) {
    await writer?.discard();
    throw err;
  }
  opts.onRows?.(rows);
  return { table: rel.name, rows, files, ms: Date.now() - started };
}
