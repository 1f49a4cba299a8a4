// The MariaDB write path alone, at N and 4N: order lines made up here (keys shaped as 1688's, in the
// order a full load meets them) written through the SQL sink exactly as the engine writes a batch (child
// sets, fingerprints, watermark, one transaction each), with no source to read and no transform to run,
// so that what grows with the store is the warehouse's own work. Prints, per variant: rows/s, the
// server's CPU, InnoDB's page reads and writes, and where the statements' time went (performance_schema
// is off on the shared server: each statement kind is timed at the client, round trip included).
//   node dist/bench/mysql-write.js [--units 25000] [--lines 2.2] [--batch 1000] [--bulk-rows 500] [--variants statements,bulk,bulk-noindex,bulk-batch4000]
import knexFactory from 'knex';
import { openDb } from '../lib/db.js';
import { parseDbUrl } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { SqlSink } from '../sinks/sql.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import { startRun, type UnitWrite } from '../sinks/sink.js';
import { cpuSecondsOf, serverPid, table } from './child.js';

interface Variant { name: string; bulkRows: number; batch: number; dropIndexes: boolean }

const VARIANTS: Record<string, Omit<Variant, 'batch'> & { batch?: number }> = {
  statements: { name: 'statements', bulkRows: 0, dropIndexes: false },
  bulk: { name: 'bulk', bulkRows: 1000, dropIndexes: false },
  'bulk-noindex': { name: 'bulk-noindex', bulkRows: 1000, dropIndexes: true },
  'bulk-batch4000': { name: 'bulk-batch4000', bulkRows: 1000, dropIndexes: false, batch: 4000 },
};

const MYSQL = process.env.HUB_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const logger = createLogger({ format: 'json', level: 'error', silent: true });

/** A deterministic pseudo-random stream (xorshift), so that every variant writes the same rows. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

/**
 * Units in the order a full load reads them (by modify time): order ids are the day of creation
 * (YYMMDD) then random digits, so keys rise from day to day and are random within one, as 1688's are.
 */
function* units(count: number, linesPerOrder: number): Generator<UnitWrite> {
  const r = rng(1688);
  const perDay = Math.max(1, Math.round(count / 365));
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2024, 4, 1) + Math.floor(i / perDay) * 86_400_000);
    const ymd = day.toISOString().slice(2, 10).replace(/-/g, '');
    const order = BigInt(`${ymd}${String(Math.floor(r() * 1e12)).padStart(12, '0')}`);
    const version = `${day.toISOString().slice(0, 10)} ${String(Math.floor(r() * 24)).padStart(2, '0')}:15:07`;
    const n = Math.max(1, Math.round(linesPerOrder * 2 * r()));
    const rows = Array.from({ length: n }, (_, j) => ({
      order_id: String(order), sub_item_id: String(order + 5_000_000n + BigInt(j) * 70_000n), product_id: String(600_000_000_000 + Math.floor(r() * 5000)),
      sku_id: String(5_000_000_000_000 + Math.floor(r() * 20_000)), spec_id: `spec${Math.floor(r() * 1e6)}`, product_cargo_number: null, sku_cargo_number: 'SKU-01',
      product_name: '电动扳手 20V 无刷 锂电 套装 🔧 工业级', sku_attributes: '颜色:红色;规格:20V', quantity: `${1 + Math.floor(r() * 9)}.0000`, unit: '件',
      unit_price: '12.3450', line_amount: `${Math.floor(r() * 1e5)}.${String(Math.floor(r() * 100)).padStart(2, '0')}`, refund_amount: '0.000',
      line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null, order_date: day.toISOString().slice(0, 10),
      gross_amount: '123.45', discount_amount: '0.00', logistics_status: 2, created_at: `${version}.000`, modified_at: `${version}.000`,
    }));
    yield { key: String(order), version, tables: new Map([['fct_order_line', rows]]), fresh: true };
  }
}

async function status(k: ReturnType<typeof knexFactory>): Promise<Map<string, number>> {
  const names = ['INNODB_BUFFER_POOL_READS', 'INNODB_PAGES_WRITTEN', 'INNODB_OS_LOG_WRITTEN', 'INNODB_ROWS_INSERTED'];
  const [rows] = (await k.raw(`select variable_name as n, variable_value as v from information_schema.global_status where variable_name in (${names.map(() => '?').join(', ')})`, names)) as [Array<{ n: string; v: string }>];
  return new Map(rows.map((x) => [x.n.toUpperCase(), Number(x.v)]));
}

