// npm run bench -- --api: a full load of the six order streams through the 1688 API. Generates a synthetic
// store (SQLite), serves it with the gateway emulator in this process at each rate limit asked, and loads
// it with `hub-etl run` (a process of its own, the client's --api-rate set to the same limit) into a fresh
// SQLite warehouse. Prints, per rate: calls sent, calls/s against the limit, calls per order, orders/s,
// the hub-etl process's peak RSS and the elapsed time, then what a load of 100,000 orders would take; writes
// bench/results/api-<time>.json.
//   npm run bench -- --api [--orders 200] [--rate 10,100] [--days 365] [--concurrency 4]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type EmulatorStats } from '../jobs/emulate-api.js';
import type { RunSummary } from '../jobs/engine/engine.js';
import { DEFAULT_API_CONCURRENCY } from '../lib/api-config.js';
import { hubEtl, must, table, writeFigures } from './child.js';

const USAGE = 'usage: npm run bench -- --api [--orders 200] [--rate 10,100] [--days 365] [--concurrency 4]';
const ORDER_STREAMS = ['orders', 'order_lines', 'invoices', 'refunds', 'shipments', 'shipment_events'];
/** The store size the arithmetic line speaks of. */
const PROJECTED_ORDERS = 100_000;
/** Orders whose answers a run's streams share (the API reader's memo): a larger store costs more calls per order. */
const SHARED_ANSWERS = 2000;
const SMALL_STORE = ` (k of a store whose answers the streams share; past ${SHARED_ANSWERS} orders k is about 5.9: README "How long a load through the API takes")`;

interface Args { orders: number; rates: number[]; days: number; concurrency: number }

