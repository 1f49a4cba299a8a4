// npm run bench -- --pg-write [--server postgres://postgres@127.0.0.1:5432] [--rows 40000] [--sizes 250,500,1000,2000,5000,10000]
// Where PostgreSQL's bulk write (COPY into a staging table, one merge: lib/dialects/postgres-copy.ts) starts
// to beat the unnest upsert: the same fct_order_line rows written in transactions of each batch size, first
// as new rows (a load), then again with a newer version (an update), both paths alternating and repeated,
// the median kept, with the CPU time per row of this process and the server's backend together (the
// figure that holds on a loaded machine). The threshold `bulk.minRows` of lib/dialects/postgres.ts comes from these figures.
import { parseDbUrl } from '../lib/config.js';
import { openDb, type Db } from '../lib/db.js';
import { chunk } from '../lib/dialects/dialect.js';
import { ARRAY_TYPE } from '../lib/dialects/postgres.js';
import { copyUpsert } from '../lib/dialects/postgres-copy.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { physicalColumns, tableNamed } from '../sql/warehouse/tables.js';
import { cpuSecondsOf, table } from './child.js';

interface Args { server: string; rows: number; sizes: number[] }

function parseArgs(argv: string[]): Args {
  const args: Args = { server: 'postgres://postgres@127.0.0.1:5432', rows: 40_000, sizes: [250, 500, 1000, 2000, 5000, 10000] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') args.server = argv[++i]!.replace(/\/$/, '');
    else if (a === '--rows') args.rows = Number(argv[++i]);
    else if (a === '--sizes') args.sizes = argv[++i]!.split(',').map(Number);
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const T = tableNamed('fct_order_line');
const COLS = physicalColumns(T);

/** Order lines of realistic width: ids above 2^53, money, Chinese text, some NULLs. */
function lines(n: number, version: string): Array<Record<string, string | number | null>> {
  return Array.from({ length: n }, (_, i) => ({
    order_id: String(240517803316129437n + BigInt(Math.floor(i / 2))), sub_item_id: String(340517803316129437n + BigInt(i)), product_id: String(601234567890 + (i % 997)),
    sku_id: i % 5 ? String(5012345678901 + (i % 3001)) : null, spec_id: `spec${i % 311}`, product_cargo_number: i % 3 ? `CN-${i % 71}` : null, sku_cargo_number: null,
    product_name: `电动扳手 20V 无刷 套装 型号${i % 113}`, sku_attributes: '颜色:红色;规格:20V', quantity: `${1 + (i % 9)}.0000`, unit: '件', unit_price: '12.3450',
    line_amount: `${(i % 100000) / 100}`, refund_amount: '0.000', line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null, order_date: '2024-05-17',
    gross_amount: '12.35', discount_amount: '0.00', logistics_status: 2, created_at: '2024-05-17 01:30:15.123', modified_at: '2024-05-17 01:30:15.123',
    _source_version: version, _run_id: '1', _loaded_at: '2024-05-17 02:00:00.000',
  }));
}

/** CPU seconds of this process and of the one server process serving the pool's only connection. */
function cpuNow(backend: number): number {
  const mine = process.cpuUsage();
  return (mine.user + mine.system) / 1e6 + (cpuSecondsOf(backend) ?? 0);
}

/** Writes rows in transactions of `size` rows: wall seconds and CPU seconds (hub-etl and the server's backend together). */
async function write(db: Db, backend: number, rows: Array<Record<string, unknown>>, size: number, bulk: boolean): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpu = cpuNow(backend);
  for (const batch of chunk(rows, size)) {
    await db.knex.transaction(async (trx) => {
      if (bulk) await copyUpsert(trx, T, COLS, batch, '_source_version', (c) => ARRAY_TYPE[c.type.kind]);
      else {
        for (const part of chunk(batch, db.sql.rowsPerStatement(COLS.length))) {
          const { sql, bindings } = db.sql.upsert(T, COLS, part, '_source_version');
          await trx.raw(sql, bindings as never[]);
        }
      }
    });
  }
  return { wall: (performance.now() - started) / 1000, cpu: cpuNow(backend) - cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPgWrite(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const logger = createLogger({ format: 'json', level: 'error', silent: true });
  const out: Array<[string, string]> = [['batch rows', 'rows/s (CPU µs per row, hub-etl + server): unnest upsert | COPY + merge, load; update']];
  const repeat = 3;
  const dbs: Db[] = [];
  const backends: number[] = [];
  try {
    for (const path of ['unnest', 'copy']) {
      const target = parseDbUrl(`${args.server}/hub_bench_pgwrite_${path}`, '--server');
      if (typeof target === 'string') throw new Error(target);
      const db = await openDb(target, { create: true, poolMax: 1 });
      dbs.push(db);
      backends.push(Number((await db.knex.raw('select pg_backend_pid() as pid')).rows[0].pid));
      await migrate(db, logger);
    }
    for (const size of args.sizes) {
      const t: Record<string, number[]> = {};
      const add = (k: string, r: { wall: number; cpu: number }) => {
        (t[k] ??= []).push(args.rows / r.wall);
        (t[`${k}Cpu`] ??= []).push((r.cpu / args.rows) * 1e6);
      };
      for (let r = 0; r < repeat; r++) {
        for (const bulk of r % 2 ? [true, false] : [false, true]) {
          const db = dbs[bulk ? 1 : 0]!;
          await db.knex.raw('truncate fct_order_line');
          await db.knex.raw('vacuum analyze fct_order_line');
          const backend = backends[bulk ? 1 : 0]!;
          add(bulk ? 'copyLoad' : 'unnestLoad', await write(db, backend, lines(args.rows, '2024-05-17 00:00:00'), size, bulk));
          add(bulk ? 'copyUpdate' : 'unnestUpdate', await write(db, backend, lines(args.rows, '2024-05-18 00:00:00'), size, bulk));
        }
      }
      const f = (k: string) => `${Math.round(median(t[k]!))} (${median(t[`${k}Cpu`]!).toFixed(1)} µs)`;
      out.push([String(size), `${f('unnestLoad')} | ${f('copyLoad')} (load); ${f('unnestUpdate')} | ${f('copyUpdate')} (update)`]);
      process.stderr.write(`${out[out.length - 1]!.join(': ')}\n`);
    }
    process.stdout.write(`${table(out)}\n`);
  } finally {
    for (const db of dbs) {
      await db.close();
      await db.sql.dropDatabase(db.target, db.label).catch(() => undefined);
    }
  }
}
