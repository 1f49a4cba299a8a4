// The one seam between hub-etl and the SQL of a database family. Every difference between MySQL/MariaDB,
// SQLite and PostgreSQL (connecting, quoting, column types, DDL, the version-guarded upsert, streaming,
// the date and money expressions of the views and checks, catalog lookups) lives in one file per dialect
// (mysql.ts, sqlite.ts, postgres.ts), chosen from the map in index.ts. Code elsewhere asks its dialect;
// it never branches on a dialect's name. Adding a dialect is one file here plus its conformance entry.
import type { Knex } from 'knex';

export type DialectName = 'mysql' | 'sqlite' | 'postgres';

/** The column types of the warehouse contract (sql/warehouse/tables.ts), as every dialect renders them. */
export type ColumnType =
  | { kind: 'id' }
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'text'; length: number }
  | { kind: 'longtext' }
  | { kind: 'timestamp' }
  | { kind: 'date' };

/** What DDL needs of a column. */
export interface DdlColumn { name: string; type: ColumnType; nullable: boolean; description: string }

/** What DDL needs of a table: its physical columns (lineage included) come in separately. */
export interface DdlTable { name: string; grain: string; description: string; primaryKey: string[]; indexes?: string[][] }

/** A connection target of a dialect (lib/config.ts parses the URL into it). */
export interface ConnectOptions {
  /** Create the database (or the SQLite file's folder) when missing. */
  create?: boolean;
  /** Read only: a read-only handle or session, so that "never writes to a source" is enforced. */
  readOnly?: boolean;
  poolMax?: number;
  /** Where a dialect reports that it took a slower path than it could (say, bulk loading disabled on the server). */
  warn?: (message: string) => void;
}

/** Column references inside an upsert's assignments: the incoming row's value and the stored one. */
export interface UpsertRefs {
  incoming(column: string): string;
  stored(column: string): string;
}

export interface SqlDialect {
  readonly name: DialectName;
  /** Human name for messages ("MariaDB/MySQL"). */
  readonly title: string;

  // --- connecting and reading ---
  /** A knex handle on the target (database created first when asked); the caller checks it answers. */
  connect(target: unknown, opts: ConnectOptions, label: string): Promise<Knex>;
  /** A hint to add to a connection failure (for example about TLS), or ''. */
  connectHint(target: unknown, err: unknown): string;
  /** The rows of a `knex.raw` result. */
  rows<T>(result: unknown): T[];
  /** Calls `fn` for every row of a query without holding the result in memory. */
  eachRow(knex: Knex, sql: string, bindings: readonly unknown[], fn: (row: Record<string, unknown>) => void): Promise<void>;
  /** Rows of a query builder as arrays in select order, streamed. */
  cursor(knex: Knex, q: Knex.QueryBuilder): AsyncGenerator<unknown[]>;
  /** Rows one multi-row upsert of `columnCount` columns should carry. */
  rowsPerStatement(columnCount: number): number;

  // --- the database as a whole ---
  /** The file an embedded database lives in (SQLite), or null: a server's database, or one in memory. */
  file(target: unknown): string | null;
  /** Drops the target's database when it exists (SQLite: the file and its journal), for benchmarks that start afresh. */
  dropDatabase(target: unknown, label: string): Promise<void>;
  /** The schema unqualified names resolve to, as tools such as dbt name it. */
  defaultSchema(target: unknown): string;
  /** A shell command that runs `sql` in the database's own client; never with the password. */
  clientCommand(target: unknown, sql: string): string;
  /** Whether DDL takes part in transactions (rolling back undoes a `create table`). */
  readonly transactionalDdl: boolean;

  // --- catalog ---
  /** `select name` of the tables (`views` too when asked) whose names are like the one bound parameter. */
  tablesLikeSql(views: boolean): string;
  /** `select t, name` of the columns of the tables bound as a list (`in (…)` of `count` parameters), in table order. */
  columnsOfSql(count: number): string;
  /**
   * `select t, i, c, nu` of the indexes (the primary key among them) of the tables bound as a list: table,
   * index, its columns in index order, and nu 0 for a unique index, 1 otherwise.
   */
  indexesOfSql(count: number): string;
  /** `select t, n`: the rows of the tables bound as a list as the server estimates them, or null where it keeps no estimate. */
  rowEstimatesSql(count: number): string | null;