function parse(argv: string[]): Args {
  const a: Args = { orders: 200, rates: [10, 100], days: 365, concurrency: DEFAULT_API_CONCURRENCY };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    if (k === '--help') {
      process.stdout.write(`${USAGE}\n  --rate 10,100  the emulator's limit and the client's --api-rate, calls/s; one load per rate\n`);
      process.exit(0);
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${k}: missing value; ${USAGE}`);
    if (k === '--orders') a.orders = Number(v);
    else if (k === '--rate') a.rates = v.split(',').map(Number);
    else if (k === '--days') a.days = Number(v);
    else if (k === '--concurrency') a.concurrency = Number(v);
    else throw new Error(`unknown option ${k} ${v}; ${USAGE}`);
  }
  if (!(Number.isInteger(a.orders) && a.orders >= 10)) throw new Error('--orders: expected a whole number of at least 10');
  if (!a.rates.length || !a.rates.every((r) => Number.isInteger(r) && r >= 1)) throw new Error('--rate: expected whole numbers of calls per second, comma-separated (10,100)');
  if (!(Number.isInteger(a.days) && a.days >= 1)) throw new Error('--days: expected a whole number of days');
  if (!(Number.isInteger(a.concurrency) && a.concurrency >= 1)) throw new Error('--concurrency: expected a whole number of at least 1');
  return a;
}

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** Answers the emulator refused for the rate limit (gateway `…FrequencyLimit`, POP `Throttling…`). */
function throttledBy(stats: EmulatorStats): number {
  let n = 0;
  for (const outcomes of Object.values(stats.byOperation)) for (const [o, c] of Object.entries(outcomes)) if (/FrequencyLimit|Throttling/i.test(o)) n += c;
  return n;
}

interface RateFigures {
  rateLimit: number;
  calls: number;
  retries: number;
  throttled: number;
  emulatorAnswered: number;
  emulatorThrottled: number;
  /** What the emulator answered, by operation and outcome. */
  emulatorByOperation: EmulatorStats['byOperation'];
  /** Time the six streams ran (the process's start, migration and exit left out). */
  loadSeconds: number;
  elapsedSeconds: number;
  callsPerSecond: number;
  shareOfLimit: number;
  ordersLoaded: number;
  callsPerOrder: number;
  callsPerOrderByStream: Record<string, number>;
  ordersPerSecond: number;
  peakRssMb: number;
  cpuSeconds: { hubEtl: number; emulator: number };
  /** Seconds a load of PROJECTED_ORDERS would take at this limit with the calls per order measured. */
  projectedSeconds: number;
}

/** One full load of the order streams through an emulator limited to `rate` calls/s, into a fresh warehouse. */
async function loadAt(store: string, dir: string, rate: number, args: Args, storeOrders: number): Promise<RateFigures> {
  const emulator = await startEmulator({ store, rateLimit: rate });
  try {
    const c = emulator.credentials;
    const env = {
      HUB_SOURCE_URL: emulator.gatewayUrl,
      HUB_WAREHOUSE_URL: `sqlite:${path.join(dir, `warehouse-${rate}.db`)}`,
      HUB_API_APP_KEY: c.appKey, HUB_API_APP_SECRET: c.appSecret, HUB_API_ACCESS_TOKEN: c.accessToken, HUB_API_REFRESH_TOKEN: c.refreshToken,
      HUB_API_RATE: String(rate), HUB_API_CONCURRENCY: String(args.concurrency),
    };
    log(`loading the order streams through the emulator at ${rate} calls/s`);
    const cpu0 = process.cpuUsage();
    // No safety lag: the simulated store does not replicate, and every order is to be loaded.
    const run = must(await hubEtl(['run', '--json', '--safety-lag', '0s', '--stream', ORDER_STREAMS.join(',')], env), `the load at ${rate} calls/s`);
    const cpu = process.cpuUsage(cpu0);
    const runs = JSON.parse(run.stdout) as RunSummary[];
    const sum = (f: (r: RunSummary) => number) => runs.reduce((s, r) => s + f(r), 0);
    const calls = sum((r) => r.api?.calls ?? 0);
    const loadSeconds = sum((r) => r.ms) / 1000;
    const ordersLoaded = runs.find((r) => r.stream === 'orders')?.rowsRead ?? 0;
    const callsPerOrder = calls / storeOrders;
    return {
      rateLimit: rate,
      calls,
      retries: sum((r) => r.api?.retries ?? 0),
      throttled: sum((r) => r.api?.throttled ?? 0),
      emulatorAnswered: emulator.stats.total,
      emulatorThrottled: throttledBy(emulator.stats),
      emulatorByOperation: emulator.stats.byOperation,
      loadSeconds,
      elapsedSeconds: run.ms / 1000,
      callsPerSecond: calls / loadSeconds,
      shareOfLimit: calls / loadSeconds / rate,
      ordersLoaded,
      callsPerOrder,
      callsPerOrderByStream: Object.fromEntries(runs.map((r) => [r.stream, Number(((r.api?.calls ?? 0) / storeOrders).toFixed(3))])),
      ordersPerSecond: storeOrders / loadSeconds,
      peakRssMb: run.peakRssMb,
      cpuSeconds: { hubEtl: Number(run.cpuSeconds.toFixed(1)), emulator: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)) },
      projectedSeconds: (PROJECTED_ORDERS * callsPerOrder) / rate,
    };
  } finally {
    await emulator.close();
  }
}

const duration = (s: number) => (s >= 7200 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

function rows(f: RateFigures, storeOrders: number): Array<[string, string]> {
  const per = Object.entries(f.callsPerOrderByStream).map(([s, k]) => `${s} ${k}`).join(', ');
  return [
    [`rate limit ${f.rateLimit}/s`, `emulator --rate-limit ${f.rateLimit}, client --api-rate ${f.rateLimit}`],
    ['  calls sent', `${f.calls} (${f.retries} retries, ${f.throttled} throttled; the emulator answered ${f.emulatorAnswered}, ${f.emulatorThrottled} refused for the limit)`],
    ['  calls/s', `${f.callsPerSecond.toFixed(1)} = ${(100 * f.shareOfLimit).toFixed(0)}% of the limit (target ≥ 90% when the limit binds)`],
    ['  calls per order', `${f.callsPerOrder.toFixed(2)} (${per})`],
    ['  orders/s', `${f.ordersPerSecond.toFixed(1)} (${f.ordersLoaded} of ${storeOrders} orders loaded)`],
    ['  peak RSS', `${f.peakRssMb} MB (the hub-etl process)`],
    ['  elapsed', `${f.elapsedSeconds.toFixed(1)} s (streams ${f.loadSeconds.toFixed(1)} s); CPU: hub-etl ${f.cpuSeconds.hubEtl} s, emulator ${f.cpuSeconds.emulator} s`],
    ['  100,000 orders', `× ${f.callsPerOrder.toFixed(2)} calls ÷ ${f.rateLimit} calls/s = ${duration(f.projectedSeconds)}${storeOrders <= SHARED_ANSWERS ? SMALL_STORE : ''}`],
  ];
}

export async function benchApi(argv: string[]): Promise<void> {
  const args = parse(argv);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-bench-api-'));
  const store = `sqlite:${path.join(dir, 'store.db')}`;
  try {
    log(`generating ${args.orders} orders over ${args.days} simulated days`);
    const gen = must(await hubEtl(['generate', '--orders', String(args.orders), '--seed', '1688', '--days', String(args.days), '--json'], { HUB_SOURCE_URL: store }), 'generate');
    const storeOrders = (JSON.parse(gen.stdout) as { totalOrders: number }).totalOrders;
    const loads: RateFigures[] = [];
    for (const rate of args.rates) loads.push(await loadAt(store, dir, rate, args, storeOrders));
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
    const load = os.loadavg()[0]!.toFixed(2);
    process.stdout.write(`${table([
      ['machine', `${machine} (load average ${load} at the end)`],
      ['store', `${storeOrders} orders over ${args.days} simulated days (SQLite), generated in ${(gen.ms / 1000).toFixed(1)} s; SQLite warehouse; client concurrency ${args.concurrency}`],
      ...loads.flatMap((f) => rows(f, storeOrders)),
    ])}\n`);
    const figures = { at: new Date().toISOString(), machine, loadAverage: Number(load), orders: storeOrders, days: args.days, concurrency: args.concurrency, streams: ORDER_STREAMS, loads };
    log(`figures written to ${writeFigures('api-', figures)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
