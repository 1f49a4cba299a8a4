// The demo's live step (hub-etl demo --live): changes arriving through Cloud Hub's messages. It starts
// listen (AMQP, a queue of its own) and a worker in this process on a queue prefix of their own, moves the
// store forward an hour, publishes the messages Cloud Hub would send for that hour's changes, and watches
// the warehouse until each change is there, timing publish → commit. Without RabbitMQ or Redis it says so
// in one line and does nothing.
import crypto from 'node:crypto';
import amqp from 'amqplib';
import type { Context } from './context.js';
import { maskSecrets } from '../lib/config.js';
import { describe } from '../lib/errors.js';
import { openRedis } from '../lib/redis.js';
import { rawRows } from '../lib/db.js';
import { generate } from './generate.js';
import { startListener } from './listen.js';
import { pollWatched, quantile, watchesFor, type Watched } from './message-watch.js';
import { publishMessages } from './publish-messages.js';
import { startWorker } from './queue/worker.js';

/** The broker the live step uses when HUB_MQ_URL names none: RabbitMQ's out-of-the-box local account. */
export const DEMO_BROKER = 'amqp://guest:guest@127.0.0.1:5672';

export interface LiveExample {
  what: string;
  table: string;
  id: string;
  before: string | null;
  after: string | null;
  seconds: number;
}

export interface LiveResult {
  broker: string;
  queue: string;
  from: string;
  to: string;
  published: number;
  watched: number;
  seen: number;
  /** Publish → committed, in seconds, over the changes seen. */
  p50: number;
  max: number;
  example: LiveExample | null;
}

export type LiveOutcome = { skipped: string } | LiveResult;

async function brokerAnswers(url: string): Promise<string | null> {
  try {
    const c = await amqp.connect(url, { timeout: 3_000 });
    c.on('error', () => undefined);
    await c.close();
    return null;
  } catch (err) {
    return describe(err);
  }
}

async function redisAnswers(ctx: Context): Promise<string | null> {
  try {
    const r = await openRedis(ctx.config.redis, ctx.logger, { connectTimeoutMs: 3_000 });
    r.disconnect();
    return null;
  } catch (err) {
    return describe(err);
  }
}

/** The order statuses the warehouse holds for these ids (the "before" and "after" of the example). */
async function orderStatuses(ctx: Context, ids: string[]): Promise<Map<string, string>> {
  const wh = await ctx.warehouse();
  const digits = ids.filter((id) => /^\d{1,19}$/.test(id));
  if (digits.length === 0) return new Map();
  const rows = await rawRows<{ k: unknown; s: unknown }>(wh, wh.dialect, `select order_id as k, status as s from fct_order where order_id in (${digits.join(',')})`);
  return new Map(rows.map((r) => [String(r.k), String(r.s)]));
}

export async function demoLive(ctx: Context, opts: { hours?: number; timeoutMs?: number } = {}): Promise<LiveOutcome> {
  const url = ctx.config.mq?.url ?? DEMO_BROKER;
  const broker = maskSecrets(url);
  const noBroker = await brokerAnswers(url);
  if (noBroker) return { skipped: `RabbitMQ is not answering at ${broker} (${noBroker}); bash scripts/services.sh starts it, HUB_MQ_URL names another` };
  const noRedis = await redisAnswers(ctx);
  if (noRedis) return { skipped: `Redis is not answering (${noRedis}); bash scripts/services.sh starts it, HUB_REDIS_URL names another` };

  // A queue and a queue prefix of the demo's own: it never takes or leaves work for real listeners and workers.
  const tag = crypto.randomBytes(3).toString('hex');
  const queue = `hub-etl-demo-${tag}`;
  const live: Context = { ...ctx, config: { ...ctx.config, mq: { url, label: broker }, queuePrefix: `${ctx.config.queuePrefix}-demo-${tag}` } };
  const listener = await startListener(live, { amqp: { queueName: queue }, coalesceMs: 100 });
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    worker = await startWorker(live, { concurrency: 2 });
    const advanced = await generate(ctx, { advance: true, hours: opts.hours ?? 1, collectMessages: true });
    const messages = advanced.messages ?? [];
    const orderIds = messages.filter((m) => m.topic === 'ali1688_order_topic').flatMap((m) => watchesFor(m, 0, ctx.config.sourceTz).map((w) => w.id));
    const before = await orderStatuses(ctx, orderIds);
    const watched: Watched[] = [];
    const sent = await publishMessages(messages, { url, onSent: (m, at) => watched.push(...watchesFor(m, at, ctx.config.sourceTz)) });
    const wh = await ctx.warehouse();
    const until = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      await pollWatched(wh, watched);
      if (watched.every((w) => w.seenAt !== undefined) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seen = watched.filter((w) => w.seenAt !== undefined);
    const secs = seen.map((w) => (w.seenAt! - w.publishedAt) / 1000).sort((a, b) => a - b);
    const after = await orderStatuses(ctx, orderIds);
    // Show a status change of an order the warehouse had, else a new order, else any change seen.
    const orders = seen.filter((w) => w.table === 'fct_order');
    const pick = orders.find((w) => before.has(w.id) && before.get(w.id) !== after.get(w.id)) ?? orders.find((w) => !before.has(w.id)) ?? seen[0];
    const example = pick ? {
      what: pick.tag || 'shipment tracing',
      table: pick.table,
      id: pick.id,
      before: pick.table === 'fct_order' ? (before.get(pick.id) ?? null) : null,
      after: pick.table === 'fct_order' ? (after.get(pick.id) ?? null) : null,
      seconds: (pick.seenAt! - pick.publishedAt) / 1000,
    } : null;
    return { broker, queue, from: advanced.from, to: advanced.to, published: sent.published, watched: watched.length, seen: seen.length, p50: quantile(secs, 0.5), max: secs[secs.length - 1] ?? NaN, example };
  } finally {
    await worker?.close();
    await listener.close();
    await cleanUp(live, url, queue).catch((err: unknown) => ctx.logger.warn('could not remove the demo\'s queue', { error: describe(err) }));
  }
}

/** Removes the demo's AMQP queue and its keys in Redis. */
async function cleanUp(live: Context, url: string, queue: string): Promise<void> {
  const c = await amqp.connect(url, { timeout: 3_000 });
  try {
    const ch = await c.createChannel();
    await ch.deleteQueue(queue);
  } finally {
    await c.close();
  }
  const redis = await live.redis();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${live.config.queuePrefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export function formatLive(r: LiveOutcome): string[] {
  if ('skipped' in r) return [`6. live       skipped: ${r.skipped}`];
  const e = r.example;
  const change = !e ? [] : [`             e.g. ${e.what} for ${e.table === 'dim_product' ? 'product' : 'order'} ${e.id}: ${e.table === 'fct_order' ? `status ${e.before ?? '(new order)'} → ${e.after}` : 'rewritten'} in ${e.table}, committed ${e.seconds.toFixed(2)} s after its message`];
  return [
    `6. live       listen (AMQP ${r.broker}, queue ${r.queue}) and a worker; the store moved on to ${r.to} and its changes were announced`,
    `             ${r.published} messages published; ${r.seen} of ${r.watched} changes in the warehouse, publish → committed p50 ${r.p50.toFixed(2)} s, max ${r.max.toFixed(2)} s`,
    ...change,
  ];
}
