// npm run bench: the throughput, memory and scaling figures of issue 4, measured in one run against
// MariaDB (source and warehouse), printed as one table and written to bench/results/<time>.json.
//   npm run bench -- [--orders 200000] [--no-scale] [--buffer-pool-mb N] [--redo-log-mb N] [--mysql mysql://root@127.0.0.1:3306]
//   npm run bench -- --warehouse postgres://postgres@127.0.0.1:5432 [--orders 50000]   (the load into PostgreSQL against its jsonb reference: bench/postgres.ts)
//   npm run bench -- --pg-write [--rows 40000] [--sizes 250,500,1000]   (PostgreSQL's COPY bulk write against its unnest upsert by batch size: bench/pg-write.ts)
//   npm run bench -- --messages [--rate 50] [--duration 120] [--orders 20000] [--db sqlite|mariadb] [--workers 1] [--profile]   (message freshness only: bench/messages.ts)
//   npm run bench -- --api [--orders 200] [--rate 10,100] [--days 365] [--concurrency 4]   (the order streams through the API emulator only: bench/api.ts)
import os from 'node:os';
import knexFactory, { type Knex } from 'knex';
import { cpuSecondsOf, hubEtl, must, serverPid, streamFigures, table, writeFigures, type StreamFigure } from './child.js';

interface Args { orders: number; scale: boolean; mysql: string; bufferPoolMb: number | null; redoLogMb: number | null; bulkRows: number | null }

/** Simulated days of history the bench store spans. */
const STORE_DAYS = 365;
/**
 * Simulated hours of the --advance before run 5: from midnight past the nightly batch (which touches
 * about 1% of a store's orders), with the new orders and status moves of those hours.
 */
const ADVANCE_HOURS = 4;

/** Orders an --advance touched (new, status moves, other modifications), from `generate --json`. */
function ordersTouched(stdout: string): { orders: number; share: number } {
  const r = JSON.parse(stdout) as { totalOrders: number; changes: Record<string, number> };
  const orders = ['orders.new', 'orders.status', 'orders.modified'].reduce((a, k) => a + (r.changes[k] ?? 0), 0);
  return { orders, share: orders / r.totalOrders };
}

function parseArgs(argv: string[]): Args {
  const args: Args = { orders: 200_000, scale: true, mysql: process.env.HUB_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306', bufferPoolMb: null, redoLogMb: null, bulkRows: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--orders') args.orders = Number(argv[++i]);
    else if (a === '--no-scale') args.scale = false;
    else if (a === '--mysql') args.mysql = argv[++i]!;
    else if (a === '--buffer-pool-mb') {
      args.bufferPoolMb = Number(argv[++i]);
      if (!Number.isInteger(args.bufferPoolMb) || args.bufferPoolMb < 128) throw new Error('--buffer-pool-mb: expected a whole number of MB, at least 128');
    } else if (a === '--redo-log-mb') {
      args.redoLogMb = Number(argv[++i]);
      if (!Number.isInteger(args.redoLogMb) || args.redoLogMb < 8) throw new Error('--redo-log-mb: expected a whole number of MB, at least 8');
    } else if (a === '--bulk-rows') {
      args.bulkRows = Number(argv[++i]);
      if (!Number.isInteger(args.bulkRows) || args.bulkRows < 0) throw new Error('--bulk-rows: expected a whole number of rows (0: the bulk path off)');
    } else if (a === '--help') {
      process.stdout.write('usage: npm run bench -- [--orders 200000] [--no-scale] [--mysql mysql://root@127.0.0.1:3306] [--buffer-pool-mb N] [--redo-log-mb N] [--bulk-rows N]\n' +
        '  --bulk-rows N       the warehouse URL option bulk-rows for the loads (rows per write from which the bulk path is taken; 0 never)\n' +
        '  --buffer-pool-mb N  set MariaDB\'s innodb_buffer_pool_size to N MB for the run (SET GLOBAL; restored at the end)\n' +
        '  --redo-log-mb N     set MariaDB\'s innodb_log_file_size to N MB for the run (SET GLOBAL, MariaDB 10.9+; restored at the end)\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(args.orders) || args.orders < 1000) throw new Error('--orders: expected a whole number of at least 1000');
  return args;
}

async function admin(url: string): Promise<Knex> {
  const u = new URL(url);
  return knexFactory({ client: 'mysql2', connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), supportBigNumbers: true, bigNumberStrings: true }, pool: { min: 0, max: 1 } });
}

