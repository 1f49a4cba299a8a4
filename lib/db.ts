// Connection helpers for the two database families: exact 64-bit integers and decimals on both.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { describeTarget, type DbTarget } from './config.js';
import { describe, isRetriable, HubError } from './errors.js';
import { mysqlSslOptions, peerIdentityError } from './url-options.js';

export type Dialect = 'mysql' | 'sqlite';

export interface Db {
  knex: Knex;
  dialect: Dialect;
  target: DbTarget;
  /** The target as safe to print (password masked). */
  label: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the MySQL database (or the SQLite file's folder) when missing. */
  create?: boolean;
  /** Open for reading only: SQLite read-only handle, MySQL read-only session. */
  readOnly?: boolean;
  poolMax?: number;
}

/**
 * knex prints every failed connection attempt with its stack on stderr; the error reaches the caller anyway
 * (as a ConnectError or a query's error), which reports it in one line.
 */
const KNEX_LOG = {
  warn: (message: string) => {
    if (!message.startsWith('Acquire connection error')) process.stderr.write(`knex: ${message}\n`);
  },
};

/** Thrown when a database cannot be reached or opened; says which one, never with its password. */
export class ConnectError extends HubError {}

/**
 * Opens a knex handle. MySQL: BIGINT and DECIMAL come back as exact strings, DATETIME as text.
 * SQLite: integers come back as BigInt (64-bit exact).
 */
export async function openDb(target: DbTarget, opts: OpenOptions = {}): Promise<Db> {
  const label = describeTarget(target);
  let knex: Knex;
  if (target.kind === 'mysql') {
    const ssl = tlsOf(target, label);
    if (opts.create) await createMysqlDatabase(target, label);
    knex = knexFactory({
      client: 'mysql2',
      log: KNEX_LOG,
      connection: {
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database,
        ...(ssl ? { ssl } : {}),
        charset: 'utf8mb4',
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        decimalNumbers: false,
        timezone: 'Z',
        multipleStatements: false,
      },
      pool: {
        min: 0,
        max: opts.poolMax ?? 4,
        afterCreate: (conn: { query: (sql: string, cb: (err: unknown) => void) => void; config: { queryFormat?: unknown }; stream: unknown }, done: (err: unknown, conn: unknown) => void) => {
          const wrongPeer = peerIdentityError(target.tls, target.host, conn.stream);
          if (wrongPeer) return done(wrongPeer, conn);
          // Session time zone UTC so NOW() and implicit conversions never shift values; backslash escapes
          // on, because mysql2 escapes bound values with backslashes (under a server's NO_BACKSLASH_ESCAPES
          // a bound 'say "hi"' would be stored as 'say \"hi\"'); a read-only session makes "hub-etl never
          // writes to a source" a server-enforced fact. Two statements: MariaDB does not accept
          // `session transaction read only` inside a SET list.
          const session = () =>
            conn.query("set session time_zone = '+00:00', sql_mode = replace(@@session.sql_mode, 'NO_BACKSLASH_ESCAPES', '')", (err) => {
              if (err || !opts.readOnly) return done(err, conn);
              conn.query('set session transaction read only', (err2) => done(err2, conn));
            });
          // A statement without values goes out as it is: mysql2 would otherwise scan the megabytes of a
          // multi-row upsert whose literals the sink wrote (or a generator INSERT) for placeholders.
          import('mysql2').then(({ default: mysql }) => {
            conn.config.queryFormat = (sql: string, values: unknown) =>
              Array.isArray(values) && values.length > 0 ? mysql.format(sql, values as never[], false, 'Z') : sql;
            session();
          }, (err: unknown) => done(err, conn));
        },
      },
    });
  } else {
    if (target.file !== ':memory:') {
      if (opts.create) fs.mkdirSync(path.dirname(target.file), { recursive: true });
      else if (!fs.existsSync(target.file)) {
        throw new ConnectError(`cannot open ${label}: the file does not exist (run "hub-etl generate" or check the URL)`);
      }
    }
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target.file, options: { readonly: Boolean(opts.readOnly), safeIntegers: true } },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: unknown, conn: unknown) => void) => {
          try {
            conn.pragma('busy_timeout = 10000');
            if (!opts.readOnly) {
              conn.pragma('journal_mode = WAL');
              conn.pragma('synchronous = NORMAL');
            }
            done(null, conn);
          } catch (err) {
            done(err, conn);
          }
        },
      },
    });
  }
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    // A server or account that requires TLS answers a plain login with "access denied", as for a wrong password.
    const hint = target.kind === 'mysql' && !target.tls && (err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR'
      ? '; if the server or the account requires TLS, add ?ssl=verify-full&ssl-ca=/path/ca.pem to the URL'
      : '';
    throw new ConnectError(`cannot connect to ${label}: ${describe(err)}${hint}`, { cause: err, retriable: isRetriable(err) });
  }
  return { knex, dialect: target.kind, target, label, close: () => knex.destroy() };
}

