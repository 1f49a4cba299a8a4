// MySQL and MariaDB (the replica's PolarDB speaks it too): DECIMAL money, BIGINT ids, DATETIME(3) in UTC,
// `on duplicate key update` upserts with the version guard in each assignment.
import knexFactory, { type Knex } from 'knex';
import type { DbTarget } from '../config.js';
import { describe, HubError, isRetriable } from '../errors.js';
import { mysqlSslOptions, peerIdentityError } from '../url-options.js';
import { errorCode, indexName, KNEX_LOG, marks, rowsWithin, sqlString, writeInStatements, type ColumnType, type ConnectOptions, type DdlColumn, type DdlTable, type SqlDialect, type UpsertRefs } from './dialect.js';
import { bulkWrite, DEFAULT_BULK_ROWS, type BulkState } from './mysql-bulk.js';

type MysqlTarget = Extract<DbTarget, { kind: 'mysql' }>;

/** mysql2's TLS settings of a target (its PEM files read now), or undefined without TLS. */
function tlsOf(target: MysqlTarget, label: string): ReturnType<typeof mysqlSslOptions> | undefined {
  if (!target.tls) return undefined;
  try {
    return mysqlSslOptions(target.tls);
  } catch (err) {
    throw new HubError(`cannot connect to ${label}: reading its TLS files: ${describe(err)}`, { cause: err });
  }
}

/** Runs one statement on the server outside any database (creating or dropping one). */
async function onServer(target: MysqlTarget, label: string, doing: string, sql: string): Promise<void> {
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: target.host, port: target.port, user: target.user, password: target.password, charset: 'utf8mb4', ...(target.tls ? { ssl: tlsOf(target, label) } : {}) },
    pool: { min: 0, max: 1, afterCreate: (conn: { stream: unknown }, done: (err: unknown, conn: unknown) => void) => done(peerIdentityError(target.tls, target.host, conn.stream), conn) },
  });
  try {
    await admin.raw(sql);
  } catch (err) {
    throw new HubError(`cannot ${doing} database on ${label}: ${describe(err)}`, { cause: err, retriable: isRetriable(err) });
  } finally {
    await admin.destroy();
  }
}

/**
 * A MySQL/MariaDB literal of a value, right whatever the session's sql_mode: quotes are
 * doubled, and text with a backslash (which NO_BACKSLASH_ESCAPES reads differently) goes as UTF-8 hex.
 */
export function mysqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write the number ${v} to MySQL`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  const s = String(v);
  if (s.indexOf('\\') >= 0) return `_utf8mb4 X'${Buffer.from(s, 'utf8').toString('hex')}'`;
  return s.indexOf("'") < 0 ? `'${s}'` : `'${s.replaceAll("'", "''")}'`;
}

/** The VALUES list of rows as literals: one string built once, no placeholder pass by knex or the driver. */
function literalValues(rows: ReadonlyArray<Record<string, unknown>>, columns: string[]): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out += i === 0 ? '(' : ', (';
    for (let j = 0; j < columns.length; j++) {
      if (j > 0) out += ', ';
      out += mysqlLiteral(r[columns[j]!] ?? null);
    }
    out += ')';
  }
  return out;
}

function columnType(t: ColumnType): string {
  switch (t.kind) {
    case 'id': return 'bigint';
    case 'int': return 'bigint';
    case 'bool': return 'tinyint(1)';
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'text': return `varchar(${t.length})`;
    case 'longtext': return 'mediumtext';
    case 'timestamp': return 'datetime(3)';
    case 'date': return 'date';
  }
}

const q = (n: string) => `\`${n}\``;

/**
 * The `on duplicate key update` tail of an upsert. With a guard, each assignment keeps the stored value
 * unless the incoming version is at least the stored one; assignments run left to right, so the version
 * column is compared first and assigned last. `stored` qualifies the target's columns (an INSERT … SELECT
 * whose source has columns of the same names).
 */
function onDuplicate(table: DdlTable, columns: string[], guard: string | null, stored = ''): string {
  const updatable = columns.filter((c) => !table.primaryKey.includes(c));
  if (updatable.length === 0) return `on duplicate key update ${stored}${q(columns[0]!)} = ${stored}${q(columns[0]!)}`;
  const ordered = guard ? [...updatable.filter((c) => c !== guard), ...updatable.filter((c) => c === guard)] : updatable;
  const set = ordered.map((c) => (guard ? `${stored}${q(c)} = if(values(${q(guard)}) >= ${stored}${q(guard)}, values(${q(c)}), ${stored}${q(c)})` : `${stored}${q(c)} = values(${q(c)})`));
  return `on duplicate key update ${set.join(', ')}`;
}