async function recreate(k: Knex, ...dbs: string[]): Promise<void> {
  for (const db of dbs) {
    await k.raw(`drop database if exists \`${db}\``);
    await k.raw(`create database \`${db}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  }
}

/**
 * The in-database limit: MariaDB itself flattening the same order-line blobs with JSON_TABLE into a
 * table with the columns of fct_order_line (INSERT … SELECT, no network, no client).
 */
async function jsonTableLimit(k: Knex, src: string, wh: string): Promise<{ rows: number; seconds: number; rowsPerSec: number }> {
  await k.raw(`drop table if exists \`${wh}\`.bench_json_table_order_line`);
  await k.raw(`create table \`${wh}\`.bench_json_table_order_line like \`${wh}\`.fct_order_line`);
  // Join on the order id as text in the column's own collation (a varchar = bigint join would compare as double).
  const [[col]] = (await k.raw(`select collation_name as c from information_schema.columns where table_schema = ? and table_name = 'ali1688_order' and column_name = 'order_id'`, [src])) as [[{ c: string }]];
  const collation = col.c;
  const started = performance.now();
  const [res] = await k.raw(`
    insert into \`${wh}\`.bench_json_table_order_line
      (order_id, sub_item_id, product_id, sku_id, spec_id, product_cargo_number, sku_cargo_number, product_name, sku_attributes,
       quantity, unit, unit_price, line_amount, refund_amount, line_status, refund_status, refund_id, refund_id_for_as, order_date,
       gross_amount, discount_amount, logistics_status, created_at, modified_at, _source_version, _run_id, _loaded_at)
    select l.order_id, l.sub_item_id, l.product_id, l.sku_id, j.spec_id, l.product_cargo_number, l.cargo_number, j.name,
       (select group_concat(concat(s.n, ':', s.v) separator ';') from json_table(l.order_line_data, '$.skuInfos[*]' columns (n varchar(64) path '$.name', v varchar(128) path '$.value')) s),
       j.quantity, l.unit, j.price, j.item_amount, j.refund, lower(j.status), lower(j.refund_status), l.refund_id, l.refund_id_for_as, date(o.create_time),
       round(j.price * j.quantity, 2), round(j.price * j.quantity, 2) - j.item_amount, j.logistics_status,
       str_to_date(left(j.gmt_create, 17), '%Y%m%d%H%i%s%f'), str_to_date(left(j.gmt_modified, 17), '%Y%m%d%H%i%s%f'), o.modify_time, 0, utc_timestamp(3)
    from \`${src}\`.ali1688_order_line l
    join \`${src}\`.ali1688_order o on o.order_id = cast(l.order_id as char) collate ${collation}
    cross join json_table(l.order_line_data, '$' columns (
       spec_id varchar(64) path '$.specId', name varchar(512) path '$.name', quantity decimal(18,4) path '$.quantity',
       price decimal(18,4) path '$.price', item_amount decimal(18,2) path '$.itemAmount', refund decimal(18,3) path '$.refund',
       status varchar(64) path '$.status', refund_status varchar(32) path '$.refundStatus', logistics_status int path '$.logisticsStatus',
       gmt_create varchar(32) path '$.gmtCreate', gmt_modified varchar(32) path '$.gmtModified')) j`);
  const seconds = (performance.now() - started) / 1000;
  const rows = Number((res as { affectedRows: number }).affectedRows);
  await k.raw(`drop table \`${wh}\`.bench_json_table_order_line`);
  return { rows, seconds, rowsPerSec: Math.round(rows / seconds) };
}

async function fullLoad(k: Knex, args: Args, orders: number, tag: string) {
  const src = `hub_bench_src_${tag}`;
  const wh = `hub_bench_wh_${tag}`;
  await recreate(k, src, wh);
  const env = { HUB_SOURCE_URL: `${args.mysql}/${src}`, HUB_WAREHOUSE_URL: `${args.mysql}/${wh}${args.bulkRows === null ? '' : `?bulk-rows=${args.bulkRows}`}` };
  process.stderr.write(`bench: generating ${orders} orders into ${src}\n`);
  // A year of history, as a store with millions of orders has: a few hours of trading then touch ~1% of it.
  const gen = must(await hubEtl(['generate', '--orders', String(orders), '--seed', '1688', '--days', String(STORE_DAYS)], env), 'generate');
  await settle(k);
  process.stderr.write(`bench: full load of all streams into ${wh}\n`);
  const before = await innodbIo(k);
  const server = serverPid(args.mysql);
  const serverCpu0 = server === null ? null : cpuSecondsOf(server);
  const load = must(await hubEtl(['run', '--json'], env), 'full load');
  const serverCpu1 = server === null ? null : cpuSecondsOf(server);
  const after = await innodbIo(k);
  // What MariaDB read from disk during the load (the buffer pool's misses) and wrote to its data
  // files (flushed pages; the redo log is not counted).
  const disk = { pages: after.pages - before.pages, readGb: (after.bytes - before.bytes) / 2 ** 30, writtenGb: (after.written - before.written) / 2 ** 30 };
  // CPU time of both sides: unlike wall time, it shows how each one's work grows with the store on a
  // shared machine whose speed varies from hour to hour.
  const cpu = { hubEtl: load.cpuSeconds, mariadb: serverCpu0 !== null && serverCpu1 !== null ? serverCpu1 - serverCpu0 : null };
  return { src, wh, env, gen, load, disk, cpu, streams: streamFigures(load.stdout) };
}

/** MariaDB status variables (information_schema.global_status) by upper-case name, as text. */
async function globalStatus(k: Knex, names: string[]): Promise<Map<string, string>> {
  const [rows] = (await k.raw(`select variable_name as n, variable_value as v from information_schema.global_status where variable_name in (${names.map(() => '?').join(', ')})`, names)) as [Array<{ n: string; v: string }>];
  return new Map(rows.map((r) => [r.n.toUpperCase(), String(r.v)]));
}

async function innodbIo(k: Knex): Promise<{ pages: number; bytes: number; written: number }> {
  const s = await globalStatus(k, ['INNODB_BUFFER_POOL_READS', 'INNODB_DATA_READ', 'INNODB_DATA_WRITTEN']);
  return { pages: Number(s.get('INNODB_BUFFER_POOL_READS') ?? 0), bytes: Number(s.get('INNODB_DATA_READ') ?? 0), written: Number(s.get('INNODB_DATA_WRITTEN') ?? 0) };
}

/**
 * Waits until MariaDB has written back the dirty pages of the previous step (at most two minutes),
 * so that each timed step starts on a quiet server instead of paying for the one before it.
 */
async function settle(k: Knex): Promise<void> {
  const started = performance.now();
  const dirty = async () => {
    const s = await globalStatus(k, ['INNODB_BUFFER_POOL_PAGES_DIRTY', 'INNODB_BUFFER_POOL_PAGES_TOTAL']);
    return { dirty: Number(s.get('INNODB_BUFFER_POOL_PAGES_DIRTY') ?? 0), total: Number(s.get('INNODB_BUFFER_POOL_PAGES_TOTAL') ?? 0) };
  };
  let last = -1;
  let still = 0;
  while (performance.now() - started < 120_000) {
    const d = await dirty();
    if (d.dirty <= d.total * 0.1) break;
    still = d.dirty >= last && last >= 0 ? still + 1 : 0;
    if (still >= 3) break;
    last = d.dirty;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const k = await admin(args.mysql);
  // A MariaDB size setting (bytes) in MB.
  const settingMb = async (name: 'innodb_buffer_pool_size' | 'innodb_log_file_size') =>
    Math.round(Number(((await k.raw(`select @@${name} as b`)) as [[{ b: string }]])[0][0].b) / 2 ** 20);
  const originalPoolMb = await settingMb('innodb_buffer_pool_size');
  const originalRedoMb = await settingMb('innodb_log_file_size');
  const figures: Record<string, unknown> = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version }, orders: args.orders, bulkRows: args.bulkRows, at: new Date().toISOString() };
  try {
    if (args.bufferPoolMb !== null) await setPool(k, args.bufferPoolMb);
    const bufferPool = { mb: await settingMb('innodb_buffer_pool_size'), raisedFromMb: args.bufferPoolMb !== null ? originalPoolMb : null };
    if (args.redoLogMb !== null) await k.raw(`set global innodb_log_file_size = ${args.redoLogMb * 2 ** 20}`);
    const redoLog = { mb: await settingMb('innodb_log_file_size'), changedFromMb: args.redoLogMb !== null ? originalRedoMb : null };
    figures.mariadb = { bufferPool, redoLog };
    const n = await fullLoad(k, args, args.orders, 'n');
    const genRate = Math.round(args.orders / (n.gen.ms / 1000));
    const totalRows = n.streams.reduce((a, s) => a + s.rows, 0);
    const overall = Math.round(totalRows / (n.load.ms / 1000));
    const lines = n.streams.find((s) => s.stream === 'order_lines')!;
    await settle(k);
    process.stderr.write('bench: in-database JSON_TABLE flattening of the same order lines\n');
    const limit = await jsonTableLimit(k, n.src, n.wh);
    await settle(k);
    process.stderr.write('bench: incremental run with no source change\n');
    // Three runs, the median reported: one process start-up each, as cron or a queue would pay.
    const noChangeRuns: number[] = [];
    for (let i = 0; i < 3; i++) noChangeRuns.push(must(await hubEtl(['run', '--json'], n.env), 'incremental run').ms / 1000);
    const noChange = { ms: 1000 * [...noChangeRuns].sort((a, b) => a - b)[1]! };
    process.stderr.write(`bench: generate --advance --hours ${ADVANCE_HOURS} (about 1% of orders change), then an incremental run\n`);
    const touched = ordersTouched(must(await hubEtl(['generate', '--advance', '--hours', String(ADVANCE_HOURS), '--json'], n.env), 'generate --advance').stdout);
    await settle(k);
    const changed = must(await hubEtl(['run', '--json'], n.env), 'incremental run after advance');
    const changedRows = streamFigures(changed.stdout).reduce((a, s) => a + s.rows, 0);
    process.stderr.write('bench: verify\n');
    const verify = await hubEtl(['verify'], n.env);
    let scale: { orders4n: number; seconds4n: number; ratio: number; diskReadGb4n: number; diskWrittenGb4n: number; cpu4n: typeof n.cpu; streams4n: StreamFigure[] } | null = null;
    if (args.scale) {
      const m = await fullLoad(k, args, args.orders * 4, '4n');
      scale = { orders4n: args.orders * 4, seconds4n: m.load.ms / 1000, ratio: m.load.ms / n.load.ms, diskReadGb4n: m.disk.readGb, diskWrittenGb4n: m.disk.writtenGb, cpu4n: m.cpu, streams4n: m.streams };
      await k.raw(`drop database if exists \`${m.src}\``);
      await k.raw(`drop database if exists \`${m.wh}\``);
    }
    Object.assign(figures, {
      generate: { seconds: n.gen.ms / 1000, ordersPerSec: genRate },
      fullLoad: { seconds: n.load.ms / 1000, rows: totalRows, rowsPerSec: overall, peakRssMb: n.load.peakRssMb, diskReadGb: n.disk.readGb, diskWrittenGb: n.disk.writtenGb, cpuSeconds: n.cpu, streams: n.streams },
      jsonTable: limit,
      orderLinesVsJsonTable: lines.rowsPerSec / limit.rowsPerSec,
      incrementalNoChange: { seconds: noChange.ms / 1000, runs: noChangeRuns },
      incrementalAfterAdvance: { advanceHours: ADVANCE_HOURS, ordersTouched: touched.orders, shareOfOrdersTouched: touched.share, seconds: changed.ms / 1000, rows: changedRows, rowsPerSec: Math.round(changedRows / (changed.ms / 1000)), shareOfFullLoad: changed.ms / n.load.ms },
      scale,
      verify: { ok: verify.code === 0, exitCode: verify.code, seconds: verify.ms / 1000, peakRssMb: verify.peakRssMb, output: verify.stdout.trim().split('\n').slice(-1)[0], error: verify.stderr.trim().slice(-2000) },
    });
    const out: Array<[string, string]> = [
      ['machine', `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, MariaDB buffer pool ${bufferPool.mb} MB${bufferPool.raisedFromMb !== null ? ` (raised from ${bufferPool.raisedFromMb} MB by --buffer-pool-mb)` : ''}, redo log ${redoLog.mb} MB${redoLog.changedFromMb !== null ? ` (${redoLog.changedFromMb} MB before --redo-log-mb)` : ''}, bulk-rows ${args.bulkRows ?? 'default'}`],
      ['store', `${args.orders} orders over ${STORE_DAYS} simulated days`],
      ['1. generate', `${(n.gen.ms / 1000).toFixed(1)} s, ${genRate} orders/s`],
      ['2. full load', `${(n.load.ms / 1000).toFixed(1)} s, ${totalRows} rows, ${overall} rows/s, peak RSS ${n.load.peakRssMb} MB, MariaDB read ${n.disk.readGb.toFixed(1)} GB from disk and wrote ${n.disk.writtenGb.toFixed(1)} GB; CPU: hub-etl ${n.cpu.hubEtl.toFixed(1)} s, MariaDB ${n.cpu.mariadb === null ? '?' : `${n.cpu.mariadb.toFixed(1)} s`}`],
      ...n.streams.map((s): [string, string] => [`   ${s.stream}`, `${s.rows} rows in ${s.seconds.toFixed(1)} s = ${s.rowsPerSec} rows/s`]),
      ['3. JSON_TABLE limit', `${limit.rows} order lines in ${limit.seconds.toFixed(1)} s = ${limit.rowsPerSec} rows/s; order_lines stream at ${(lines.rowsPerSec / limit.rowsPerSec).toFixed(2)}× (target ≥ 0.5×)`],
      ['4. incremental, no change', `${(noChange.ms / 1000).toFixed(2)} s, median of ${noChangeRuns.map((x) => x.toFixed(2)).join(' / ')} s (target < 1 s at 1,000,000 orders)`],
      ['5. incremental after ~1% change', `${ADVANCE_HOURS} h advance touched ${touched.orders} orders (${(100 * touched.share).toFixed(2)}%); ${(changed.ms / 1000).toFixed(2)} s, ${changedRows} rows read, ${(100 * changed.ms / n.load.ms).toFixed(1)}% of the full load (target ≤ 5%)`],
      ['6. scaling', scale ? `N=${args.orders}: ${(n.load.ms / 1000).toFixed(1)} s; 4N=${scale.orders4n}: ${scale.seconds4n.toFixed(1)} s; ratio ${scale.ratio.toFixed(2)} (target ≤ 4.4); MariaDB read ${n.disk.readGb.toFixed(1)} GB / ${scale.diskReadGb4n.toFixed(1)} GB and wrote ${n.disk.writtenGb.toFixed(1)} GB / ${scale.diskWrittenGb4n.toFixed(1)} GB; CPU ratio: hub-etl ${(scale.cpu4n.hubEtl / n.cpu.hubEtl).toFixed(2)}, MariaDB ${scale.cpu4n.mariadb !== null && n.cpu.mariadb ? (scale.cpu4n.mariadb / n.cpu.mariadb).toFixed(2) : '?'}` : 'skipped (--no-scale)'],
      ['verify', verify.code === 0 ? `no mismatch (${(verify.ms / 1000).toFixed(1)} s, peak RSS ${verify.peakRssMb} MB)` : verify.stdout.trim() === '' ? `FAILED (exit ${verify.code}): ${verify.stderr.trim().split('\n').slice(-1)[0]}` : 'MISMATCH'],
    ];
    process.stdout.write(`${table(out)}\n`);
    process.stdout.write(`figures written to ${writeFigures('', figures)}\n`);
    await k.raw(`drop database if exists \`${n.src}\``);
    await k.raw(`drop database if exists \`${n.wh}\``);
    if (verify.code !== 0) {
      process.stderr.write(verify.stdout + verify.stderr);
      process.exitCode = 1;
    }
  } finally {
    if (args.bufferPoolMb !== null) await setPool(k, originalPoolMb).catch(() => undefined);
    if (args.redoLogMb !== null) await k.raw(`set global innodb_log_file_size = ${originalRedoMb * 2 ** 20}`).catch(() => undefined);
    await k.destroy();
  }
}