  // --- DDL ---
  id(name: string): string;
  columnType(c: DdlColumn): string;
  createTable(table: DdlTable, columns: DdlColumn[], autoId: boolean): string[];
  createIndex(table: string, columns: string[]): string;
  /** Statements that add a (nullable) column to an existing table. */
  addColumn(table: string, c: DdlColumn): string[];
  /** Drops a column (a later run of the same statement fails as "not there", or is a no-op where the dialect has IF EXISTS). */
  dropColumn(table: string, column: string): string[];
  /** Statements that (re)create a view, repeatable. */
  createView(name: string, grain: string, select: string): string[];

  // --- writes ---
  /**
   * A multi-row upsert of `rowCount` rows: with `guard`, a row whose `versionColumn` is older than the
   * stored one changes nothing. Returns the SQL and its bindings (literals written inline where the
   * dialect's driver is faster so).
   */
  upsert(table: DdlTable, columns: DdlColumn[], rows: ReadonlyArray<Record<string, unknown>>, guard: string | null): { sql: string; bindings: unknown[] };
  /**
   * Writes rows with the upsert of `upsert` (same guard, same result): in multi-row statements, or from a
   * batch size the dialect measured, through the database's bulk protocol into a staging table merged in
   * one set-based statement. `k` is the caller's transaction: the rows commit with the rest of it.
   */
  write(k: Knex.Transaction, table: DdlTable, columns: DdlColumn[], rows: ReadonlyArray<Record<string, unknown>>, guard: string | null): Promise<void>;
  /**
   * The child-set replacement's delete as one set-based statement, where the dialect has one: the rows of
   * `table` whose `parent` column holds one of `keys` and whose `versionColumn` is at most that key's
   * entry in `versions`. Without it, the sink writes the pairs as an OR list.
   */
  deleteChildren?(table: string, parent: DdlColumn, versionColumn: string, keys: string[], versions: string[]): { sql: string; bindings: unknown[] };
  /** `insert … on conflict` tail: `set` maps columns to expressions of UpsertRefs; none means do nothing. */
  onConflict(table: string, keys: string[], set: Record<string, (r: UpsertRefs) => string>): string;
  /** Inserts one row and returns the number the database gave its auto-increment key. */
  insertReturningId(knex: Knex | Knex.Transaction, table: string, row: Record<string, unknown>, idColumn: string): Promise<string>;

  // --- expressions ---
  /** UTC now as a timestamp with milliseconds. */
  nowUtc(): string;
  /** UTC now plus `ms` milliseconds. */
  nowUtcPlus(ms: number): string;
  /** A UTC timestamp expression as text 'YYYY-MM-DD HH:MM:SS.SSS' (or the stored text as it is). */
  timestampText(expr: string): string;
  /** The 'YYYY-MM-DD' day of a timestamp or date column. */
  dayText(expr: string): string;
  /** The 'YYYY-MM' month of a timestamp or date column. */
  monthText(expr: string): string;
  /** A whole number (signed 64-bit) of an expression. */
  int(expr: string): string;
  /** A money column in a form that sums exactly (the decimal itself, or its integer units where money is text). */
  summable(col: string): string;
  /** A sum of `summable` values back in the canonical money form of `scale` places. */
  fromSummable(expr: string, scale: number): string;
  /** num ÷ den of two `summable` sums (of `numScale` and `denScale` places) as a double, bit-identical on every dialect. */
  ratio(num: string, numScale: number, den: string, denScale: number): string;
  /** A money column of `scale` places as the integer count of its smallest unit (fen for 2). */
  smallestUnits(col: string, scale: number): string;
  /** Text compared byte by byte (for distinct counts). */
  bytes(col: string): string;
  /** Equal, or both null. */
  sameOrBothNull(a: string, b: string): string;
  /** Whole seconds from a to b, truncated toward zero. */
  secondsBetween(a: string, b: string): string;
  /** An expression to order by that walks keys as text, byte by byte. */
  textSortKey(col: string): string;

  // --- errors ---
  /** Whether an error is a duplicate-key violation. */
  isDuplicateKey(err: unknown): boolean;
  /** Whether an error says the table does not exist. */
  isMissingTable(err: unknown): boolean;
  /** Whether an error says the account may not read or write the table. */
  isAccessDenied(err: unknown): boolean;
  /** Whether a connection failed because the database does not exist. */
  isMissingDatabase(err: unknown): boolean;
}

/** Rows per multi-row statement where every value is a bound parameter (or a literal of like size). */
export function rowsWithin(maxParams: number, columnCount: number): number {
  return Math.max(1, Math.min(1_000, Math.floor(maxParams / columnCount)));
}