/** The bulk path's state of a knex handle (or of a transaction on it), kept in the handle's own config by `connect`. */
export const bulkStateOf = (k: Knex | Knex.Transaction): BulkState | undefined => (k.client.config as { hubBulk?: BulkState }).hubBulk;

export const mysql: SqlDialect = {
  name: 'mysql',
  title: 'MariaDB/MySQL',
  rowsPerStatement: (n) => rowsWithin(30_000, n),

  async connect(raw, opts: ConnectOptions, label) {
    const target = raw as MysqlTarget;
    const ssl = tlsOf(target, label);
    if (opts.create) await onServer(target, label, 'create', `create database if not exists ${q(target.database)} character set utf8mb4 collate utf8mb4_unicode_ci`);
    const hubBulk: BulkState = {
      minRows: target.bulkRows ?? DEFAULT_BULK_ROWS,
      infile: null,
      staging: true,
      warn: opts.warn ?? ((message) => process.stderr.write(`hub-etl: ${message}\n`)),
    };
    return knexFactory({
      client: 'mysql2',
      log: KNEX_LOG,
      hubBulk,
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
          import('mysql2').then(({ default: mysql2 }) => {
            conn.config.queryFormat = (sql: string, values: unknown) =>
              Array.isArray(values) && values.length > 0 ? mysql2.format(sql, values as never[], false, 'Z') : sql;
            session();
          }, (err: unknown) => done(err, conn));
        },
      },
    } as Knex.Config);
  },

  connectHint(raw, err) {
    // A server or account that requires TLS answers a plain login with "access denied", as for a wrong password.
    return !(raw as MysqlTarget).tls && (err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR'
      ? '; if the server or the account requires TLS, add ?ssl=verify-full&ssl-ca=/path/ca.pem to the URL'
      : '';
  },

  rows: <T>(result: unknown) => (result as [T[]])[0],

  file: () => null,
  dropDatabase: (raw, label) => onServer(raw as MysqlTarget, label, 'drop', `drop database if exists ${q((raw as MysqlTarget).database)}`),
  defaultSchema: (raw) => (raw as MysqlTarget).database,
  clientCommand(raw, sql) {
    const t = raw as MysqlTarget;
    return `mysql -h ${t.host} -P ${t.port} -u ${t.user}${t.password ? ' -p' : ''} ${t.database} -e "${sql}"`;
  },
  transactionalDdl: false,

  async eachRow(knex, sql, bindings, fn) {
    for await (const row of knex.raw(sql, bindings as Knex.RawBinding[]).stream()) fn(row as Record<string, unknown>);
  },

  async *cursor(_knex, qb) {
    // mysql2 streams rows as they arrive and pauses the connection while the consumer catches up.
    const stream = qb.options({ rowsAsArray: true }).stream();
    try {
      for await (const row of stream) yield row as unknown[];
    } finally {
      stream.destroy();
    }
  },

  tablesLikeSql: (views) =>
    `select table_name as name from information_schema.tables where table_schema = database()${views ? '' : " and table_type = 'BASE TABLE'"} and table_name like ?`,
  columnsOfSql: (count) =>
    `select table_name as t, column_name as name from information_schema.columns where table_schema = database() and table_name in (${marks(count)}) order by table_name, ordinal_position`,
  indexesOfSql: (count) =>
    `select table_name as t, index_name as i, column_name as c, non_unique as nu from information_schema.statistics where table_schema = database() and table_name in (${marks(count)}) order by table_name, index_name, seq_in_index`,
  rowEstimatesSql: (count) => `select table_name as t, table_rows as n from information_schema.tables where table_schema = database() and table_name in (${marks(count)})`,

  id: q,
  columnType: (c: DdlColumn) => columnType(c.type),

  createTable(table: DdlTable, columns: DdlColumn[], autoId: boolean) {
    const lines = columns.map((c) =>
      autoId && c.name === table.primaryKey[0]
        ? `  ${q(c.name)} bigint not null auto_increment comment ${sqlString(c.description)}`
        : `  ${q(c.name)} ${columnType(c.type)} ${c.nullable ? 'null' : 'not null'} comment ${sqlString(c.description)}`);
    lines.push(`  primary key (${table.primaryKey.map(q).join(', ')})`);
    const comment = sqlString(`${table.grain}. ${table.description}`.slice(0, 2048));
    return [
      `create table if not exists ${q(table.name)} (\n${lines.join(',\n')}\n) engine = InnoDB default charset = utf8mb4 collate = utf8mb4_unicode_ci comment = ${comment}`,
      ...(table.indexes ?? []).map((cols) => mysql.createIndex(table.name, cols)),
    ];
  },

  createIndex: (table, cols) => `create index ${q(indexName(table, cols))} on ${q(table)} (${cols.map(q).join(', ')})`,

  // A NOT NULL column added to existing rows needs a default; added columns are nullable.
  dropColumn: (table, column) => [`alter table ${q(table)} drop column ${q(column)}`],
  addColumn: (table, c) => [`alter table ${q(table)} add column ${q(c.name)} ${columnType(c.type)} null comment ${sqlString(c.description)}`],

  createView: (name, _grain, select) => [`create or replace view ${q(name)} as\n${select}`],

  upsert(table, cols, rows, guard) {
    const columns = cols.map((c) => c.name);
    return { sql: `insert into ${q(table.name)} (${columns.map(q).join(', ')}) values ${literalValues(rows, columns)} ${onDuplicate(table, columns, guard)}`, bindings: [] };
  },

  async write(k, table, cols, rows, guard) {
    const bulk = bulkStateOf(k);
    if (bulk && bulk.staging && bulk.minRows > 0 && rows.length >= bulk.minRows) {
      const columns = cols.map((c) => c.name);
      const spec = {
        table: table.name,
        primaryKey: table.primaryKey,
        columns: cols.map((c) => ({ name: c.name, type: columnType(c.type) })),
        onDuplicate: onDuplicate(table, columns, guard, `${q(table.name)}.`),
        literals: (part: ReadonlyArray<Record<string, unknown>>) => literalValues(part, columns),
      };
      if (await bulkWrite(k, spec, rows, bulk)) return;
    }
    await writeInStatements(mysql, k, table, cols, rows, guard);
  },

  onConflict(_table, keys, set) {
    const entries = Object.entries(set);
    const refs: UpsertRefs = { incoming: (c) => `values(${q(c)})`, stored: (c) => q(c) };
    if (entries.length === 0) return `on duplicate key update ${q(keys[0]!)} = ${q(keys[0]!)}`;
    return `on duplicate key update ${entries.map(([c, f]) => `${q(c)} = ${f(refs)}`).join(', ')}`;
  },

  async insertReturningId(knex, table, row) {
    const [id] = await knex(table).insert(row);
    return String(id);
  },

  nowUtc: () => 'utc_timestamp(3)',
  nowUtcPlus: (ms) => `timestampadd(microsecond, ${Math.max(0, Math.round(ms)) * 1000}, utc_timestamp(3))`,
  timestampText: (e) => `left(date_format(${e}, '%Y-%m-%d %H:%i:%s.%f'), 23)`,
  dayText: (e) => `date_format(${e}, '%Y-%m-%d')`,
  monthText: (e) => `date_format(${e}, '%Y-%m')`,
  int: (e) => `cast(${e} as signed)`,
  summable: (col) => col,
  fromSummable: (e, scale) => `cast(${e} as decimal(24,${scale}))`,
  // Both sides become whole numbers of the finer unit, divided as IEEE doubles: the same bits on every dialect.
  ratio: (num, ns, den, ds) => `cast(${num} * ${10 ** Math.max(ns, ds)} as double) / cast(${den} * ${10 ** Math.max(ns, ds)} as double)`,
  smallestUnits: (col, scale) => `cast(${col} * ${10 ** scale} as signed)`,
  // MariaDB compares text by collation (case- and trailing-space-insensitive): bytes compare exactly.
  bytes: (col) => `cast(${col} as binary)`,
  sameOrBothNull: (a, b) => `${a} <=> ${b}`,
  secondsBetween: (a, b) => `(timestampdiff(microsecond, ${a}, ${b}) div 1000000)`,
  textSortKey: (col) => `cast(${col} as char) collate utf8mb4_bin`,

  isDuplicateKey: (err) => (err as { code?: string }).code === 'ER_DUP_ENTRY',
  isMissingTable: (err) => errorCode(err) === 'ER_NO_SUCH_TABLE',
  isAccessDenied: (err) => errorCode(err) === 'ER_TABLEACCESS_DENIED_ERROR',
  isMissingDatabase: (err) => errorCode(err) === 'ER_BAD_DB_ERROR',
};
