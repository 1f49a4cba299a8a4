// PostgreSQL (and what speaks its protocol: Hologres, AnalyticDB for PostgreSQL): NUMERIC money, BIGINT
// ids, TIMESTAMP(3) holding UTC, text under the "C" collation (byte order, as SQLite and the version guard
// want), `insert … on conflict … do update … where` upserts. Values come back as the other dialects give
// them: ids and money as exact strings, timestamps as 'YYYY-MM-DD HH:MM:SS.SSS', dates as 'YYYY-MM-DD'.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { DbTarget } from '../config.js';
import { describe, HubError, isRetriable } from '../errors.js';
import { mysqlSslOptions } from '../url-options.js';
import { copyUpsert } from './postgres-copy.js';
import { errorCode, indexName, KNEX_LOG, marks, onConflictTail, onConflictUpsert, sqlString, type ColumnType, type DdlColumn, type DdlTable, writeInStatements, type SqlDialect } from './dialect.js';

type PostgresTarget = Extract<DbTarget, { kind: 'postgres' }>;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/** Timestamps as the other dialects print them: always three decimals. */
export function timestampText(v: string): string {
  const dot = v.indexOf('.', 19);
  if (dot < 0) return `${v}.000`;
  return `${v.slice(0, dot + 1)}${v.slice(dot + 1).padEnd(3, '0').slice(0, 3)}`;
}

/** The driver's value parsers: exact text for 64-bit integers, NUMERIC, dates and timestamps (never a JS Date or double). */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8 || oid === OID.numeric || oid === OID.date) return (v: string) => v;
    if (oid === OID.timestamp) return timestampText;
    return pg.types.getTypeParser(oid, format);
  },
};

function sslOf(target: PostgresTarget, label: string): pg.ConnectionConfig['ssl'] {
  if (!target.tls) return undefined;
  try {
    const o = mysqlSslOptions(target.tls);
    return { ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized, ...(o.verifyIdentity ? {} : { checkServerIdentity: () => undefined }) };
  } catch (err) {
    throw new HubError(`cannot connect to ${label}: reading its TLS files: ${describe(err)}`, { cause: err });
  }
}

function config(target: PostgresTarget, label: string, database: string): pg.ClientConfig {
  const ssl = sslOf(target, label);
  return { host: target.host, port: target.port, user: target.user, password: target.password, database, types: TYPES, ...(ssl ? { ssl } : {}) };
}

