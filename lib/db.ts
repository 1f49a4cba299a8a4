// Opening a database of any dialect (lib/dialects) and the few helpers every reader of it needs: exact
// 64-bit integers and decimals on all of them.
import type { Knex } from 'knex';
import { describeTarget, type DbTarget } from './config.js';
import { DIALECTS, type DialectName, type SqlDialect } from './dialects/index.js';
import { describe, isRetriable, HubError } from './errors.js';

export type Dialect = DialectName;
export { mysqlLiteral } from './dialects/mysql.js';

export interface Db {
  knex: Knex;
  dialect: Dialect;
  /** The dialect's SQL: quoting, types, upserts, expressions. */
  sql: SqlDialect;
  target: DbTarget;
  /** The target as safe to print (password masked). */
  label: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the database (or the SQLite file's folder) when missing. */
  create?: boolean;
  /** Open for reading only: SQLite read-only handle, a read-only session on a server. */
  readOnly?: boolean;
  poolMax?: number;
  /** Where the dialect reports a slower path it had to take (a server refusing bulk loads); stderr when not given. */
  warn?: (message: string) => void;
}

/** Thrown when a database cannot be reached or opened; says which one, never with its password. */
export class ConnectError extends HubError {}

/** Opens a knex handle through the target's dialect and checks that it answers. */
export async function openDb(target: DbTarget, opts: OpenOptions = {}): Promise<Db> {
  const label = describeTarget(target);
  const sql = DIALECTS[target.kind];
  let knex: Knex;
  try {
    knex = await sql.connect(target, opts, label);
  } catch (err) {
    if (err instanceof HubError) throw new ConnectError(err.message, { cause: err.cause ?? err, retriable: err.retriable });
    throw err;
  }
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    throw new ConnectError(`cannot connect to ${label}: ${describe(err)}${sql.connectHint(target, err)}`, { cause: err, retriable: isRetriable(err) });
  }
  return { knex, dialect: target.kind, sql, target, label, close: () => knex.destroy() };
}

/** Rows of a raw query, whatever the driver's result shape. */
export async function rawRows<T = Record<string, unknown>>(db: Db | Knex.Transaction, dialect: Dialect, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const k = 'knex' in db ? db.knex : db;
  return DIALECTS[dialect].rows<T>(await k.raw(sql, bindings as Knex.RawBinding[]));
}

/**
 * Calls `fn` for every row of a query without holding the result: MySQL streams it (mysql2 query
 * stream), SQLite iterates its statement. For scans of whole tables (verify), where `rawRows` would
 * build millions of row objects at once.
 */
export async function eachRow<T = Record<string, unknown>>(db: Db, sql: string, bindings: readonly unknown[], fn: (row: T) => void): Promise<void> {
  await db.sql.eachRow(db.knex, sql, bindings, fn as (row: Record<string, unknown>) => void);
}

/** Names of the tables in the database whose names start with a prefix. */
export async function listTables(db: Db, prefix: string): Promise<string[]> {
  const rows = await rawRows<{ name: string }>(db, db.dialect, db.sql.tablesLikeSql(false), [`${prefix}%`]);
  return rows.map((r) => r.name).sort();
}

/** Column names of a table, lower-cased, in table order. */
export async function listColumns(db: Db, table: string): Promise<string[]> {
  const rows = await rawRows<{ name: string }>(db, db.dialect, db.sql.columnsOfSql(1), [table]);
  return rows.map((r) => r.name);
}

/** A 64-bit integer from either driver (BigInt from SQLite, string from MySQL) as a decimal string. */
export function idText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`lossy integer ${v} reached idText`);
    return String(v);
  }
  return String(v);
}
