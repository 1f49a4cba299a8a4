// npm run bench -- --messages: message freshness at a sustained rate, every piece a process of its own as
// in production. Generates a store and loads it (SQLite files, or MariaDB databases with --db mariadb),
// moves the store forward with generate --advance until its changes make enough messages, starts
// `hub-etl listen` (AMQP, a vhost of its own on the local RabbitMQ) and `hub-etl worker` process(es), then
// a publisher process sends the messages at the rate while this process watches the warehouse: per
// change, publish → the warehouse row with the new version committed. Prints p50/p95/p99, the rate
// reached, the changes lost and the CPU each process used, and writes bench/results/messages-<time>.json.
//   npm run bench -- --messages [--rate 50] [--duration 120] [--orders 20000] [--db sqlite|mariadb]
//                               [--workers 1] [--concurrency 4] [--profile]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from '../jobs/generate.js';
import { pollWatched, quantile, watchesFor, type Watched } from '../jobs/message-watch.js';
import { freshnessQuantile, readLedger } from '../jobs/queue/message-ledger.js';
import { QUEUE } from '../jobs/queue/names.js';
import { DEFAULT_RUN, runStreams } from '../jobs/run.js';
import { describeTarget, loadConfig, type DbTarget } from '../lib/config.js';
import { createContext } from '../jobs/context.js';
import { openDb, rawRows } from '../lib/db.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { createLogger } from '../lib/logger.js';
import type { EmulatedMessage } from '../sources/synthetic/messages.js';
import { CLI, cpuSecondsOf, ROOT, writeFigures } from './child.js';
import { summariseProfiles } from './cpu-profile.js';

const USAGE = 'usage: npm run bench -- --messages [--rate 50] [--duration 120] [--orders 20000] [--db sqlite|mariadb] [--workers 1] [--concurrency 4] [--profile]';

/** The databases a bench runs on: its replica and warehouse URLs, from its folder, the MariaDB base URL and its tag. */
const DATABASES = {
  sqlite: { title: 'SQLite', urls: (dir: string) => [`sqlite:${path.join(dir, 'source.db')}`, `sqlite:${path.join(dir, 'warehouse.db')}`] },
  mariadb: { title: 'MariaDB', urls: (_dir: string, mysql: string, tag: string) => [`${mysql}/hubbench_src_${tag}`, `${mysql}/hubbench_wh_${tag}`] },
} as const;
type Databases = keyof typeof DATABASES;

interface Args { rate: number; duration: number; orders: number; concurrency: number; workers: number; db: Databases; amqp: string; mysql: string; profile: boolean }