/** Runs `fn` on a connection to the server's maintenance database (creating or dropping another). */
async function onServer(target: PostgresTarget, label: string, doing: string, fn: (admin: pg.Client) => Promise<void>): Promise<void> {
  const admin = new pg.Client(config(target, label, 'postgres'));
  try {
    await admin.connect();
    await fn(admin);
  } catch (err) {
    throw new HubError(`cannot ${doing} database on ${label}: ${describe(err)}`, { cause: err, retriable: isRetriable(err) });
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function createDatabase(target: PostgresTarget, label: string): Promise<void> {
  return onServer(target, label, 'create', async (admin) => {
    const found = await admin.query('select 1 from pg_database where datname = $1', [target.database]);
    if (found.rowCount === 0) {
      // Two processes may create it at once: the loser's "already exists" is the winner's database.
      await admin.query(`create database "${target.database}" encoding 'UTF8' template template0`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  });
}

function dropDatabase(target: PostgresTarget, label: string): Promise<void> {
  return onServer(target, label, 'drop', async (admin) => {
    // From PostgreSQL 13 on, sessions still connected to it are ended; before, they make the drop fail.
    const [row] = (await admin.query('select current_setting(\'server_version_num\')::int >= 130000 as force')).rows as Array<{ force: boolean }>;
    await admin.query(`drop database if exists "${target.database}"${row?.force ? ' with (force)' : ''}`);
  });
}

function columnType(t: ColumnType): string {
  switch (t.kind) {
    case 'id': return 'bigint';
    case 'int': return 'bigint';
    // 0/1 as on the other dialects, so that BI queries (`where is_x = 1`) read the same everywhere.
    case 'bool': return 'smallint';
    case 'decimal': return `numeric(${t.precision},${t.scale})`;
    case 'text': return `varchar(${t.length}) collate "C"`;
    case 'longtext': return 'text collate "C"';
    case 'timestamp': return 'timestamp(3)';
    case 'date': return 'date';
  }
}

const q = (n: string) => `"${n}"`;

/** The element type of the array a column's values travel in. */
export const ARRAY_TYPE: Record<ColumnType['kind'], string> = { id: 'bigint', int: 'bigint', bool: 'smallint', decimal: 'numeric', text: 'text', longtext: 'text', timestamp: 'timestamp', date: 'date' };

/**
 * The column arrays of rows. PostgreSQL text cannot hold U+0000 (SQLite and MariaDB can): dropping or
 * replacing it would alter the data, so a row with one stops the load with the table, the row's key and
 * the column named.
 */
function columnArrays(table: DdlTable, cols: DdlColumn[], rows: ReadonlyArray<Record<string, unknown>>): unknown[][] {
  return cols.map((c) => {
    const out = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i]![c.name];
      if (typeof v === 'string') {
        if (v.indexOf('\u0000') >= 0) {
          const key = table.primaryKey.map((k) => `${k}=${String(rows[i]![k])}`).join(', ');
          throw new HubError(`${table.name} (${key}): column ${c.name} holds the character U+0000, which PostgreSQL text cannot store; fix it in the source or load this store into MariaDB or SQLite`);
        }
        out[i] = v;
      } else out[i] = v === undefined ? null : typeof v === 'bigint' ? v.toString() : v;
    }
    return out;
  });
}
const NOW = "(clock_timestamp() at time zone 'utc')";

/**
 * Rows from which a write goes through COPY into a staging table and one merge (the `bulk-rows` URL option
 * overrides it; 0 turns it off). Measured with `npm run bench -- --pg-write` (bench/pg-write.ts), CPU time
 * per row of hub-etl and the server together: at 250 rows per write COPY costs 28.5 µs against the unnest
 * upsert's 25.4 (a load; 29.3 against 28.9 for an update), at 500 rows 21.7 against 24.1 (23.6 against
 * 27.0), and from 1,000 rows on 15–18 against 22–23 (19–21 against 25–27).
 */
export const COPY_MIN_ROWS = 500;

/** The COPY threshold of a knex handle (or of a transaction on it), kept in the handle's own config by `connect`. */
const copyRowsOf = (k: Knex | Knex.Transaction): number => (k.client.config as { hubCopyRows?: number }).hubCopyRows ?? COPY_MIN_ROWS;

/**
 * Statements sent as one (the simple query protocol runs them in one implicit transaction): one round
 * trip and one commit instead of one each. Only for statements without bound parameters.
 */
const together = (statements: string[]): string => statements.join(';\n');

export const postgres: SqlDialect = {
  name: 'postgres',
  title: 'PostgreSQL',
  // One array parameter per column (unnest): the row count is bound by memory, not by parameters.
  rowsPerStatement: () => 5_000,

  async connect(raw, opts, label) {
    const target = raw as PostgresTarget;
    if (opts.create) await createDatabase(target, label);
    return knexFactory({
      client: 'pg',
      log: KNEX_LOG,
      // The COPY threshold travels with the handle: `write` reads it from a transaction's client config.
      hubCopyRows: target.bulkRows ?? COPY_MIN_ROWS,
      connection: config(target, label, target.database) as Knex.PgConnectionConfig,
      pool: {
        min: 0,
        max: opts.poolMax ?? 4,
        // Session in UTC (now() and any implicit conversion); a read-only session where hub-etl only reads.
        afterCreate: (conn: pg.Client, done: (err: unknown, conn: unknown) => void) => {
          conn.query(`set time zone 'UTC'${opts.readOnly ? '; set session characteristics as transaction read only' : ''}`).then(() => done(null, conn), (err: unknown) => done(err, conn));
        },
      },
    } as Knex.Config);
  },

  connectHint: (raw, err) =>
    !(raw as PostgresTarget).tls && /no pg_hba\.conf entry.*(SSL off|no encryption)/i.test(String((err as { message?: string }).message))
      ? '; the server requires TLS: add ?ssl=verify-full&ssl-ca=/path/ca.pem to the URL'
      : '',

  rows: <T>(result: unknown) => (result as { rows: T[] }).rows,

  file: () => null,
  dropDatabase: (raw, label) => dropDatabase(raw as PostgresTarget, label),
  // Tables go into the first schema of the search path, public unless the account's path says otherwise.
  defaultSchema: () => 'public',
  clientCommand(raw, sql) {
    const t = raw as PostgresTarget;
    return `psql -h ${t.host} -p ${t.port} -U ${t.user} ${t.database} -c "${sql}"`;
  },
  transactionalDdl: true,

  async eachRow(knex, sql, bindings, fn) {
    for await (const row of knex.raw(sql, bindings as Knex.RawBinding[]).stream({ types: TYPES })) fn(row as Record<string, unknown>);
  },

  async *cursor(_knex, qb) {
    const stream = qb.stream({ rowMode: 'array', types: TYPES });
    try {
      for await (const row of stream) yield row as unknown[];
    } finally {
      stream.destroy();
    }
  },

  tablesLikeSql: (views) =>
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type in (${views ? "'BASE TABLE', 'VIEW'" : "'BASE TABLE'"}) and table_name like ?`,
  columnsOfSql: (count) =>
    `select table_name as t, column_name as name from information_schema.columns where table_schema = current_schema() and table_name in (${marks(count)}) order by table_name, ordinal_position`,
  indexesOfSql: (count) =>
    'select t.relname as t, i.relname as i, a.attname as c, case when x.indisunique then 0 else 1 end as nu ' +
    'from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = t.relnamespace ' +
    'cross join lateral unnest(x.indkey::int2[]) with ordinality as k(attnum, seq) join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum ' +
    `where n.nspname = current_schema() and t.relname in (${marks(count)}) order by t.relname, i.relname, k.seq`,
  // reltuples is -1 for a table never vacuumed or analysed.
  rowEstimatesSql: (count) =>
    `select c.relname as t, cast(greatest(c.reltuples, 0) as bigint) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r' and c.relname in (${marks(count)})`,

  id: q,
  columnType: (c: DdlColumn) => columnType(c.type),

  createTable(table, columns, autoId) {
    const lines = columns.map((c) =>
      autoId && c.name === table.primaryKey[0]
        ? `  ${q(c.name)} bigint generated by default as identity`
        : `  ${q(c.name)} ${columnType(c.type)} ${c.nullable ? 'null' : 'not null'}`);
    lines.push(`  primary key (${table.primaryKey.map(q).join(', ')})`);
    // One statement with its comments and indexes: a round trip and a commit per comment made migrate take seconds.
    return [together([
      `create table if not exists ${q(table.name)} (\n${lines.join(',\n')}\n)`,
      `comment on table ${q(table.name)} is ${sqlString(`${table.grain}. ${table.description}`)}`,
      ...columns.map((c) => `comment on column ${q(table.name)}.${q(c.name)} is ${sqlString(c.description)}`),
      ...(table.indexes ?? []).map((cols) => postgres.createIndex(table.name, cols)),
    ])];
  },

  createIndex: (table, cols) => `create index if not exists ${q(indexName(table, cols))} on ${q(table)} (${cols.map(q).join(', ')})`,
  dropColumn: (table, column) => [`alter table ${q(table)} drop column if exists ${q(column)}`],
  addColumn: (table, c) => [
    together([
      `alter table ${q(table)} add column if not exists ${q(c.name)} ${columnType(c.type)} null`,
      `comment on column ${q(table)}.${q(c.name)} is ${sqlString(c.description)}`,
    ]),
  ],
  // Not `create or replace`: that refuses a view whose columns changed. One statement, so one transaction:
  // a reader never finds the view missing.
  createView: (name, grain, select) => [together([`drop view if exists ${q(name)}`, `create view ${q(name)} as\n${select}`, `comment on view ${q(name)} is ${sqlString(grain)}`])],

  // One array per column, unnested into rows: a statement of any row count has as many parameters as
  // columns, and PostgreSQL parses and plans it once (measured 2× faster than a VALUES list of bound
  // parameters; below COPY_MIN_ROWS rows also cheaper than COPY into a staging table).
  upsert(table, cols, rows, guard) {
    const list = `select * from unnest(${cols.map((c) => `?::${ARRAY_TYPE[c.type.kind]}[]`).join(', ')})`;
    return { sql: onConflictUpsert(postgres, table, cols.map((c) => c.name), list, guard, true), bindings: columnArrays(table, cols, rows) };
  },

  // The keys and versions as two arrays joined to the table, the parents' rows found with `= any` through
  // the index on the parent column (18 ms for 1,000 parents among 43k lines). An OR list of (key, version)
  // pairs made PostgreSQL scan the whole table once per statement while it had no statistics, as right
  // after a first load (196 ms for 400 parents, growing with the table): 9 s of server CPU for a full
  // refresh of 43k order lines, 1.4 s now (bench --warehouse, "order_lines again").
  deleteChildren: (table, parent, versionColumn, keys, versions) => ({
    sql: `delete from ${q(table)} t using unnest(?::${ARRAY_TYPE[parent.type.kind]}[], ?::text[]) as u(k, v) ` +
      `where t.${q(parent.name)} = any(?::${ARRAY_TYPE[parent.type.kind]}[]) and t.${q(parent.name)} = u.k and t.${q(versionColumn)} <= u.v`,
    bindings: [keys, versions, keys],
  }),

  // From the threshold on (the warehouse URL's bulk-rows, else COPY_MIN_ROWS; 0 never), COPY into a
  // staging table and one merge (postgres-copy.ts); below it, unnest upserts.
  async write(k, table, cols, rows, guard) {
    const min = copyRowsOf(k);
    if (min > 0 && rows.length >= min) await copyUpsert(k, table, cols, rows, guard, (c) => ARRAY_TYPE[c.type.kind]);
    else await writeInStatements(postgres, k, table, cols, rows, guard);
  },

  onConflict: (table, keys, set) => onConflictTail(postgres, table, keys, set),

  async insertReturningId(knex, table, row, idColumn) {
    const [r] = (await knex(table).insert(row).returning(idColumn)) as Array<Record<string, unknown>>;
    return String(r![idColumn]);
  },

  nowUtc: () => `${NOW}::timestamp(3)`,
  nowUtcPlus: (ms) => `(${NOW} + interval '${Math.max(0, Math.round(ms))} milliseconds')::timestamp(3)`,
  timestampText: (e) => `to_char(${e}, 'YYYY-MM-DD HH24:MI:SS.MS')`,
  dayText: (e) => `to_char(${e}, 'YYYY-MM-DD')`,
  monthText: (e) => `to_char(${e}, 'YYYY-MM')`,
  int: (e) => `cast(${e} as bigint)`,
  summable: (col) => col,
  fromSummable: (e, scale) => `cast(${e} as numeric(24,${scale}))`,
  ratio: (num, ns, den, ds) => `cast(${num} * ${10 ** Math.max(ns, ds)} as double precision) / cast(${den} * ${10 ** Math.max(ns, ds)} as double precision)`,
  smallestUnits: (col, scale) => `cast(${col} * ${10 ** scale} as bigint)`,
  bytes: (col) => col,
  sameOrBothNull: (a, b) => `${a} is not distinct from ${b}`,
  secondsBetween: (a, b) => `cast(trunc(extract(epoch from (${b}) - (${a}))) as bigint)`,
  textSortKey: (col) => `cast(${col} as text) collate "C"`,

  isDuplicateKey: (err) => (err as { code?: string }).code === '23505',
  isMissingTable: (err) => errorCode(err) === '42P01',
  isAccessDenied: (err) => errorCode(err) === '42501',
  isMissingDatabase: (err) => errorCode(err) === '3D000',
};
