// npm run bench -- --warehouse postgres://postgres@127.0.0.1:5432 [--orders 50000] [--mysql mysql://root@127.0.0.1:3306]
// The order_lines load into a PostgreSQL warehouse against PostgreSQL's own flattening of the same
// order-line blobs (jsonb_to_record / jsonb_array_elements, every column of fct_order_line computed
// in one INSERT … SELECT inside the server): the reference hub-etl's write path is measured against.
// The source is a MariaDB replica generated for the run; its two tables are copied into PostgreSQL
// (untimed) so that the reference reads the very blobs hub-etl read.
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import fs from 'node:fs';
import { cpuSecondsOf, hubEtl, must, streamFigures, table, writeFigures } from './child.js';

interface Args { orders: number; warehouse: string; mysql: string }

function parseArgs(argv: string[]): Args {
  const args: Args = { orders: 50_000, warehouse: '', mysql: process.env.HUB_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--orders') args.orders = Number(argv[++i]);
    else if (a === '--warehouse') args.warehouse = argv[++i] ?? '';
    else if (a === '--mysql') args.mysql = argv[++i]!;
    else throw new Error(`unknown option ${a} (usage: npm run bench -- --warehouse postgres://user@host:5432 [--orders N] [--mysql mysql://root@host:3306])`);
  }
  if (!/^postgres(ql)?:\/\/[^/]+\/?$/.test(args.warehouse)) throw new Error(`--warehouse: expected a PostgreSQL server URL without a database, such as postgres://postgres@127.0.0.1:5432 (got "${args.warehouse}")`);
  if (!Number.isInteger(args.orders) || args.orders < 1000) throw new Error('--orders: expected a whole number of at least 1000');
  return args;
}

const SRC = 'hub_bench_pg_src';
const WH = 'hub_bench_pg_wh';

function pgClient(server: string, database: string): pg.Client {
  const u = new URL(server);
  return new pg.Client({ host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database });
}

function mysqlAdmin(url: string): Knex {
  const u = new URL(url);
  return knexFactory({ client: 'mysql2', connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), supportBigNumbers: true, bigNumberStrings: true, dateStrings: true }, pool: { min: 0, max: 1 } });
}

/** A CSV field for COPY … (format csv): quoted, quotes doubled; NULL unquoted and empty. */
const csvField = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);

/** Copies a source table's columns from MariaDB into a PostgreSQL text table of the same name (untimed set-up). */
async function copyTable(my: Knex, pgc: pg.Client, table: string, columns: string[]): Promise<void> {
  await pgc.query(`create table ${table} (${columns.map((c) => `${c} text`).join(', ')})`);
  const rows = my.raw(`select ${columns.join(', ')} from \`${SRC}\`.${table}`).stream();
  async function* lines() {
    for await (const r of rows) yield `${columns.map((c) => csvField((r as Record<string, unknown>)[c])).join(',')}\n`;
  }
  await pipeline(Readable.from(lines()), pgc.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)));
}

/** Whether the server runs on this machine (its processes' CPU time can be read from /proc). */
const isLocal = (server: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(server).hostname);

/**
 * CPU seconds the local server's processes serving `database` spent while `fn` ran: a backend per
 * connection, each sampled from /proc every 100 ms until it ends (the last tenth of a second of a
 * backend that ends may go uncounted). Null when the server is not on this machine.
 */
async function backendCpu<T>(server: string, database: string, fn: () => Promise<T>): Promise<{ result: T; cpuSeconds: number | null }> {
  if (!isLocal(server)) return { result: await fn(), cpuSeconds: null };
  const backends = () => {
    const out = new Map<string, number>();
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let title: string;
      try {
        title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      // A backend's title: "postgres: [<cluster>: ]<user> <database> <client> <state>".
      if (!title.startsWith('postgres: ') || !title.includes(` ${database} `)) continue;
      const cpu = cpuSecondsOf(Number(pid));
      if (cpu !== null) out.set(pid, cpu);
    }
    return out;
  };
  const before = backends();
  const last = new Map(before);
  const timer = setInterval(() => {
    for (const [pid, cpu] of backends()) last.set(pid, cpu);
  }, 100);
  try {
    const result = await fn();
    for (const [pid, cpu] of backends()) last.set(pid, cpu);
    return { result, cpuSeconds: [...last].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0) };
  } finally {
    clearInterval(timer);
  }
}

