// Doctor checks of the source: reachable (and how: TLS), server version, the eight tables readable, rows per
// table, the indexes incremental runs need, the time zone, and a read-only account. Reads only.
import { DateTime, IANAZone } from 'luxon';
import type { Context } from '../context.js';
import { rawRows, type Db } from '../../lib/db.js';
import { describe } from '../../lib/errors.js';
import { isSynthetic, ORDER_COLUMN_SPELLINGS, SOURCE_TABLES, SYNTHETIC_MARKER, sourceNowUtc } from '../../sources/replica.js';
import { REPLICA_STREAMS } from '../../sources/replica-streams.js';
import { connectFix, count, createIndexSql, NEEDED_INDEXES, versionCheck, type Report } from './checks.js';

/** Tables as large as this are counted from the server's statistics, not with count(*) (minutes on a busy replica). */
const EXACT_COUNT_BELOW = 1_000_000;

interface TableInfo { readable: boolean; denied: boolean; columns: string[]; indexes: Array<{ columns: string[]; unique: boolean }> }

export async function checkSource(ctx: Context, report: Report): Promise<void> {
  let db: Db;
  try {
    db = await ctx.source();
  } catch (err) {
    report({ name: 'connect', level: 'error', message: describe(err), fix: ctx.config.source.kind === 'sqlite' ? 'run "hub-etl generate" for a demo store, or set HUB_SOURCE_URL to the replica' : connectFix((err as { cause?: unknown }).cause ?? err, 'replica') });
    return;
  }
  const synthetic = await isSynthetic(db).catch(() => false);
  if (db.dialect === 'mysql') {
    await reportTransport(db, report);
    const [v] = await rawRows<{ v: string }>(db, 'mysql', 'select version() as v');
    report(versionCheck(String(v!.v)));
  } else {
    report({ name: 'connect', level: 'ok', message: `${db.label} opened read-only${synthetic ? ' (a synthetic store written by hub-etl generate)' : ''}` });
  }
  const tables = await readTables(db);
  reportTables(db, tables, report);
  await reportRows(db, tables, report);
  reportIndexes(tables, report);
  await reportTimeZone(ctx, db, tables, synthetic, report);
  if (db.dialect === 'mysql' && !synthetic) await reportWriteGrants(db, report);
}

/** How the connection travels: a password and a store's orders should not cross a network in clear. */
async function reportTransport(db: Db, report: Report): Promise<void> {
  const target = db.target.kind === 'mysql' ? db.target : null;
  const [row] = await rawRows<{ Value: string }>(db, 'mysql', "show session status like 'Ssl_version'");
  const tls = row?.Value ?? '';
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target?.host ?? '');
  if (tls) {
    const mode = target?.tls?.mode ?? 'required';
    report({ name: 'connect', level: 'ok', message: `${db.label}: connected over ${tls} (ssl=${mode}${mode === 'required' ? ': the server\'s certificate is not checked' : ''})` });
  } else if (local) {
    report({ name: 'connect', level: 'ok', message: `${db.label}: connected (not encrypted; a local connection)` });
  } else {
    report({ name: 'connect', level: 'warn', message: `${db.label}: connected without TLS: the password and the store's data cross the network in clear`, fix: 'add ?ssl=verify-full&ssl-ca=/path/ca.pem to the URL (the CA file from your database console)' });
  }
}

