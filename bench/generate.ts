// Benchmark of hub-etl generate: writes fresh synthetic stores of each size and prints orders/s (with their
// lines, refunds, invoices, shipments and routes), rows/s, this process's CPU time and memory.
//   node dist/bench/generate.js [--orders 100000,1000000] [--source mysql://root@127.0.0.1:3306/hub_bench_src | sqlite:/tmp/bench.db] [--seed 1688]
// The bench database is dropped and recreated for every size, but only when it is absent, empty or a
// store generate made (it has hub_etl_generator); a database with other ali1688_* tables is refused.
import fs from 'node:fs';
import { describeTarget, loadConfig, maskSecrets, parseDbUrl, type DbTarget } from '../lib/config.js';
import { createContext } from '../jobs/context.js';
import { openDb, listTables } from '../lib/db.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { createLogger } from '../lib/logger.js';
import { generate } from '../jobs/generate.js';
import { isSynthetic } from '../sources/replica.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

const source = arg('source', 'mysql://root@127.0.0.1:3306/hub_bench_src');
const sizes = arg('orders', '100000,1000000').split(',').map((s) => Number(s.replace(/_/g, '')));
const seed = Number(arg('seed', '1688'));

/** Empties the bench database, refusing anything that is not a generator store. */
async function reset(target: DbTarget): Promise<void> {
  const sql = DIALECTS[target.kind];
  const file = sql.file(target);
  if (file && !fs.existsSync(file)) return;
  const db = await openDb(target, { create: true });
  try {
    const tables = await listTables(db, 'ali1688_');
    const ours = await isSynthetic(db);
    if (tables.length > 0 && !ours) throw new Error(`${db.label} has ali1688_* tables that generate did not create; pick another --source`);
  } finally {
    await db.close();
  }
  await sql.dropDatabase(target, describeTarget(target));
}

const target = parseDbUrl(source, '--source');
if (typeof target === 'string') throw new Error(target);
console.log(`generate benchmark into ${maskSecrets(source)}`);
for (const orders of sizes) {
  await reset(target);
  const ctx = createContext(loadConfig({ source }, {}), createLogger({ format: 'json', level: 'error', silent: true }));
  const cpu = process.cpuUsage();
  try {
    const r = await generate(ctx, { orders, seed });
    const used = process.cpuUsage(cpu);
    const rows = Object.values(r.tables).reduce((a, c) => a + c.inserted, 0);
    console.log(
      `${orders.toLocaleString('en-US').padStart(11)} orders  ${r.seconds.toFixed(1).padStart(7)} s  ${Math.round(r.ordersPerSecond).toLocaleString('en-US').padStart(7)} orders/s  ` +
      `${Math.round(rows / r.seconds).toLocaleString('en-US').padStart(8)} rows/s  node cpu ${((used.user + used.system) / 1e6).toFixed(1)} s  rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
    );
  } finally {
    await ctx.close();
  }
}
