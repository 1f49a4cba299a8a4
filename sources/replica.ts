// Reads the 1688 Cloud Hub replica tables: column discovery (printed typos aliased), the source clock,
// and keyset-paginated extracts ordered by (cursor, id). Never writes.
import { DateTime } from 'luxon';
import type { Db, Dialect } from '../lib/db.js';
import { listTables, rawRows } from '../lib/db.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { sourceError, SourceError } from '../lib/errors.js';
import type { SourceRow } from '../transforms/types.js';

export const SOURCE_TABLES = [
  'ali1688_category', 'ali1688_product', 'ali1688_order', 'ali1688_order_line',
  'ali1688_order_refund', 'ali1688_invoice', 'ali1688_logistics_order', 'ali1688_logistics_route',
] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

/** Spellings a real replica may use for the parent order column; the Guide prints the typos. */
export const ORDER_COLUMN_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  ali1688_order_refund: ['order_ld', 'order_id'],
  ali1688_invoice: ['order_Id', 'order_id'],
};

export interface SourceSchema {
  /** Actual column names per table (as the database spells them). */
  columns: Map<string, string[]>;
  /** For each table, the column to read as `order_id` when it is spelled otherwise. */
  orderColumn: Map<string, string>;
}

/** Looks the replica's tables up once: every table must exist; typo columns are aliased. */
export async function inspectSource(db: Db): Promise<SourceSchema> {
  const columns = new Map<string, string[]>();
  const orderColumn = new Map<string, string>();
  try {
    // One query for all eight tables (information_schema lookups cost MariaDB milliseconds each).
    const found = await rawRows<{ t: string; name: string }>(db, db.dialect, db.sql.columnsOfSql(SOURCE_TABLES.length), [...SOURCE_TABLES]);
    for (const { t, name } of found) {
      const list = columns.get(t.toLowerCase());
      if (list) list.push(name);
      else columns.set(t.toLowerCase(), [name]);
    }
    for (const table of SOURCE_TABLES) {
      const cols = columns.get(table) ?? [];
      const spellings = ORDER_COLUMN_SPELLINGS[table];
      if (spellings && cols.length > 0) {
        // MySQL column names are case-insensitive: order_Id and order_id are one name.
        const col = cols.find((c) => spellings.some((s) => s.toLowerCase() === c.toLowerCase()));
        if (!col) throw new SourceError(`${db.label}: table ${table} has none of the columns ${spellings.join(', ')} for the order ID`);
        orderColumn.set(table, col);
      }
    }
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw sourceError(`reading the table list of ${db.label}`, err);
  }
  const missing = SOURCE_TABLES.filter((t) => (columns.get(t) ?? []).length === 0);
  if (missing.length > 0) {
    throw new SourceError(`${db.label} is not a 1688 Cloud Hub replica: missing table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (run "hub-etl generate" for a demo store)`);
  }
  return { columns, orderColumn };
}

/** The table in which `hub-etl generate` keeps a synthetic store's state, including its simulated clock. */
export const SYNTHETIC_MARKER = 'hub_etl_generator';

/**
 * The source's notion of "now", as a UTC instant: the database clock of a real replica, or the
 * simulated clock of a synthetic store (whose history lies in a simulated past), so that windows,
 * lookback and lag mean the same on both.
 */
export async function sourceNowUtc(db: Db, synthetic: boolean): Promise<Date> {
  if (synthetic) {
    const [row] = await rawRows<{ clock: string; tz: string }>(db, db.dialect, `select sim_clock as clock, source_tz as tz from ${SYNTHETIC_MARKER} where id = 1`);
    if (row) {
      const at = DateTime.fromFormat(String(row.clock).slice(0, 19), 'yyyy-MM-dd HH:mm:ss', { zone: String(row.tz) });
      if (at.isValid) return at.toJSDate();
    }
  }
  const sql = `select ${db.sql.timestampText(db.sql.nowUtc())} as now`;
  const [row] = await rawRows<{ now: string }>(db, db.dialect, sql);
  return new Date(`${String(row!.now).replace(' ', 'T')}Z`);
}

/** Whether the source is a store written by hub-etl generate (it has the generator's marker table). */
export async function isSynthetic(db: Db): Promise<boolean> {
  return (await listTables(db, SYNTHETIC_MARKER)).includes(SYNTHETIC_MARKER);
}

/** One driver value as exact text: BigInt and numbers to decimal digits, everything else as is. */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A row read by a keyset query: the source row as the transforms see it, and where it stands. */
export interface PageRow { id: string; cursor: string | null; row: SourceRow }

/** Splits the paging columns (`_id`, `_cursor`) off a driver row in the one pass that makes its values text. */
function toPageRow(raw: Record<string, unknown>): PageRow {
  const row: SourceRow = {};
  let id = '';
  let cursor: string | null = null;
  for (const k of Object.keys(raw)) {
    if (k === '_id') id = textOf(raw[k]) ?? '';
    else if (k === '_cursor') cursor = textOf(raw[k]);
    else row[k] = textOf(raw[k]);
  }
  return { id, cursor, row };
}

export function quoteIdent(d: Dialect, name: string): string {
  return DIALECTS[d].id(name);
}

