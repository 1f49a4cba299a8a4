// npm run bench -- --messages: message freshness. Generates a store (SQLite) and loads it, starts the API
// emulator over it, hub-etl listen (AMQP, a vhost of its own on the local RabbitMQ) and a worker in this
// process, moves the store forward with generate --advance until its changes make enough messages, then
// publishes them at a steady rate and measures, per message, publish → the warehouse row with the new
// version committed. Prints p50/p95/p99 and the messages lost, and writes bench/results/messages-<time>.json.
//   npm run bench -- --messages [--rate 50] [--duration 120] [--orders 20000] [--concurrency 4]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../jobs/emulate-api.js';
import { generate } from '../jobs/generate.js';
import { startListener } from '../jobs/listen.js';
import { publishMessages } from '../jobs/publish-messages.js';
import { freshnessQuantile, readLedger } from '../jobs/queue/message-ledger.js';
import { startWorker } from '../jobs/queue/worker.js';
import { DEFAULT_RUN, runStreams } from '../jobs/run.js';
import { loadConfig } from '../lib/config.js';
import { createContext } from '../lib/context.js';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { parseMessage } from '../sources/messages/parse.js';
import { messageBody, type EmulatedMessage } from '../sources/synthetic/messages.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Args { rate: number; duration: number; orders: number; concurrency: number; amqp: string }

function parse(argv: string[]): Args {
  const a: Args = { rate: 50, duration: 120, orders: 20_000, concurrency: 4, amqp: process.env.HUB_BENCH_AMQP ?? 'amqp://guest:guest@127.0.0.1:5672' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = Number(argv[i + 1]);
    if (k === '--rate') a.rate = v;
    else if (k === '--duration') a.duration = v;
    else if (k === '--orders') a.orders = v;
    else if (k === '--concurrency') a.concurrency = v;
    else if (k === '--amqp') a.amqp = argv[i + 1]!;
    else throw new Error(`unknown option ${k}; usage: npm run bench -- --messages [--rate 50] [--duration 120] [--orders 20000] [--concurrency 4]`);
    i++;
  }
  for (const [k, v] of Object.entries(a)) if (typeof v === 'number' && !(v > 0)) throw new Error(`--${k}: expected a positive number`);
  return a;
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN);
const utcText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

interface Pending { i: number; table: string; key: string; id: string; version: string | null; publishedAt: number; seenAt?: number }