/** The kind of a statement, for the time table: its first words, table names kept. */
function kindOf(sql: string): string {
  const s = sql.replace(/\s+/g, ' ');
  if (s.startsWith('load data')) return `load data → ${/into table `([^`]+)`/.exec(s)?.[1]}`;
  if (s.startsWith('insert into `_hub_stage_')) return 'insert → staging';
  const ins = /^insert into `([^`]+)` \(.*?\) (select|values)/.exec(s);
  if (ins) return `${ins[2] === 'select' ? 'merge' : 'upsert values'} → ${ins[1]}`;
  return s.slice(0, 40);
}

async function runVariant(v: Variant, count: number, linesPerOrder: number, admin: ReturnType<typeof knexFactory>, pid: number | null) {
  const name = `hub_bench_write_${v.name.replace(/-/g, '_')}`;
  await admin.raw(`drop database if exists \`${name}\``);
  const target = parseDbUrl(`${MYSQL}/${name}?bulk-rows=${v.bulkRows}`, 'bench');
  if (typeof target === 'string') throw new Error(target);
  const db = await openDb(target, { create: true });
  await migrate(db, logger);
  if (v.dropIndexes) for (const cols of tableNamed('fct_order_line').indexes ?? []) await db.knex.raw(`drop index \`ix_fct_order_line_${cols.join('_')}\` on fct_order_line`);
  const sink = new SqlSink(db);
  const T = tableNamed('fct_order_line');
  const started = new Map<string, number>();
  const spent = new Map<string, number>();
  db.knex.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()));
  db.knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
    const k = kindOf(q.sql);
    spent.set(k, (spent.get(k) ?? 0) + performance.now() - (started.get(q.__knexQueryUid) ?? performance.now()));
    started.delete(q.__knexQueryUid);
  });
  const runId = await startRun(sink, { stream: 'order_lines', mode: 'full_refresh', windowStart: null, windowEnd: null });
  const s0 = await status(admin);
  const cpu0 = pid === null ? null : cpuSecondsOf(pid);
  const t0 = performance.now();
  let rows = 0;
  let batch: UnitWrite[] = [];
  const flush = async () => {
    const last = batch[batch.length - 1]!;
    await sink.transaction(async (tx) => {
      await tx.writeUnits('order_lines', batch, [T], runId);
      await tx.state.putRowStates('order_lines', batch.map((u) => ({ key: u.key, hash: 'd41d8cd98f00b204e9800998ecf8427e', version: u.version })), runId);
      await tx.state.setWatermark({ stream: 'order_lines', cursorValue: last.version, cursorAt: null, runId, streamVersion: 1, sourceClockAt: null });
    });
    batch = [];
  };
  for (const u of units(count, linesPerOrder)) {
    rows += u.tables.get('fct_order_line')!.length;
    batch.push(u);
    if (batch.length >= v.batch) await flush();
  }
  if (batch.length > 0) await flush();
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = pid === null ? null : cpuSecondsOf(pid);
  const s1 = await status(admin);
  if (v.dropIndexes) {
    // What the deferred indexes cost when built at the end, sorted, in one pass each.
    const i0 = performance.now();
    for (const cols of T.indexes ?? []) await db.knex.raw(`create index \`ix_fct_order_line_${cols.join('_')}\` on fct_order_line (${cols.map((c) => `\`${c}\``).join(', ')})`);
    spent.set('create index (after the load)', performance.now() - i0);
  }
  const total = (performance.now() - t0) / 1000;
  await db.close();
  await admin.raw(`drop database if exists \`${name}\``);
  const d = (k: string) => s1.get(k)! - s0.get(k)!;
  return {
    variant: v.name, units: count, rows, seconds: total, loadSeconds: seconds, rowsPerSec: Math.round(rows / total),
    serverCpu: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    poolReads: d('INNODB_BUFFER_POOL_READS'), pagesWritten: d('INNODB_PAGES_WRITTEN'), redoMb: d('INNODB_OS_LOG_WRITTEN') / 2 ** 20,
    statements: Object.fromEntries([...spent].sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, Math.round(ms)])),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
  const count = Number(opt('--units', '25000'));
  const linesPerOrder = Number(opt('--lines', '2.2'));
  const batch = Number(opt('--batch', '1000'));
  const names = opt('--variants', 'statements,bulk').split(',');
  // --bulk-rows N: the threshold of the bulk variants (1: every write takes the bulk path, to find where it starts to pay).
  const bulkRows = argv.includes('--bulk-rows') ? Number(opt('--bulk-rows', '500')) : null;
  const u = new URL(MYSQL);
  const admin = knexFactory({ client: 'mysql2', connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) }, pool: { min: 0, max: 1 } });
  const pid = serverPid(MYSQL);
  try {
    for (const n of names) {
      const spec = VARIANTS[n];
      if (!spec) throw new Error(`unknown variant ${n}; expected ${Object.keys(VARIANTS).join(', ')}`);
      const r = await runVariant({ ...spec, batch: spec.batch ?? batch, ...(bulkRows !== null && spec.bulkRows > 0 ? { bulkRows } : {}) }, count, linesPerOrder, admin, pid);
      process.stdout.write(`${table([
        [`${r.variant}`, `${r.units} orders, ${r.rows} lines in ${r.seconds.toFixed(1)} s = ${r.rowsPerSec} rows/s (load ${r.loadSeconds.toFixed(1)} s)`],
        ['  server', `CPU ${r.serverCpu === null ? '?' : r.serverCpu.toFixed(1)} s; InnoDB pool reads ${r.poolReads}, pages written ${r.pagesWritten}, redo ${r.redoMb.toFixed(0)} MB`],
        ...Object.entries(r.statements).slice(0, 6).map(([k, ms]): [string, string] => [`  ${k}`, `${(ms / 1000).toFixed(1)} s`]),
      ])}\n`);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  } finally {
    await admin.destroy();
  }
}

await main();