/** Resizes MariaDB's buffer pool (dynamic since 10.2) and waits until the resize has finished. */
async function setPool(k: Knex, mb: number): Promise<void> {
  await k.raw(`set global innodb_buffer_pool_size = ${mb * 2 ** 20}`);
  for (let i = 0; i < 120; i++) {
    const status = (await globalStatus(k, ['INNODB_BUFFER_POOL_RESIZE_STATUS'])).get('INNODB_BUFFER_POOL_RESIZE_STATUS') ?? '';
    if (status === '' || /complete|finished/i.test(status)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// --messages runs only the message-freshness section (bench/messages.ts), --api only the API load (bench/api.ts),
// --warehouse postgres://… the load into PostgreSQL against its own jsonb flattening (bench/postgres.ts),
// --pg-write PostgreSQL's bulk write against its unnest upsert by batch size (bench/pg-write.ts).
if (process.argv.includes('--pg-write')) {
  const { benchPgWrite } = await import('./pg-write.js');
  await benchPgWrite(process.argv.slice(2).filter((a) => a !== '--pg-write'));
} else if (process.argv.includes('--warehouse')) {
  const { benchPostgres } = await import('./postgres.js');
  await benchPostgres(process.argv.slice(2));
} else if (process.argv.includes('--messages')) {
  const { benchMessages } = await import('./messages.js');
  await benchMessages(process.argv.slice(2).filter((a) => a !== '--messages'));
} else if (process.argv.includes('--api')) {
  const { benchApi } = await import('./api.js');
  await benchApi(process.argv.slice(2).filter((a) => a !== '--api'));
} else {
  await main();
}
