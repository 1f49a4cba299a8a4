// SQLite (the embedded default): exact 64-bit integers (BigInt), money as fixed-scale TEXT under a CHECK
// (NUMERIC affinity would turn '12.30' into a float), timestamps as 'YYYY-MM-DD HH:MM:SS.SSS' text in UTC.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { DbTarget } from '../config.js';
import { HubError } from '../errors.js';
import { boundValues, indexName, marks, onConflictTail, onConflictUpsert, rowsWithin, unitsToDecimalText, type DdlColumn, writeInStatements, type SqlDialect } from './dialect.js';

type SqliteTarget = Extract<DbTarget, { kind: 'sqlite' }>;

interface SqliteHandle { prepare(sql: string): SqliteStatement }
interface SqliteStatement {
  safeIntegers(on: boolean): unknown;
  raw(on: boolean): unknown;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

/** Runs `fn` on the (single) connection of a SQLite knex handle. */
async function withConnection<T>(knex: Knex, fn: (conn: SqliteHandle) => Promise<T>): Promise<T> {
  const client = knex.client as { acquireConnection(): Promise<SqliteHandle>; releaseConnection(c: SqliteHandle): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    return await fn(conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

function columnType(c: DdlColumn): string {
  const t = c.type;
  switch (t.kind) {
    case 'id':
    case 'int':
    case 'bool':
      return 'integer';
    case 'decimal':
      return `text check (${c.name} is null or (${c.name} glob '*[0-9].${'[0-9]'.repeat(t.scale)}' and ${c.name} not glob '*[^-0-9.]*'))`;
    case 'text':
    case 'longtext':
    case 'timestamp':
    case 'date':
      return 'text';
  }
}

const q = (n: string) => `"${n}"`;
/** Milliseconds since the epoch of a 'YYYY-MM-DD HH:MM:SS.SSS' text. */
const ms = (t: string) => `(cast(strftime('%s', ${t}) as integer) * 1000 + cast(substr(${t}, 21, 3) as integer))`;

export const sqlite: SqlDialect = {
  name: 'sqlite',
  title: 'SQLite',
  rowsPerStatement: (n) => rowsWithin(30_000, n),

  async connect(raw, opts, label) {
    const target = raw as SqliteTarget;
    if (target.file !== ':memory:') {
      if (opts.create) fs.mkdirSync(path.dirname(target.file), { recursive: true });
      else if (!fs.existsSync(target.file)) {
        throw new HubError(`cannot open ${label}: the file does not exist (run "hub-etl generate" or check the URL)`);
      }
    }
    return knexFactory({
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
  },

  connectHint: () => '',

  rows: <T>(result: unknown) => result as T[],

  file: (raw) => ((raw as SqliteTarget).file === ':memory:' ? null : (raw as SqliteTarget).file),
  async dropDatabase(raw) {
    const file = sqlite.file(raw);
    if (file) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  },
  defaultSchema: () => 'main',
  clientCommand: (raw, sql) => `sqlite3 ${(raw as SqliteTarget).file} "${sql}"`,
  transactionalDdl: true,

  async eachRow(knex, sql, bindings, fn) {
    // knex's SQLite stream reads every row first; iterate the statement on the (single) connection instead.
    await withConnection(knex, async (conn) => {
      for (const row of conn.prepare(sql).iterate(...(bindings as unknown[]))) fn(row as Record<string, unknown>);
    });
  },

  async *cursor(knex, qb) {
    const { sql, bindings } = qb.toSQL().toNative();
    const client = knex.client as { acquireConnection(): Promise<SqliteHandle>; releaseConnection(c: SqliteHandle): Promise<void> };
    const conn = await client.acquireConnection();
    try {
      const stmt = conn.prepare(sql);
      stmt.safeIntegers(true);
      stmt.raw(true);
      yield* stmt.iterate(...bindings) as IterableIterator<unknown[]>;
    } finally {
      await client.releaseConnection(conn);
    }
  },

  tablesLikeSql: (views) => `select name from sqlite_master where type in (${views ? "'table', 'view'" : "'table'"}) and name like ?`,
  columnsOfSql: (count) =>
    `select m.name as t, p.name as name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name in (${marks(count)}) order by m.name, p.cid`,
  // An integer primary key is the rowid and has no index of its own: the key columns are listed as one.
  indexesOfSql: (count) =>
    `with wanted(name) as (values ${Array(count).fill('(?)').join(', ')}) ` +
    `select m.name as t, '(primary key)' as i, p.name as c, 0 as nu, p.pk as seq from sqlite_master m join wanted w on w.name = m.name join pragma_table_info(m.name) p where m.type = 'table' and p.pk > 0 ` +
    `union all select m.name, l.name, x.name, case when l."unique" then 0 else 1 end, x.seqno from sqlite_master m join wanted w on w.name = m.name join pragma_index_list(m.name) l join pragma_index_info(l.name) x where m.type = 'table' ` +
    'order by 1, 2, 5',
  rowEstimatesSql: () => null,

  id: q,
  columnType,

  createTable(table, columns, autoId) {
    const lines = columns.map((c) =>
      autoId && c.name === table.primaryKey[0] ? `  ${q(c.name)} integer primary key autoincrement` : `  ${q(c.name)} ${columnType(c)} ${c.nullable ? 'null' : 'not null'}`);
    if (!autoId) lines.push(`  primary key (${table.primaryKey.map(q).join(', ')})`);
    return [
      `-- ${table.name}: ${table.grain}\ncreate table if not exists ${q(table.name)} (\n${lines.join(',\n')}\n)`,
      ...(table.indexes ?? []).map((cols) => sqlite.createIndex(table.name, cols)),
    ];
  },

  createIndex: (table, cols) => `create index if not exists ${q(indexName(table, cols))} on ${q(table)} (${cols.map(q).join(', ')})`,
  dropColumn: (table, column) => [`alter table ${q(table)} drop column ${q(column)}`],
  addColumn: (table, c) => [`alter table ${q(table)} add column ${q(c.name)} ${columnType(c)}`],
  createView: (name, grain, select) => [`drop view if exists ${q(name)}`, `-- ${name}: ${grain}\ncreate view ${q(name)} as\n${select}`],

  upsert(table, cols, rows, guard) {
    const columns = cols.map((c) => c.name);
    const { list, bindings } = boundValues(rows, columns);
    return { sql: onConflictUpsert(sqlite, table, columns, list, guard), bindings };
  },

  write: (k, table, cols, rows, guard) => writeInStatements(sqlite, k, table, cols, rows, guard),

  onConflict: (table, keys, set) => onConflictTail(sqlite, table, keys, set),

  async insertReturningId(knex, table, row) {
    const [id] = await knex(table).insert(row);
    return String(id);
  },

  nowUtc: () => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
  nowUtcPlus: (n) => `strftime('%Y-%m-%d %H:%M:%f', 'now', '+${(Math.max(0, Math.round(n)) / 1000).toFixed(3)} seconds')`,
  timestampText: (e) => e,
  dayText: (e) => `substr(${e}, 1, 10)`,
  monthText: (e) => `substr(${e}, 1, 7)`,
  int: (e) => `cast(${e} as integer)`,
  // Money is fixed-scale text: its digits without the point are the integer count of its smallest unit.
  summable: (col) => `cast(replace(${col}, '.', '') as integer)`,
  fromSummable: unitsToDecimalText,
  ratio: (num, ns, den, ds) => `cast(${num} * ${10 ** (Math.max(ns, ds) - ns)} as real) / (${den} * ${10 ** (Math.max(ns, ds) - ds)})`,
  smallestUnits: (col) => `cast(replace(${col}, '.', '') as integer)`,
  bytes: (col) => col,
  sameOrBothNull: (a, b) => `${a} is ${b}`,
  secondsBetween: (a, b) => `((${ms(b)} - ${ms(a)}) / 1000)`,
  textSortKey: (col) => `cast(${col} as text)`,

  isDuplicateKey: (err) => /UNIQUE constraint failed|PRIMARY KEY/.test(String((err as { message?: string }).message ?? '')),
  isMissingTable: (err) => /no such table/.test(String((err as { message?: string }).message ?? '')),
  // No accounts: the file's own permissions fail at opening it.
  isAccessDenied: () => false,
  // A missing file is refused when connecting, before any statement (connect above).
  isMissingDatabase: () => false,
};