/** Select list for a table: the wanted columns that exist, typo spellings aliased to their canonical name. */
export function selectList(db: Db, schema: SourceSchema, table: string, wanted: string[], alias = 't'): string {
  const have = new Set((schema.columns.get(table) ?? []).map((c) => c.toLowerCase()));
  const orderCol = schema.orderColumn.get(table);
  return wanted
    .map((c) => {
      if (c === 'order_id' && orderCol) return `${alias}.${quoteIdent(db.dialect, orderCol)} as order_id`;
      if (!have.has(c.toLowerCase())) return `null as ${c}`;
      return `${alias}.${quoteIdent(db.dialect, c)} as ${c}`;
    })
    .join(', ');
}

/** A digit string safe to write into SQL as an integer literal (ids compare exactly as BIGINT, never as double). */
export function intLiteral(v: string): string {
  if (!/^\d{1,19}$/.test(v)) throw new SourceError(`not an integer id: ${JSON.stringify(v).slice(0, 40)}`);
  return v;
}

export interface Position { cursor: string; id: string }

export interface KeysetQuery {
  table: string;
  columns: string[];
  /** Cursor column, or null to page by id alone (full scans). */
  cursor: string | null;
  /** Inclusive lower bound and bound on the cursor (exclusive, or inclusive for DATE cursors). */
  from: string | null;
  to: string | null;
  toInclusive: boolean;
  after: Position | null;
  limit: number;
}

/**
 * One keyset page ordered by (cursor, id): `t > ? or (t = ? and id > ?)`, never OFFSET, so every
 * page costs the same however deep, and rows sharing one cursor value are never skipped.
 */
export async function readPage(db: Db, schema: SourceSchema, q: KeysetQuery): Promise<PageRow[]> {
  const d = db.dialect;
  const id = quoteIdent(d, 'id');
  const where: string[] = [];
  const bind: unknown[] = [];
  if (q.cursor) {
    const c = `t.${quoteIdent(d, q.cursor)}`;
    if (q.from !== null) { where.push(`${c} >= ?`); bind.push(q.from); }
    if (q.to !== null) { where.push(`${c} ${q.toInclusive ? '<=' : '<'} ?`); bind.push(q.to); }
    if (q.after) { where.push(`(${c} > ? or (${c} = ? and t.${id} > ?))`); bind.push(q.after.cursor, q.after.cursor, q.after.id); }
  } else if (q.after) {
    where.push(`t.${id} > ?`);
    bind.push(q.after.id);
  }
  const cols = selectList(db, schema, q.table, q.columns);
  const order = q.cursor ? `t.${quoteIdent(d, q.cursor)}, t.${id}` : `t.${id}`;
  const sql = `select t.${id} as _id, ${q.cursor ? `t.${quoteIdent(d, q.cursor)} as _cursor, ` : ''}${cols} from ${quoteIdent(d, q.table)} t${where.length ? ` where ${where.join(' and ')}` : ''} order by ${order} limit ${Number(q.limit)}`;
  try {
    return (await rawRows<Record<string, unknown>>(db, d, sql, bind)).map(toPageRow);
  } catch (err) {
    throw sourceError(`reading ${q.table} from ${db.label}`, err);
  }
}

/** Child rows of a set of parent orders (order lines, invoices), ordered by parent then id. */
export function readChildren(db: Db, schema: SourceSchema, table: string, columns: string[], parentColumn: string, parentIds: string[]): Promise<PageRow[]> {
  return readByKeys(db, schema, { table, columns, keyColumn: parentColumn, keys: parentIds, keyType: 'int', cursor: null });
}

export interface KeysQuery {
  table: string;
  columns: string[];
  /** The column the keys are matched on (`order_id` stands for the table's spelling of it). */
  keyColumn: string;
  keys: string[];
  /**
   * How the column is typed: `int` columns get integer literals (exact as BIGINT), `text` columns bound
   * strings, so that a VARCHAR id is never compared with a number (MySQL would compare as doubles).
   */
  keyType: 'int' | 'text';
  /** Returned as the rows' cursor and ordered by, or null to order by key. */
  cursor: string | null;
}

/** The rows whose key column holds one of the keys, ordered by (cursor or key, id). */
export async function readByKeys(db: Db, schema: SourceSchema, q: KeysQuery): Promise<PageRow[]> {
  if (q.keys.length === 0) return [];
  const d = db.dialect;
  const actual = q.keyColumn === 'order_id' ? (schema.orderColumn.get(q.table) ?? 'order_id') : q.keyColumn;
  const col = `t.${quoteIdent(d, actual)}`;
  const id = `t.${quoteIdent(d, 'id')}`;
  const list = q.keyType === 'int' ? q.keys.map(intLiteral).join(', ') : q.keys.map(() => '?').join(', ');
  const cursor = q.cursor ? `t.${quoteIdent(d, q.cursor)}` : null;
  const sql = `select ${id} as _id, ${cursor ? `${cursor} as _cursor, ` : ''}${selectList(db, schema, q.table, q.columns)} from ${quoteIdent(d, q.table)} t where ${col} in (${list}) order by ${cursor ?? col}, ${id}`;
  try {
    return (await rawRows<Record<string, unknown>>(db, d, sql, q.keyType === 'text' ? q.keys : [])).map(toPageRow);
  } catch (err) {
    throw sourceError(`reading ${q.table} from ${db.label}`, err);
  }
}