async function readTables(db: Db): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  for (const table of SOURCE_TABLES) {
    const info: TableInfo = { readable: false, denied: false, columns: [], indexes: [] };
    out.set(table, info);
    if (db.dialect === 'sqlite') {
      info.columns = (await rawRows<{ name: string; pk: bigint }>(db, 'sqlite', 'select name, pk from pragma_table_info(?)', [table])).map((r) => r.name);
      info.readable = info.columns.length > 0;
      const pk = await rawRows<{ name: string }>(db, 'sqlite', 'select name from pragma_table_info(?) where pk = 1', [table]);
      if (pk.length === 1) info.indexes.push({ columns: [pk[0]!.name], unique: true });
      for (const idx of await rawRows<{ name: string; unique: bigint }>(db, 'sqlite', 'select name, "unique" from pragma_index_list(?)', [table])) {
        const cols = await rawRows<{ name: string }>(db, 'sqlite', 'select name from pragma_index_info(?) order by seqno', [idx.name]);
        info.indexes.push({ columns: cols.map((c) => c.name), unique: Number(idx.unique) === 1 });
      }
      continue;
    }
    // A table the account may not read is invisible in information_schema: ask the table itself.
    try {
      await db.knex.raw(`select 1 from \`${table}\` limit 0`);
      info.readable = true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ER_TABLEACCESS_DENIED_ERROR') info.denied = true;
      else if (code !== 'ER_NO_SUCH_TABLE') throw err;
    }
  }
  if (db.dialect === 'mysql') {
    const marks = SOURCE_TABLES.map(() => '?').join(', ');
    const cols = await rawRows<{ t: string; c: string }>(db, 'mysql', `select table_name as t, column_name as c from information_schema.columns where table_schema = database() and table_name in (${marks}) order by table_name, ordinal_position`, [...SOURCE_TABLES]);
    for (const { t, c } of cols) out.get(t.toLowerCase())?.columns.push(c);
    const stats = await rawRows<{ t: string; i: string; c: string; nu: number | string }>(db, 'mysql', `select table_name as t, index_name as i, column_name as c, non_unique as nu from information_schema.statistics where table_schema = database() and table_name in (${marks}) order by table_name, index_name, seq_in_index`, [...SOURCE_TABLES]);
    const byIndex = new Map<string, { table: string; columns: string[]; unique: boolean }>();
    for (const s of stats) {
      const key = `${s.t}\u0000${s.i}`;
      const idx = byIndex.get(key) ?? { table: s.t.toLowerCase(), columns: [], unique: Number(s.nu) === 0 };
      idx.columns.push(s.c);
      byIndex.set(key, idx);
    }
    for (const idx of byIndex.values()) out.get(idx.table)?.indexes.push({ columns: idx.columns, unique: idx.unique });
  }
  return out;
}

