// Doctor checks of the source: reachable (and how: TLS), server version, the eight tables readable, rows per
// table, the indexes incremental runs need, the time zone, and a read-only account. Reads only.
import { DateTime, IANAZone } from 'luxon';
import type { Context } from '../context.js';
import { rawRows, type Db } from '../../lib/db.js';
import { DIALECTS } from '../../lib/dialects/index.js';
import { describe } from '../../lib/errors.js';
import { isSynthetic, ORDER_COLUMN_SPELLINGS, SOURCE_TABLES, SYNTHETIC_MARKER, sourceNowUtc } from '../../sources/replica.js';
import { REPLICA_STREAMS } from '../../sources/replica-streams.js';
import { connectFix, count, createIndexSql, NEEDED_INDEXES, type Report } from './checks.js';
import { FAMILIES, type DoctorFamily } from './families/index.js';

/** Tables as large as this are counted from the server's statistics, not with count(*) (minutes on a busy replica). */
const EXACT_COUNT_BELOW = 1_000_000;

interface TableInfo { readable: boolean; denied: boolean; columns: string[]; indexes: Array<{ columns: string[]; unique: boolean }> }

export async function checkSource(ctx: Context, report: Report): Promise<void> {
  let db: Db;
  try {
    db = await ctx.source();
  } catch (err) {
    // A store in a file that cannot be opened is one not generated yet.
    const src = ctx.config.source;
    const file = src.kind === 'api' ? null : DIALECTS[src.kind].file(src);
    report({ name: 'connect', level: 'error', message: describe(err), fix: file ? 'run "hub-etl generate" for a demo store, or set HUB_SOURCE_URL to the replica' : connectFix((err as { cause?: unknown }).cause ?? err, 'replica') });
    return;
  }
  const family = FAMILIES[db.dialect];
  const synthetic = await isSynthetic(db).catch(() => false);
  await family.connectSource(db, report, synthetic);
  const tables = await readTables(db);
  reportTables(db, family, tables, report);
  await reportRows(db, tables, report);
  reportIndexes(tables, report);
  await reportTimeZone(ctx, db, family, tables, synthetic, report);
  if (!synthetic) await reportWriteGrants(db, family, report);
}

async function readTables(db: Db): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  for (const table of SOURCE_TABLES) {
    const info: TableInfo = { readable: false, denied: false, columns: [], indexes: [] };
    out.set(table, info);
    // A table the account may not read is invisible in the catalog: ask the table itself.
    try {
      await db.knex.raw(`select 1 from ${db.sql.id(table)} limit 0`);
      info.readable = true;
    } catch (err) {
      if (db.sql.isAccessDenied(err)) info.denied = true;
      else if (!db.sql.isMissingTable(err)) throw err;
    }
  }
  const names = [...SOURCE_TABLES];
  for (const { t, name } of await rawRows<{ t: string; name: string }>(db, db.dialect, db.sql.columnsOfSql(names.length), names)) out.get(t.toLowerCase())?.columns.push(name);
  const byIndex = new Map<string, { table: string; columns: string[]; unique: boolean }>();
  for (const s of await rawRows<{ t: string; i: string; c: string; nu: unknown }>(db, db.dialect, db.sql.indexesOfSql(names.length), names)) {
    const key = `${s.t}\u0000${s.i}`;
    const idx = byIndex.get(key) ?? { table: s.t.toLowerCase(), columns: [], unique: Number(s.nu) === 0 };
    idx.columns.push(s.c);
    byIndex.set(key, idx);
  }
  for (const idx of byIndex.values()) out.get(idx.table)?.indexes.push({ columns: idx.columns, unique: idx.unique });
  return out;
}

function reportTables(db: Db, family: DoctorFamily, tables: Map<string, TableInfo>, report: Report): void {
  const denied = [...tables].filter(([, i]) => i.denied).map(([t]) => t);
  const missing = [...tables].filter(([, i]) => !i.readable && !i.denied).map(([t]) => t);
  for (const t of denied) {
    report({ name: 'privileges', level: 'error', message: `${t}: the account has no SELECT privilege on it; that stream cannot run`, fix: family.readGrant(db.target) });
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
  const estimateSql = db.sql.rowEstimatesSql(SOURCE_TABLES.length);
  if (estimateSql) {
    for (const r of await rawRows<{ t: string; n: number | string | null }>(db, db.dialect, estimateSql, [...SOURCE_TABLES])) estimates.set(r.t.toLowerCase(), Number(r.n ?? 0));
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
      const [row] = await rawRows<{ n: number | bigint | string }>(db, db.dialect, `select count(*) as n from ${db.sql.id(table)}`);
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

async function reportTimeZone(ctx: Context, db: Db, family: DoctorFamily, tables: Map<string, TableInfo>, synthetic: boolean, report: Report): Promise<void> {
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
  const server = await family.serverZone(db);
  if (server) {
    const named = server.named;
    const serverOffset = server.offset ?? offsetOfName(named);
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
async function reportWriteGrants(db: Db, family: DoctorFamily, report: Report): Promise<void> {
  const writes = await family.writeGrants(db);
  if (writes === null) return;
  if (writes.length > 0) {
    report({ name: 'privileges', level: 'warn', message: `the account can write to the replica (${writes[0]}); hub-etl only reads it`, fix: 'give hub-etl an account with SELECT only (README: "Connecting a real replica")' });
  } else {
    report({ name: 'privileges', level: 'ok', message: 'the account can read and not write the replica' });
  }
}