/**
 * knex prints every failed connection attempt with its stack on stderr; the error reaches the caller anyway
 * (as a ConnectError or a query's error), which reports it in one line.
 */
export const KNEX_LOG = {
  warn: (message: string) => {
    if (!message.startsWith('Acquire connection error')) process.stderr.write(`knex: ${message}\n`);
  },
};

/** The code of a driver's error (or of its cause). */
export const errorCode = (err: unknown): string | undefined =>
  (err as { code?: string } | undefined)?.code ?? (err as { cause?: { code?: string } } | undefined)?.cause?.code;

/** A SQL string literal (quotes doubled). */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** `?, ?, …`: `count` placeholders. */
export const marks = (count: number): string => Array(count).fill('?').join(', ');

/** Splits items into groups of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs one statement. Without bindings knex passes the text through untouched (a literal '?' in the data stays as it is). */
export async function exec(k: Knex | Knex.Transaction, sql: string, bindings: readonly unknown[]): Promise<void> {
  await (bindings.length > 0 ? k.raw(sql, bindings as Knex.RawBinding[]) : k.raw(sql));
}

/** The write every dialect has: multi-row upserts of `rowsPerStatement` rows each. */
export async function writeInStatements(d: SqlDialect, k: Knex | Knex.Transaction, table: DdlTable, columns: DdlColumn[], rows: ReadonlyArray<Record<string, unknown>>, guard: string | null): Promise<void> {
  for (const part of chunk(rows, d.rowsPerStatement(columns.length))) {
    const { sql, bindings } = d.upsert(table, columns, part, guard);
    await exec(k, sql, bindings);
  }
}

/** The bindings of rows in column order, and a VALUES list of ? tuples. */
export function boundValues(rows: ReadonlyArray<Record<string, unknown>>, columns: string[]): { list: string; bindings: unknown[] } {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const bindings: unknown[] = [];
  for (const r of rows) for (const c of columns) bindings.push(r[c] ?? null);
  return { list: Array.from({ length: rows.length }, () => tuple).join(', '), bindings };
}

/**
 * The `insert … on conflict (key) do update … where` upsert SQLite and PostgreSQL share: with a guard,
 * the update happens only when the incoming version is at least the stored one. `list` is a VALUES
 * list, or with `select` a select statement yielding the rows.
 */
export function onConflictUpsert(d: Pick<SqlDialect, 'id'>, table: DdlTable, columns: string[], list: string, guard: string | null, select = false): string {
  const q = (n: string) => d.id(n);
  const head = `insert into ${q(table.name)} (${columns.map(q).join(', ')}) ${select ? list : `values ${list}`}`;
  const updatable = columns.filter((c) => !table.primaryKey.includes(c));
  const conflict = `on conflict (${table.primaryKey.map(q).join(', ')})`;
  if (updatable.length === 0) return `${head} ${conflict} do nothing`;
  const set = updatable.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ');
  const where = guard ? ` where excluded.${q(guard)} >= ${q(table.name)}.${q(guard)}` : '';
  return `${head} ${conflict} do update set ${set}${where}`;
}

/** The `on conflict (…) do update set …` tail SQLite and PostgreSQL share. */
export function onConflictTail(d: Pick<SqlDialect, 'id'>, table: string, keys: string[], set: Record<string, (r: UpsertRefs) => string>): string {
  const q = (n: string) => d.id(n);
  const entries = Object.entries(set);
  const head = `on conflict (${keys.map(q).join(', ')})`;
  if (entries.length === 0) return `${head} do nothing`;
  const refs: UpsertRefs = { incoming: (c) => `excluded.${q(c)}`, stored: (c) => `${q(table)}.${q(c)}` };
  return `${head} do update set ${entries.map(([c, f]) => `${q(c)} = ${f(refs)}`).join(', ')}`;
}

/**
 * Integer units back to fixed-scale decimal text ('-12.30') with integer arithmetic only: for dialects
 * that keep money as text (SQLite).
 */
export function unitsToDecimalText(expr: string, scale: number): string {
  const p = 10 ** scale;
  return `(case when (${expr}) < 0 then '-' else '' end || (abs(${expr}) / ${p}) || '.' || substr('${'0'.repeat(scale)}' || (abs(${expr}) % ${p}), -${scale}))`;
}

/** An index's name, within every dialect's identifier limit. */
export function indexName(table: string, cols: string[]): string {
  return `ix_${table}_${cols.join('_')}`.slice(0, 63);
}