function parse(argv: string[]): Args {
  const a: Args = {
    rate: 50, duration: 120, orders: 20_000, concurrency: 4, workers: 1, db: 'sqlite', profile: false,
    amqp: process.env.HUB_BENCH_AMQP ?? 'amqp://guest:guest@127.0.0.1:5672', mysql: process.env.HUB_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--profile') {
      a.profile = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${k}: missing value; ${USAGE}`);
    if (k === '--rate') a.rate = Number(v);
    else if (k === '--duration') a.duration = Number(v);
    else if (k === '--orders') a.orders = Number(v);
    else if (k === '--concurrency') a.concurrency = Number(v);
    else if (k === '--workers') a.workers = Number(v);
    else if (k === '--db' && Object.hasOwn(DATABASES, v)) a.db = v as Databases;
    else if (k === '--amqp') a.amqp = v;
    else if (k === '--mysql') a.mysql = v;
    else throw new Error(`unknown option ${k} ${v}; ${USAGE}`);
  }
  for (const k of ['rate', 'duration', 'orders', 'concurrency', 'workers'] as const) if (!(a[k] > 0)) throw new Error(`--${k}: expected a positive number`);
  return a;
}

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds of the local servers the bench leans on (RabbitMQ's Erlang VM, Redis, MariaDB), by name. */
function serverCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, comm] of [['rabbitmq', 'beam.smp'], ['redis', 'redis-server'], ['mariadb', 'mariadbd']] as const) {
    const pids = spawnSync('pgrep', ['-x', comm], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    out[name] = pids.reduce((s, p) => s + (cpuSecondsOf(Number(p)) ?? 0), 0);
  }
  return out;
}

interface Proc { name: string; child: ChildProcess; output: () => string; exited: Promise<void> }

/** Starts `hub-etl <args>` as a process of its own and waits for `ready` in its log. */
async function startCli(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, profileDir: string | null): Promise<Proc> {
  const node = ['--max-old-space-size=2048', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [])];
  const child = spawn(process.execPath, [...node, CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
    if (text.length > 200_000) text = text.slice(-100_000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + 60_000;
  while (!ready.test(text)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`${name} did not start: ${text.slice(-2000)}`);
    await sleep(100);
  }
  return { name, child, output: () => text, exited };
}

export async function benchMessages(argv: string[]): Promise<void> {
  const args = parse(argv);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-bench-messages-'));
  const tag = crypto.randomBytes(3).toString('hex');
  const vhost = `hubbench-${tag}`;
  const ctl = (a: string[]) => spawnSync('rabbitmqctl', ['-q', ...a], { encoding: 'utf8' });
  if (ctl(['add_vhost', vhost]).status !== 0) throw new Error('rabbitmqctl add_vhost failed: is RabbitMQ running (bash scripts/services.sh)?');
  ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const mq = `${args.amqp.replace(/\/$/, '')}/${vhost}`;
  const prefix = `hubbench-${tag}`;
  const [source, warehouse] = DATABASES[args.db].urls(dir, args.mysql.replace(/\/$/, ''), tag) as [string, string];
  const env = { ...process.env, HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: warehouse, HUB_QUEUE_PREFIX: prefix, HUB_MQ_URL: mq, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'info' };
  const config = loadConfig({}, env);
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error' }));
  const profileDir = args.profile ? path.join(ROOT, 'bench/results', `profile-${tag}`) : null;
  const procs: Proc[] = [];
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    let t0 = Date.now();
    await generate(ctx, { orders: args.orders, days: 30, seed: 1688 });
    log(`store of ${args.orders} orders generated in ${((Date.now() - t0) / 1000).toFixed(1)} s (${args.db})`);
    t0 = Date.now();
    await runStreams(ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN, safetyLagMs: 0 });
    log(`loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // The changes: advances of six simulated hours until they make the messages the run needs.
    const wanted = Math.ceil(args.rate * args.duration);
    const messages: EmulatedMessage[] = [];
    let hours = 0;
    while (messages.length < wanted && hours < 24 * 60) {
      const r = await generate(ctx, { advance: true, hours: 6, collectMessages: true });
      messages.push(...(r.messages ?? []));
      hours += 6;
    }
    messages.length = Math.min(messages.length, wanted);
    const file = path.join(dir, 'messages.json');
    fs.writeFileSync(file, JSON.stringify(messages));
    log(`${messages.length} messages from ${hours} simulated hours of changes`);

    if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
    procs.push(await startCli('listen', ['listen', '--migrate', '--prefetch', '64'], env, /"message":"listen ready"/, profileDir));
    for (let i = 1; i <= args.workers; i++) procs.push(await startCli(`worker-${i}`, ['worker', '--concurrency', String(args.concurrency)], env, /"message":"worker ready"/, profileDir));
    const cpuBefore = { procs: procs.map((p) => cpuSecondsOf(p.child.pid!) ?? 0), servers: serverCpu() };
    const loadBefore = os.loadavg()[0]!;

    const db = await openDb(config.warehouse as Parameters<typeof openDb>[0], { readOnly: true });
    cleanup.push(() => db.close());
    const pending: Watched[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await pollWatched(db, pending).catch((err: unknown) => log(`poll failed: ${String(err)}`));
        await sleep(250);
      }
    })();

    t0 = Date.now();
    const publisher = spawn(process.execPath, [path.join(ROOT, 'dist/bench/publish-child.js'), file, mq, String(args.rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let published = 0;
    let publishSeconds = NaN;
    let rest = '';
    publisher.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const [a, b] = line.split(' ');
        if (a === 'done') publishSeconds = Number(b);
        else {
          published++;
          pending.push(...watchesFor(messages[Number(a)]!, Number(b), config.sourceTz));
        }
      }
    });
    const code = await new Promise<number | null>((r) => publisher.once('exit', r));
    if (code !== 0) throw new Error(`the publisher failed (exit ${code})`);
    const sent = { published, duplicates: messages.filter((m) => m.duplicate).length, seconds: publishSeconds };
    log(`published ${sent.published} messages in ${sent.seconds.toFixed(1)} s (${(sent.published / sent.seconds).toFixed(1)}/s)`);
    const until = Date.now() + 120_000;
    while (Date.now() < until && pending.some((p) => p.seenAt === undefined)) await sleep(500);
    const drainSeconds = (Date.now() - t0) / 1000 - sent.seconds;
    polling = false;
    await poller;
    await pollWatched(db, pending);
    const cpu = procs.map((p, i) => [p.name, (cpuSecondsOf(p.child.pid!) ?? NaN) - cpuBefore.procs[i]!] as const);
    const servers = serverCpu();
    const load = os.loadavg()[0]!;

    const lat = pending.filter((p) => p.seenAt !== undefined).map((p) => (p.seenAt! - p.publishedAt) / 1000).sort((a, b) => a - b);
    const lost = pending.filter((p) => p.seenAt === undefined);
    const redis = await ctx.redis();
    const ledger = await readLedger(redis, prefix);
    const sum = (o: keyof typeof ledger.counters) => Object.values(ledger.counters[o]).reduce((a, b) => a + b, 0);
    const runRows = await rawRows<{ n: unknown }>(db, db.dialect, "select count(*) as n from etl_run where mode = 'refresh'");
    // Where a refresh's time goes: waiting in the queue past its coalescing delay, and being processed.
    const refreshes = new Queue(QUEUE.refreshes, { connection: redis, prefix });
    const jobs = await refreshes.getJobs(['completed'], 0, 10_000);
    await refreshes.close();
    const secs = (xs: number[]) => {
      const sorted = xs.map((x) => x / 1000).sort((a, b) => a - b);
      return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99) };
    };
    const jobTimes = {
      jobs: jobs.length,
      queueWait: secs(jobs.map((j) => (j.processedOn ?? 0) - j.timestamp - (j.opts.delay ?? 0))),
      processing: secs(jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0))),
      /** Refreshes that waited for the replica to reach their message's time, by scope. */
      replicaWaits: jobs.reduce<Record<string, number>>((a, j) => {
        const d = j.data as { scope?: string; staleTries?: number };
        if (d.staleTries) a[String(d.scope)] = (a[String(d.scope)] ?? 0) + 1;
        return a;
      }, {}),
    };
    const wall = sent.seconds + drainSeconds;
    const result = {
      at: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
      setup: {
        orders: args.orders, db: args.db, reader: 'replica', workers: args.workers, workerConcurrency: args.concurrency,
        processes: 'publisher, listen and each worker a process of its own; RabbitMQ, Redis (and MariaDB) local', transport: 'AMQP (local RabbitMQ)',
      },
      rate: args.rate,
      published: sent.published,
      duplicatesSent: sent.duplicates,
      publishSeconds: sent.seconds,
      achievedRate: Number((sent.published / sent.seconds).toFixed(1)),
      changesChecked: pending.length,
      freshnessSeconds: { p50: quantile(lat, 0.5), p95: quantile(lat, 0.95), p99: quantile(lat, 0.99), max: lat[lat.length - 1] ?? NaN },
      lost: lost.length,
      lostSamples: lost.slice(0, 5).map((p) => `${p.table} ${p.id} ${p.version ?? ''}`),
      counters: Object.fromEntries((['received', 'duplicate', 'coalesced', 'refreshed', 'stale', 'failed', 'quarantined'] as const).map((o) => [o, sum(o)])),
      inAppFreshnessSeconds: { p50: freshnessQuantile(ledger.freshness, 0.5), p95: freshnessQuantile(ledger.freshness, 0.95), p99: freshnessQuantile(ledger.freshness, 0.99) },
      refreshRunRows: Number(runRows[0]?.n ?? 0),
      refreshJobSeconds: jobTimes,
      cpuSeconds: { ...Object.fromEntries(cpu.map(([n, s]) => [n, Number(s.toFixed(1))])), ...Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, Number((s - cpuBefore.servers[n]!).toFixed(1))])) },
      wallSeconds: Number(wall.toFixed(1)),
      loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(load.toFixed(2)) },
    };
    const f = result.freshnessSeconds;
    process.stdout.write([
      `machine                 ${result.machine} (load average ${result.loadAverage.before} before, ${result.loadAverage.after} after)`,
      `setup                   ${args.orders} orders, ${DATABASES[args.db].title} replica and warehouse, listen + ${args.workers} worker process(es) of concurrency ${args.concurrency} + a publisher process, AMQP on the local RabbitMQ`,
      `published               ${sent.published} messages (${sent.duplicates} repeats) asked at ${args.rate}/s: ${result.achievedRate}/s over ${sent.seconds} s`,
      `freshness (publish → committed)  p50 ${f.p50.toFixed(2)} s, p95 ${f.p95.toFixed(2)} s, p99 ${f.p99.toFixed(2)} s, max ${f.max.toFixed(2)} s over ${lat.length} changes (target p95 < 5 s, p99 < 10 s)`,
      `lost                    ${lost.length} of ${pending.length} published changes not in the warehouse at the end`,
      `counters                ${Object.entries(result.counters).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `in-app histogram        p50 ≤ ${result.inAppFreshnessSeconds.p50} s, p95 ≤ ${result.inAppFreshnessSeconds.p95} s, p99 ≤ ${result.inAppFreshnessSeconds.p99} s (bucket bounds)`,
      `etl_run                 ${result.refreshRunRows} refresh rows for ${result.counters.refreshed} messages refreshed`,
      `refresh jobs            ${jobTimes.jobs} completed: queue wait past the coalescing delay p50 ${jobTimes.queueWait.p50.toFixed(2)} s, p95 ${jobTimes.queueWait.p95.toFixed(2)} s, p99 ${jobTimes.queueWait.p99.toFixed(2)} s; processing p50 ${jobTimes.processing.p50.toFixed(3)} s, p95 ${jobTimes.processing.p95.toFixed(3)} s, p99 ${jobTimes.processing.p99.toFixed(3)} s; waited for the replica: ${Object.entries(jobTimes.replicaWaits).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
      `CPU seconds             ${Object.entries(result.cpuSeconds).map(([k, v]) => `${k} ${v}`).join(', ')} (over ${result.wallSeconds} s of publishing and draining)`,
      '',
    ].join('\n'));
    log(`figures written to ${writeFigures('messages-', result)}`);
    // SIGTERM lets each process finish (and write its profile).
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => Promise.race([p.exited, sleep(30_000)])));
    for (const p of procs) if (/"level":"(error)"/.test(p.output())) log(`${p.name} logged errors: ${p.output().split('\n').filter((l) => l.includes('"level":"error"')).slice(0, 3).join(' | ')}`);
    if (profileDir) process.stdout.write(`${summariseProfiles(profileDir)}\n`);
  } finally {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    for (const t of [config.source, config.warehouse] as DbTarget[]) await DIALECTS[t.kind].dropDatabase(t, describeTarget(t)).catch(() => undefined);
    await ctx.close().catch(() => undefined);
    ctl(['delete_vhost', vhost]);
    spawnSync('sh', ['-c', `redis-cli --scan --pattern '${prefix}:*' | xargs -r -n 500 redis-cli del > /dev/null`]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