export async function benchMessages(argv: string[]): Promise<void> {
  const args = parse(argv);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-etl-bench-messages-'));
  const vhost = `hubbench-${crypto.randomBytes(3).toString('hex')}`;
  const ctl = (a: string[]) => spawnSync('rabbitmqctl', ['-q', ...a], { encoding: 'utf8' });
  if (ctl(['add_vhost', vhost]).status !== 0) throw new Error('rabbitmqctl add_vhost failed: is RabbitMQ running (bash scripts/services.sh)?');
  ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const mq = `${args.amqp.replace(/\/$/, '')}/${vhost}`;
  const prefix = `hubbench-${crypto.randomBytes(3).toString('hex')}`;
  const source = `sqlite:${path.join(dir, 'source.db')}`;
  const warehouse = `sqlite:${path.join(dir, 'warehouse.db')}`;
  const config = loadConfig({ source, warehouse, queuePrefix: prefix, mqUrl: mq }, { ...process.env, HUB_SOURCE_URL: '', HUB_WAREHOUSE_URL: '' });
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error' }));
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    let t0 = Date.now();
    await generate(ctx, { orders: args.orders, days: 30, seed: 1688 });
    log(`store of ${args.orders} orders generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    await runStreams(ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN, safetyLagMs: 0 });
    log(`loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const emulator = await startEmulator({ store: source });
    cleanup.push(() => emulator.close());

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
    log(`${messages.length} messages from ${hours} simulated hours of changes`);

    const listener = await startListener(ctx, { amqp: { queueName: 'hub-etl', prefetch: 64 }, migrate: true });
    cleanup.push(() => listener.close());
    const worker = await startWorker(ctx, { concurrency: args.concurrency });
    cleanup.push(() => worker.close());

    // What each message must show in the warehouse: its entity at least at the message's version,
    // written after it was published (a logistics message carries no time: its shipments rewritten).
    const pending: Pending[] = [];
    const onSent = (m: EmulatedMessage, publishedAt: number) => {
      if (m.duplicate) return;
      const p = parseMessage({ topic: m.topic, tag: m.tag, body: messageBody(m, publishedAt) }, config.sourceTz);
      if (!p.ok) return;
      for (const target of p.message.targets) {
        const [table, key] = target.scope === 'product' ? ['dim_product', 'product_id'] : target.scope === 'refund' ? ['fct_refund', 'order_id'] : target.scope === 'logistics' ? ['fct_shipment', 'order_id'] : ['fct_order', 'order_id'];
        pending.push({ i: pending.length, table, key, id: target.id, version: target.scope === 'logistics' ? null : p.message.sentAt, publishedAt });
      }
    };
    const db = await openDb({ kind: 'sqlite', file: path.join(dir, 'warehouse.db'), url: warehouse }, { readOnly: true });
    cleanup.push(() => db.close());
    const poll = async () => {
      const open = pending.filter((p) => p.seenAt === undefined);
      const byTable = new Map<string, Pending[]>();
      for (const p of open) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
      for (const [table, list] of byTable) {
        const key = list[0]!.key;
        const ids = [...new Set(list.map((p) => p.id))];
        for (let i = 0; i < ids.length; i += 500) {
          const part = ids.slice(i, i + 500);
          const rows = await rawRows<Record<string, unknown>>(db, 'sqlite', `select ${key} as k, max(_source_version) as v, max(_loaded_at) as at from ${table} where ${key} in (${part.map(() => '?').join(',')}) group by ${key}`, part);
          const got = new Map(rows.map((r) => [String(r.k), { v: String(r.v), at: String(r.at) }]));
          for (const p of list) {
            const g = got.get(p.id);
            if (!g || g.at < utcText(p.publishedAt)) continue;
            if (p.version !== null && g.v < (p.table === 'fct_refund' ? p.version.slice(0, 10) : p.version)) continue;
            p.seenAt = Date.parse(`${g.at.replace(' ', 'T')}Z`);
          }
        }
      }
    };
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await poll().catch((err: unknown) => log(`poll failed: ${String(err)}`));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    t0 = Date.now();
    const sent = await publishMessages(messages, { url: mq, ratePerSecond: args.rate, onSent });
    const publishSeconds = (Date.now() - t0) / 1000;
    log(`published ${sent.published} messages in ${publishSeconds.toFixed(1)} s (${(sent.published / publishSeconds).toFixed(1)}/s)`);
    const until = Date.now() + 120_000;
    while (Date.now() < until && pending.some((p) => p.seenAt === undefined)) await new Promise((r) => setTimeout(r, 500));
    polling = false;
    await poller;
    await poll();

    const lat = pending.filter((p) => p.seenAt !== undefined).map((p) => (p.seenAt! - p.publishedAt) / 1000).sort((a, b) => a - b);
    const lost = pending.filter((p) => p.seenAt === undefined);
    const ledger = await readLedger(listener.queues.redis, prefix);
    const sum = (o: keyof typeof ledger.counters) => Object.values(ledger.counters[o]).reduce((a, b) => a + b, 0);
    const result = {
      at: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
      setup: { orders: args.orders, source: 'SQLite replica', warehouse: 'SQLite', reader: 'replica (the API reader is not in this build; the emulator runs beside it)', workerConcurrency: args.concurrency, transport: 'AMQP (local RabbitMQ)' },
      rate: args.rate,
      published: sent.published,
      duplicatesSent: sent.duplicates,
      publishSeconds: Number(publishSeconds.toFixed(1)),
      changesChecked: pending.length,
      freshnessSeconds: { p50: quantile(lat, 0.5), p95: quantile(lat, 0.95), p99: quantile(lat, 0.99), max: lat[lat.length - 1] ?? NaN },
      lost: lost.length,
      lostSamples: lost.slice(0, 5).map((p) => `${p.table} ${p.id} ${p.version ?? ''}`),
      counters: Object.fromEntries((['received', 'duplicate', 'coalesced', 'refreshed', 'stale', 'failed', 'quarantined'] as const).map((o) => [o, sum(o)])),
      inAppFreshnessSeconds: { p50: freshnessQuantile(ledger.freshness, 0.5), p95: freshnessQuantile(ledger.freshness, 0.95), p99: freshnessQuantile(ledger.freshness, 0.99) },
    };
    const f = result.freshnessSeconds;
    process.stdout.write([
      `machine                 ${result.machine}`,
      `setup                   ${args.orders} orders, SQLite replica and warehouse, worker concurrency ${args.concurrency}, AMQP on the local RabbitMQ`,
      `published               ${sent.published} messages (${sent.duplicates} repeats) at ${args.rate}/s in ${result.publishSeconds} s`,
      `freshness (publish → committed)  p50 ${f.p50.toFixed(2)} s, p95 ${f.p95.toFixed(2)} s, p99 ${f.p99.toFixed(2)} s, max ${f.max.toFixed(2)} s over ${lat.length} changes (target p95 < 5 s, p99 < 10 s)`,
      `lost                    ${lost.length} of ${pending.length} published changes not in the warehouse at the end`,
      `counters                ${Object.entries(result.counters).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `in-app histogram        p50 ≤ ${result.inAppFreshnessSeconds.p50} s, p95 ≤ ${result.inAppFreshnessSeconds.p95} s, p99 ≤ ${result.inAppFreshnessSeconds.p99} s (bucket bounds)`,
      '',
    ].join('\n'));
    const out = path.join(ROOT, 'bench/results', `messages-${result.at.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`figures written to ${path.relative(ROOT, out)}`);
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    await ctx.close().catch(() => undefined);
    ctl(['delete_vhost', vhost]);
    spawnSync('redis-cli', ['--scan', '--pattern', `${prefix}:*`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).forEach((k) => spawnSync('redis-cli', ['del', k]));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
