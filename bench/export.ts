// Benchmark of hub-etl export: fills fct_order_line of a fresh warehouse with synthetic rows, then exports
// it to CSV or xlsx in a child process under the hub-etl command's heap cap and prints rows/s and the child's
// peak RSS (the export alone, not the fill).
//   node dist/bench/export.js [--rows 1000000] [--warehouse sqlite:/tmp/x.db | mysql://root@127.0.0.1:3306/bench_export] [--format csv|xlsx] [--header-lang zh] [--keep DIR]
// --keep DIR works in DIR and leaves the filled warehouse and the exported file there.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEAP_CAP_MB } from '../cli/launch.js';
import { exportTable, type ExportFormat } from '../jobs/export.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { parseDbUrl } from '../lib/config.js';
import { openDb, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { physicalColumns, tableNamed } from '../sql/warehouse/tables.js';
import type { HeaderLang } from '../lib/csv.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

function dbFor(url: string): Promise<Db> {
  const target = parseDbUrl(url, '--warehouse');
  if (typeof target === 'string') throw new Error(target);
  return openDb(target, { create: true });
}

const NAMES = ['电动扳手 20V, "无刷"\n套装 🔧', '冲击钻 800W', 'LED 工作灯；可充电', 'M8 六角螺栓 (100 个/盒)', '=SUM(A1:A9) 测试'];

/** Synthetic order lines: ids above 2^53, exact decimals, Chinese text with commas, quotes and line breaks. */
async function fill(db: Db, rows: number): Promise<void> {
  await migrate(db, createLogger({ format: 'json', level: 'error', silent: true }));
  const cols = physicalColumns(tableNamed('fct_order_line')).map((c) => c.name);
  const row = (i: number): unknown[] => {
    const order = 240517803316129437n + BigInt(Math.floor(i / 3));
    const day = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const fen = 1 + ((i * 7919) % 10_000_000);
    const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const v: Record<string, unknown> = {
      order_id: order.toString(), sub_item_id: (order * 10n + BigInt(i % 3)).toString(), product_id: String(600000000000 + (i % 5000)),
      sku_id: (9007199254740993n + BigInt(i % 20000)).toString(), spec_id: `spec${i % 100}`, product_cargo_number: null, sku_cargo_number: '',
      product_name: NAMES[i % NAMES.length], sku_attributes: '颜色:红色;规格:20V', quantity: `${1 + (i % 9)}.0000`, unit: '件', unit_price: '12.3450',
      line_amount: amount, refund_amount: i % 17 === 0 ? '1.000' : '0.000', line_status: 'success', refund_status: null, refund_id: null, refund_id_for_as: null,
      order_date: day, gross_amount: amount, discount_amount: '0.00', logistics_status: 2, created_at: `${day} 01:30:15.123`, modified_at: `${day} 01:30:15.123`,
      _source_version: `${day} 09:30:15`, _run_id: '1', _loaded_at: '2024-12-31 00:00:00.000',
    };
    return cols.map((c) => v[c] ?? null);
  };
  const per = Math.floor(30_000 / cols.length);
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows; i += per * 20) {
    await db.knex.transaction(async (trx) => {
      for (let j = i; j < Math.min(rows, i + per * 20); j += per) {
        const n = Math.min(per, rows - j);
        const bind: unknown[] = [];
        for (let k = 0; k < n; k++) bind.push(...row(j + k));
        await trx.raw(`insert into fct_order_line (${cols.join(', ')}) values ${Array.from({ length: n }, () => tuple).join(', ')}`, bind as never[]);
      }
    });
  }
}

async function child(): Promise<void> {
  const db = await dbFor(arg('warehouse', ''));
  const started = process.hrtime.bigint();
  const format = arg('format', 'csv') as ExportFormat;
  const r = await exportTable(db, { table: 'fct_order_line', outDir: arg('out', ''), headerLang: arg('header-lang', 'en') as HeaderLang, bom: false, format });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.close();
  process.send!({ rows: r.rows, seconds, bytes: fs.statSync(r.files[0]!.path).size, maxRssKb: process.resourceUsage().maxRSS });
}

async function main(): Promise<void> {
  const rows = Number(arg('rows', '1000000'));
  const keep = arg('keep', '');
  const dir = keep ? (fs.mkdirSync(keep, { recursive: true }), path.resolve(keep)) : fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-bench-export-'));
  const url = arg('warehouse', `sqlite:${path.join(dir, 'wh.db')}`);
  try {
    const db = await dbFor(url);
    const t0 = Date.now();
    await fill(db, rows);
    await db.close();
    process.stdout.write(`filled fct_order_line with ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s (${url.replace(/:[^:@/]*@/, ':***@')})\n`);
    const format = arg('format', 'csv');
    const args = ['--child', '--warehouse', url, '--out', path.join(dir, 'out'), '--header-lang', arg('header-lang', 'en'), '--format', format];
    const result = await new Promise<{ rows: number; seconds: number; bytes: number; maxRssKb: number }>((resolve, reject) => {
      // The heap cap the hub-etl command runs under (cli/launch.ts), so that RSS is what a user sees.
      const c = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [`--max-old-space-size=${HEAP_CAP_MB}`] });
      c.on('message', (m) => resolve(m as never));
      c.on('error', reject);
      c.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`export child exited ${code}`))));
    });
    const mb = (kb: number) => (kb / 1024).toFixed(1);
    process.stdout.write(`exported ${result.rows} rows (${(result.bytes / 1048576).toFixed(1)} MB of ${format === 'xlsx' ? 'xlsx' : 'CSV'}) in ${result.seconds.toFixed(2)} s: ${Math.round(result.rows / result.seconds)} rows/s, peak RSS ${mb(result.maxRssKb)} MB\n`);
    // The scratch folder goes below; a server's table has to be dropped.
    if (!keep) {
      const db2 = await dbFor(url);
      await db2.knex.raw('drop table if exists fct_order_line');
      await db2.close();
    }
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await child();
else await main();
