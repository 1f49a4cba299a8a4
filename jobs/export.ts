// Streams one warehouse table or view to CSV or xlsx with bounded memory: rows come off a database cursor
// (better-sqlite3's iterate on SQLite, mysql2's row stream on MariaDB), pass through the format's writer
// (jobs/export-files.ts) and land in a temporary file that is renamed into place once complete. Optional
// date range, and one part per day: a file per day, or with xlsx a sheet per day of one workbook.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { rawRows, type Db } from '../lib/db.js';
import { HubError, UsageError } from '../lib/errors.js';
import type { CsvOptions, HeaderLang } from '../lib/csv.js';
import { ALL_TABLES, physicalColumns } from '../sql/warehouse/tables.js';
import { VIEWS, type ViewColumn } from '../sql/warehouse/views.js';
import { FILE_FORMATS, type ExportFile, type ExportFormat } from './export-files.js';

export type { ExportFormat } from './export-files.js';

export type DateKind = 'date' | 'timestamp' | 'month';

/** A table or view as export sees it: columns in order, the key it is sorted by, its natural date column. */
export interface Relation {
  name: string;
  kind: 'table' | 'view';
  columns: ViewColumn[];
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

function dateOf(name: string, columns: ViewColumn[]): Relation['date'] {
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
  /** csv (default) or xlsx. */
  format?: ExportFormat;
  /** With xlsx and splitBy: the parts as sheets of one workbook (default) or as files of their own. */
  splitInto?: 'sheets' | 'files';
  /** CSV only: ids and number-like text as ="…" formulas, so that a double-click keeps them exact. */
  excelSafe?: boolean;
  /** Called once with the number of rows to export (for a progress bar). */
  onStart?: (total: number) => void;
  /** Called as rows are written, with the count so far. */
  onRows?: (rows: number) => void;
  /** When aborted, the export stops: the file being written is removed, files already complete stay. */
  signal?: AbortSignal;
}

export interface ExportedFile {
  path: string;
  rows: number;
  /** The day of a file of --split-by day. */
  day?: string;
  /** The sheets of an xlsx file, with their rows: the table's name, or one per day with --split-by day. */
  sheets?: Array<{ name: string; rows: number }>;
}

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
function cursor(db: Db, q: Knex.QueryBuilder): AsyncGenerator<Cells> {
  return db.sql.cursor(db.knex, q);
}

async function exists(db: Db, name: string): Promise<boolean> {
  const rows = await rawRows<{ name: unknown }>(db, db.dialect, db.sql.tablesLikeSql(true), [name]);
  const found = rows.some((r) => String(r.name) === name);
  return found;
}

/** Exports a table or view to CSV or xlsx; files appear complete under their final names or not at all. */
export async function exportTable(db: Db, opts: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const rel = relationNamed(opts.table);
  if (rel.access === 'secret') throw new UsageError(`--table: ${rel.name} holds hub-etl's own secrets and is never exported`);
  if (rel.access === 'restricted' && !opts.includeRestricted) {
    throw new UsageError(`--table: ${rel.name} is restricted (data for the ERP, not for BI); add --include-restricted to export it, and keep the file where only the ERP reads it`);
  }
  const format = opts.format ?? 'csv';
  if ((opts.from || opts.to) && !rel.date) throw new UsageError(`--from/--to: ${rel.name} has no date column to filter on; export it whole`);
  if (opts.splitBy === 'day' && (!rel.date || rel.date.kind === 'month')) throw new UsageError(`--split-by day: ${rel.name} has no day column${rel.date ? ` (its date is the month)` : ''}`);
  if (opts.from && opts.to && opts.from > opts.to) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
  if (opts.excelSafe && format !== 'csv') throw new UsageError('--excel-safe is for CSV; xlsx cells are typed already (ids are text cells)');
  if (opts.splitInto && !opts.splitBy) throw new UsageError('--split-into: give --split-by day too');
  if (opts.splitInto === 'sheets' && format !== 'xlsx') throw new UsageError('--split-into sheets: only xlsx has sheets; a CSV export writes a file per day');
  if (!(await exists(db, rel.name))) {
    throw new HubError(`${rel.name} does not exist in ${db.label}; run "hub-etl migrate" (the views come with warehouse version 3)`);
  }
  await fsp.mkdir(opts.outDir, { recursive: true });

  const split = opts.splitBy === 'day';
  // With xlsx, days are sheets of one workbook unless asked otherwise; with CSV, files.
  const filePerDay = split && (format === 'csv' || opts.splitInto === 'files');
  const date = rel.date;
  const order = split && date ? [date.column, ...rel.key.filter((k) => k !== date.column)] : rel.key;
  const query = filtered(db, rel, opts).select(rel.columns.map((c) => c.name)).orderBy(order.map((column) => ({ column, order: 'asc' as const })));
  if (opts.onStart) {
    const [row] = (await filtered(db, rel, opts).count({ n: '*' })) as Array<{ n: unknown }>;
    opts.onStart(Number(row?.n ?? 0));
  }

  const csv: CsvOptions = { headerLang: opts.headerLang, bom: opts.bom, arrays: true, ...(opts.excelSafe ? { excelSafe: true } : {}) };
  const range = opts.from || opts.to ? `.${opts.from ?? 'begin'}_${opts.to ?? 'end'}` : '';
  const open = (day?: string) => FILE_FORMATS[format](path.join(opts.outDir, `${rel.name}${day === undefined ? range : `.${day}`}.${format}`), { columns: rel.columns, csv, table: rel.name, key: rel.key });
  const dateAt = date ? rel.columns.findIndex((c) => c.name === date.column) : -1;
  const files: ExportedFile[] = [];
  const done = (f: ExportFile, fileDay?: string): ExportedFile => ({
    path: f.final,
    rows: f.rows,
    ...(fileDay !== undefined ? { day: fileDay } : {}),
    ...(f.sheets ? { sheets: f.sheets.map((s) => ({ name: s.name, rows: s.rows })) } : {}),
  });
  // A whole export is one file with one part (one sheet, named after the table); a split one starts with none.
  let file: ExportFile | null = null;
  if (!split) {
    file = await open();
    file.startPart(rel.name);
  }
  let day: string | undefined;
  let rows = 0;
  try {
    for await (const row of cursor(db, query)) {
      if (split) {
        const v = row[dateAt];
        const d = v === null || v === undefined ? 'undated' : String(v).slice(0, 10);
        if (d !== day || !file) {
          if (filePerDay && file) {
            await file.finish();
            files.push(done(file, day));
            file = null;
          }
          day = d;
          file ??= await (filePerDay ? open(d) : open());
          file.startPart(d);
        }
      }
      await file!.write(row);
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
    if (file) {
      await file.finish();
      files.push(done(file, filePerDay ? day : undefined));
      file = null;
    }
  } catch (err) {
    await file?.discard();
    throw err;
  }
  opts.onRows?.(rows);
  return { table: rel.name, rows, files, ms: Date.now() - started };
}