function reportTables(db: Db, tables: Map<string, TableInfo>, report: Report): void {
  const denied = [...tables].filter(([, i]) => i.denied).map(([t]) => t);
  const missing = [...tables].filter(([, i]) => !i.readable && !i.denied).map(([t]) => t);
  for (const t of denied) {
    const database = db.target.kind === 'mysql' ? db.target.database : '';
    report({ name: 'privileges', level: 'error', message: `${t}: the account has no SELECT privilege on it; that stream cannot run`, fix: `grant select on \`${database}\`.* to the hub-etl user (README: "Connecting a real replica")` });
  }
  if (missing.length === SOURCE_TABLES.length) {
    report({ name: 'tables', level: 'error', message: `${db.label} has none of the ali1688_* tables of a 1688 Cloud Hub replica`, fix: 'point HUB_SOURCE_URL at the database Cloud Hub replicates into (or run "hub-etl generate" for a demo store)' });
  } else if (missing.length > 0) {
    report({ name: 'tables', level: 'error', message: `missing table${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, fix: 'check that Cloud Hub replicates every table of the store into this database' });
  } else if (denied.length === 0) {
    report({ name: 'tables', level: 'ok', message: `all ${SOURCE_TABLES.length} ali1688_* tables are there and readable` });
  }
  // Columns a stream reads that the account cannot see come back empty: say which.
  for (const [name, s] of Object.entries(REPLICA_STREAMS)) {
    const info = tables.get(s.table);
    if (!info?.readable) continue;
    const have = new Set(info.columns.map((c) => c.toLowerCase()));
    const unseen = ['id', ...s.columns].filter((c) => !have.has(c) && !(c === 'order_id' && have.has('order_ld')));
    if (unseen.length > 0) {
      report({ name: 'columns', level: 'warn', message: `${s.table}: the ${name} stream reads ${unseen.join(', ')}, which the account cannot see (missing, or no privilege on the column): they load as empty`, fix: 'grant SELECT on the whole table' });
    }
  }
}

async function reportRows(db: Db, tables: Map<string, TableInfo>, report: Report): Promise<void> {
  const estimates = new Map<string, number>();
  if (db.dialect === 'mysql') {
    const marks = SOURCE_TABLES.map(() => '?').join(', ');
    for (const r of await rawRows<{ t: string; n: number | string | null }>(db, 'mysql', `select table_name as t, table_rows as n from information_schema.tables where table_schema = database() and table_name in (${marks})`, [...SOURCE_TABLES])) {
      estimates.set(r.t.toLowerCase(), Number(r.n ?? 0));
    }
  }
  for (const [table, info] of tables) {
    if (!info.readable) continue;
    const estimate = estimates.get(table) ?? 0;
    let text: string;
    let n: number;
    if (estimate >= EXACT_COUNT_BELOW) {
      n = estimate;
      text = `about ${count(n)} rows (the server's estimate)`;
    } else {
      const [row] = await rawRows<{ n: number | bigint | string }>(db, db.dialect, `select count(*) as n from ${db.dialect === 'mysql' ? `\`${table}\`` : `"${table}"`}`);
      n = Number(row!.n);
      text = `${count(n)} rows`;
    }
    const empty = n === 0 && (table === 'ali1688_order' || table === 'ali1688_product');
    report({ name: 'rows', level: empty ? 'warn' : 'ok', message: `${table}: ${text}`, ...(empty ? { fix: 'an empty table: is this the database Cloud Hub replicates the store into?' } : {}) });
  }
}

function reportIndexes(tables: Map<string, TableInfo>, report: Report): void {
  for (const need of NEEDED_INDEXES) {
    const info = tables.get(need.table);
    if (!info?.readable) continue;
    // The order column of invoices is printed order_Id: MySQL and SQLite compare column names without case.
    // Refunds' is printed order_ld, which a replica may spell order_id.
    const spellings = ORDER_COLUMN_SPELLINGS[need.table]?.some((c) => c.toLowerCase() === need.column.toLowerCase()) ? ORDER_COLUMN_SPELLINGS[need.table]! : [need.column];
    const column = info.columns.find((c) => spellings.some((x) => x.toLowerCase() === c.toLowerCase())) ?? need.column;
    const indexed = info.indexes.some((i) => i.columns[0]?.toLowerCase() === column.toLowerCase());
    if (indexed) report({ name: 'index', level: 'ok', message: `${need.table}.${column} is indexed` });
    else report({ name: 'index', level: 'warn', message: `${need.table}.${column} has no index: ${need.why}, so ${need.scans ?? 'every run'} scans the whole table`, fix: createIndexSql(need.table, column) });
  }
  for (const [table, info] of tables) {
    if (!info.readable) continue;
    if (!info.indexes.some((i) => i.unique && i.columns.length === 1 && i.columns[0]!.toLowerCase() === 'id')) {
      report({ name: 'index', level: 'warn', message: `${table}.id is not a primary key or unique: runs page by (modify time, id) and rely on ids being unique`, fix: `check the table's definition (show create table ${table})` });
    }
  }
}

async function reportTimeZone(ctx: Context, db: Db, tables: Map<string, TableInfo>, synthetic: boolean, report: Report): Promise<void> {
  const zone = ctx.config.sourceTz;
  if (synthetic) {
    const [row] = await rawRows<{ tz: string }>(db, db.dialect, `select source_tz as tz from ${SYNTHETIC_MARKER} where id = 1`);
    const written = String(row?.tz ?? '');
    if (written && written !== zone) {
      report({ name: 'time zone', level: 'error', message: `the synthetic store was written in ${written}, but HUB_SOURCE_TZ is ${zone}: every time would be shifted`, fix: `set HUB_SOURCE_TZ=${written}` });
    } else {
      report({ name: 'time zone', level: 'ok', message: `the synthetic store's times are in ${zone}, as HUB_SOURCE_TZ says` });
    }
    return;
  }
  const ourOffset = DateTime.now().setZone(zone).offset;
  if (db.dialect === 'mysql') {
    const [row] = await rawRows<{ tz: string; sys: string; off: number | string | null }>(db, 'mysql',
      "select @@global.time_zone as tz, @@system_time_zone as sys, timestampdiff(minute, utc_timestamp(), convert_tz(utc_timestamp(), '+00:00', @@global.time_zone)) as off");
    const named = row!.tz === 'SYSTEM' ? `SYSTEM (${row!.sys})` : row!.tz;
    const serverOffset = row!.off === null ? offsetOfName(row!.tz) : Number(row!.off);
    if (serverOffset === null) {
      report({ name: 'time zone', level: 'ok', message: `the server's time zone is ${named}; HUB_SOURCE_TZ is ${zone} (${utc(ourOffset)})` });
    } else if (serverOffset !== ourOffset) {
      report({ name: 'time zone', level: 'warn', message: `the server's time zone is ${named}, ${utc(serverOffset)}, but HUB_SOURCE_TZ is ${zone}, ${utc(ourOffset)}`,
        fix: 'HUB_SOURCE_TZ must be the zone in which the replica\'s DATETIME values are written (1688\'s own times are UTC+8, Asia/Shanghai); compare a recent order\'s modify_time with the 1688 seller console' });
    } else {
      report({ name: 'time zone', level: 'ok', message: `the server's time zone ${named} and HUB_SOURCE_TZ ${zone} agree (${utc(ourOffset)})` });
    }
  }
  // The newest modify time, read in HUB_SOURCE_TZ, may not lie in the future (only looked up through its index).
  const orders = tables.get('ali1688_order');
  if (!orders?.readable || !orders.indexes.some((i) => i.columns[0]?.toLowerCase() === 'modify_time')) return;
  const [latest] = await rawRows<{ m: string | null }>(db, db.dialect, 'select max(modify_time) as m from ali1688_order');
  if (!latest?.m) return;
  const at = DateTime.fromSQL(String(latest.m).slice(0, 19), { zone });
  const now = DateTime.fromJSDate(await sourceNowUtc(db, false));
  const ahead = at.isValid ? at.diff(now, 'minutes').minutes : 0;
  if (ahead > 10) {
    report({ name: 'time zone', level: 'warn', message: `the newest ali1688_order.modify_time (${String(latest.m).slice(0, 19)}) lies ${Math.round(ahead / 60 * 10) / 10} h in the future when read in ${zone}: HUB_SOURCE_TZ is probably wrong`,
      fix: 'set HUB_SOURCE_TZ to the zone the replica writes in; a wrong zone shifts every time and makes runs wait for rows "from the future"' });
  }
}

function offsetOfName(name: string): number | null {
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(name);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return IANAZone.isValidZone(name) ? DateTime.now().setZone(name).offset : null;
}

const utc = (minutes: number) => `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;

/** hub-etl only reads the replica: an account that can write it is more than it needs. */
async function reportWriteGrants(db: Db, report: Report): Promise<void> {
  let grants: string[];
  try {
    grants = (await rawRows<Record<string, string>>(db, 'mysql', 'show grants')).map((r) => String(Object.values(r)[0]));
  } catch {
    return;
  }
  const database = db.target.kind === 'mysql' ? db.target.database : '';
  const writes = grants.filter((g) => {
    const m = /^GRANT (.+?) ON (\S+) TO /i.exec(g);
    if (!m) return false;
    const on = m[2]!.replace(/`/g, '').replace(/\\_/g, '_');
    const here = on === '*.*' || on === `${database}.*` || on.startsWith(`${database}.`);
    return here && /\b(ALL|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(m[1]!);
  });
  if (writes.length > 0) {
    report({ name: 'privileges', level: 'warn', message: `the account can write to the replica (${writes[0]!.replace(/ IDENTIFIED BY .*/i, '')}); hub-etl only reads it`, fix: 'give hub-etl an account with SELECT only (README: "Connecting a real replica")' });
  } else {
    report({ name: 'privileges', level: 'ok', message: 'the account can read and not write the replica' });
  }
}