/** PostgreSQL flattening the order-line blobs into fct_order_line's columns in one statement. */
async function jsonbReference(pgc: pg.Client, local: boolean): Promise<{ rows: number; seconds: number; rowsPerSec: number; cpuSeconds: number | null }> {
  await pgc.query('drop table if exists bench_jsonb_order_line');
  await pgc.query('create table bench_jsonb_order_line (like fct_order_line including all)');
  await pgc.query('vacuum analyze ali1688_order_line');
  await pgc.query('vacuum analyze ali1688_order');
  // The CPU time of this connection's backend (a server on this machine): the reference's whole cost.
  const backend = local ? Number(((await pgc.query('select pg_backend_pid() as pid')).rows[0] as { pid: number }).pid) : null;
  const cpuBefore = backend === null ? null : cpuSecondsOf(backend);
  const started = performance.now();
  const res = await pgc.query(`
    insert into bench_jsonb_order_line
      (order_id, sub_item_id, product_id, sku_id, spec_id, product_cargo_number, sku_cargo_number, product_name, sku_attributes,
       quantity, unit, unit_price, line_amount, refund_amount, line_status, refund_status, refund_id, refund_id_for_as, order_date,
       gross_amount, discount_amount, logistics_status, created_at, modified_at, _source_version, _run_id, _loaded_at)
    select l.order_id::bigint, l.sub_item_id::bigint, l.product_id::bigint, nullif(l.sku_id, '')::bigint, j."specId", l.product_cargo_number, l.cargo_number, j.name,
       (select string_agg((s->>'name') || ':' || (s->>'value'), ';') from jsonb_array_elements(l.d->'skuInfos') s),
       j.quantity, l.unit, j.price, j."itemAmount", j.refund, lower(j.status), lower(j."refundStatus"), l.refund_id, l.refund_id_for_as, o.create_time::timestamp::date,
       round(j.price * j.quantity, 2), round(j.price * j.quantity, 2) - j."itemAmount", j."logisticsStatus",
       to_timestamp(left(j."gmtCreate", 17), 'YYYYMMDDHH24MISSMS')::timestamp at time zone 'Asia/Shanghai' at time zone 'UTC',
       to_timestamp(left(j."gmtModified", 17), 'YYYYMMDDHH24MISSMS')::timestamp at time zone 'Asia/Shanghai' at time zone 'UTC',
       o.modify_time, 0, (clock_timestamp() at time zone 'utc')
    from (select *, order_line_data::jsonb as d from ali1688_order_line) l
    join ali1688_order o on o.order_id = l.order_id
    cross join lateral jsonb_to_record(l.d) as j("specId" text, name text, quantity numeric, price numeric, "itemAmount" numeric, refund numeric,
       status text, "refundStatus" text, "logisticsStatus" int, "gmtCreate" text, "gmtModified" text)`);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = backend === null ? null : cpuSecondsOf(backend);
  const rows = res.rowCount ?? 0;
  await pgc.query('drop table bench_jsonb_order_line');
  return { rows, seconds, rowsPerSec: Math.round(rows / seconds), cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

export async function benchPostgres(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const server = args.warehouse.replace(/\/$/, '');
  const my = mysqlAdmin(args.mysql);
  const admin = pgClient(server, 'postgres');
  await admin.connect();
  try {
    await my.raw(`drop database if exists \`${SRC}\``);
    await my.raw(`create database \`${SRC}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
    await admin.query(`drop database if exists ${WH} with (force)`);
    const env = { HUB_SOURCE_URL: `${args.mysql.replace(/\/$/, '')}/${SRC}`, HUB_WAREHOUSE_URL: `${server}/${WH}` };
    process.stderr.write(`bench: generating ${args.orders} orders into MariaDB ${SRC}\n`);
    const gen = must(await hubEtl(['generate', '--orders', String(args.orders), '--seed', '1688', '--days', '365'], env), 'generate');
    process.stderr.write(`bench: full load of all streams into PostgreSQL ${WH}\n`);
    const measured = await backendCpu(server, WH, async () => must(await hubEtl(['run', '--json'], env), 'full load'));
    const load = measured.result;
    const serverCpu = measured.cpuSeconds;
    const streams = streamFigures(load.stdout);
    const lines = streams.find((s) => s.stream === 'order_lines')!;
    const noChange = must(await hubEtl(['run', '--json'], env), 'incremental run with no change');
    // Every order's lines again over the loaded table: the child-set replacement (deletes, then the merge).
    const refreshed = await backendCpu(server, WH, async () => must(await hubEtl(['run', '--stream', 'order_lines', '--full-refresh', '--json'], env), 'order_lines full refresh'));
    const [refresh] = streamFigures(refreshed.result.stdout);
    const verify = await hubEtl(['verify'], env);
    process.stderr.write('bench: copying the two source tables into PostgreSQL (untimed), then its own jsonb flattening\n');
    const pgc = pgClient(server, WH);
    await pgc.connect();
    let ref: Awaited<ReturnType<typeof jsonbReference>>;
    try {
      await copyTable(my, pgc, 'ali1688_order', ['order_id', 'create_time', 'modify_time']);
      await copyTable(my, pgc, 'ali1688_order_line', ['order_id', 'sub_item_id', 'product_id', 'sku_id', 'product_cargo_number', 'cargo_number', 'unit', 'refund_id', 'refund_id_for_as', 'order_line_data']);
      ref = await jsonbReference(pgc, isLocal(server));
    } finally {
      await pgc.end();
    }
    const ratio = lines.rowsPerSec / ref.rowsPerSec;
    const figures = {
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      orders: args.orders, at: new Date().toISOString(),
      generate: { seconds: gen.ms / 1000 },
      fullLoad: { seconds: load.ms / 1000, peakRssMb: load.peakRssMb, cpuSeconds: load.cpuSeconds, postgresCpuSeconds: serverCpu, streams },
      jsonbReference: ref, orderLinesVsJsonb: ratio,
      incrementalNoChange: { seconds: noChange.ms / 1000 },
      orderLinesFullRefresh: { ...refresh, cpuSeconds: refreshed.result.cpuSeconds, postgresCpuSeconds: refreshed.cpuSeconds },
      verify: { ok: verify.code === 0, output: verify.stdout.trim().split('\n').slice(-1)[0] },
    };
    process.stdout.write(`${table([
      ['machine', `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`],
      ['store', `${args.orders} orders over 365 simulated days (MariaDB replica) → PostgreSQL warehouse`],
      ['full load', `${(load.ms / 1000).toFixed(1)} s, peak RSS ${load.peakRssMb} MB, hub-etl CPU ${load.cpuSeconds.toFixed(1)} s, PostgreSQL CPU ${serverCpu === null ? '? (server not local)' : `${serverCpu.toFixed(1)} s`}`],
      ...streams.map((s): [string, string] => [`   ${s.stream}`, `${s.rows} rows in ${s.seconds.toFixed(1)} s = ${s.rowsPerSec} rows/s`]),
      ['jsonb reference', `${ref.rows} order lines in ${ref.seconds.toFixed(1)} s = ${ref.rowsPerSec} rows/s${ref.cpuSeconds === null ? '' : ` (PostgreSQL CPU ${ref.cpuSeconds.toFixed(1)} s)`}; order_lines stream at ${ratio.toFixed(2)}× (target ≥ 0.5×)`],
      ['no-change run', `${(noChange.ms / 1000).toFixed(2)} s`],
      ['order_lines again', `--full-refresh over the loaded table: ${refresh!.rows} rows in ${refresh!.seconds.toFixed(1)} s = ${refresh!.rowsPerSec} rows/s, hub-etl CPU ${refreshed.result.cpuSeconds.toFixed(1)} s${refreshed.cpuSeconds === null ? '' : `, PostgreSQL CPU ${refreshed.cpuSeconds.toFixed(1)} s`}`],
      ['verify', verify.code === 0 ? 'no mismatch' : `FAILED (exit ${verify.code}): ${(verify.stdout + verify.stderr).trim().split('\n').slice(-3).join(' / ')}`],
    ])}\nfigures written to ${writeFigures('postgres-', figures)}\n`);
    if (verify.code !== 0) process.exitCode = 1;
  } finally {
    await my.raw(`drop database if exists \`${SRC}\``).catch(() => undefined);
    await admin.query(`drop database if exists ${WH} with (force)`).catch(() => undefined);
    await admin.end();
    await my.destroy();
  }
}