/** mysql2's TLS settings of a target (its PEM files read now), or undefined without TLS. */
function tlsOf(target: Extract<DbTarget, { kind: 'mysql' }>, label: string): ReturnType<typeof mysqlSslOptions> | undefined {
  if (!target.tls) return undefined;
  try {
    return mysqlSslOptions(target.tls);
  } catch (err) {
    throw new ConnectError(`cannot connect to ${label}: reading its TLS files: ${describe(err)}`, { cause: err });
  }
}

async function createMysqlDatabase(target: Extract<DbTarget, { kind: 'mysql' }>, label: string): Promise<void> {
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: target.host, port: target.port, user: target.user, password: target.password, charset: 'utf8mb4', ...(target.tls ? { ssl: tlsOf(target, label) } : {}) },
    pool: { min: 0, max: 1, afterCreate: (conn: { stream: unknown }, done: (err: unknown, conn: unknown) => void) => done(peerIdentityError(target.tls, target.host, conn.stream), conn) },
  });
  try {
    await admin.raw(`create database if not exists \`${target.database}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  } catch (err) {
    throw new ConnectError(`cannot create database on ${label}: ${describe(err)}`, { cause: err, retriable: isRetriable(err) });
  } finally {
    await admin.destroy();
  }
}

/** Rows of a raw query, whatever the driver's result shape. */
export async function rawRows<T = Record<string, unknown>>(db: Db | Knex.Transaction, dialect: Dialect, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const k = 'knex' in db ? db.knex : db;
  const res = await k.raw(sql, bindings as Knex.RawBinding[]);
  return (dialect === 'mysql' ? res[0] : res) as T[];
}

/**
 * Calls `fn` for every row of a query without holding the result: MySQL streams it (mysql2 query
 * stream), SQLite iterates its statement. For scans of whole tables (verify), where `rawRows` would
 * build millions of row objects at once.
 */
export async function eachRow<T = Record<string, unknown>>(db: Db, sql: string, bindings: readonly unknown[], fn: (row: T) => void): Promise<void> {
  if (db.dialect === 'mysql') {
    for await (const row of db.knex.raw(sql, bindings as Knex.RawBinding[]).stream()) fn(row as T);
    return;
  }
  // knex's SQLite stream reads every row first; iterate the statement on the (single) connection instead.
  const client = db.knex.client as { acquireConnection(): Promise<SqliteHandle>; releaseConnection(c: SqliteHandle): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    for (const row of conn.prepare(sql).iterate(...(bindings as unknown[]))) fn(row as T);
  } finally {
    await client.releaseConnection(conn);
  }
}

interface SqliteHandle { prepare(sql: string): { iterate(...params: unknown[]): IterableIterator<unknown> } }

/**
 * A MySQL/MariaDB literal of a value, right whatever the session's sql_mode: quotes are
 * doubled, and text with a backslash (which NO_BACKSLASH_ESCAPES reads differently) goes as UTF-8 hex.
 */
export function mysqlLiteral(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write the number ${v} to MySQL`);
    return String(v);
  }
  if (v.indexOf('\\') >= 0) return `_utf8mb4 X'${Buffer.from(v, 'utf8').toString('hex')}'`;
  return v.indexOf("'") < 0 ? `'${v}'` : `'${v.replaceAll("'", "''")}'`;
}

/** Names of the tables in the database whose names start with a prefix. */
export async function listTables(db: Db, prefix: string): Promise<string[]> {
  const rows =
    db.dialect === 'mysql'
      ? await rawRows<{ name: string }>(db, 'mysql', 'select table_name as name from information_schema.tables where table_schema = database() and table_name like ?', [`${prefix}%`])
      : await rawRows<{ name: string }>(db, 'sqlite', "select name from sqlite_master where type = 'table' and name like ?", [`${prefix}%`]);
  return rows.map((r) => r.name).sort();
}

/** Column names of a table, lower-cased, in table order. */
export async function listColumns(db: Db, table: string): Promise<string[]> {
  const rows =
    db.dialect === 'mysql'
      ? await rawRows<{ name: string }>(db, 'mysql', 'select column_name as name from information_schema.columns where table_schema = database() and table_name = ? order by ordinal_position', [table])
      : await rawRows<{ name: string }>(db, 'sqlite', 'select name from pragma_table_info(?)', [table]);
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
