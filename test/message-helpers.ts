// Helpers for message tests: RabbitMQ present (needRabbit), a vhost owned by the test (so tests never see
// each other's messages), a private RabbitMQ node that can be restarted without touching the shared one,
// messages built from a generated store's rows, and a listener + worker pair in-process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import amqp from 'amqplib';
import { startListener, type ListenOptions, type Listener } from '../jobs/listen.js';
import { readLedger, type MessageLedger } from '../jobs/queue/message-ledger.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../jobs/queue/worker.js';
import { loadConfig } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { createLogger } from '../lib/logger.js';
import type { Topic } from '../sources/messages/topics.js';
import { TRANSPORTS } from '../sources/messages/transports.js';
import { missing, REDIS_URL, serviceThere, tempDir, TEST_PII_KEY } from './helpers.js';
import { waitFor } from './queue-helpers.js';

export const RABBIT_URL = process.env.HUB_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function amqpAnswers(url: string): Promise<boolean> {
  try {
    const c = await amqp.connect(url, { timeout: 3_000 });
    c.on('error', () => undefined);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

let rabbitAvailable: Promise<boolean> | undefined;

// Asked when the file loads (outside CI), so that testWith('rabbitmq') can register a test as skipped.
if (process.env.CI !== 'true') serviceThere('rabbitmq', await (rabbitAvailable = amqpAnswers(RABBIT_URL)));

/** Call at the top of a RabbitMQ test (registered with testWith): false, and the test failed, when RabbitMQ is not answering. */
export async function needRabbit(t: ExecutionContext): Promise<boolean> {
  rabbitAvailable ??= amqpAnswers(RABBIT_URL);
  return (await rabbitAvailable) || missing(t, 'rabbitmq', `RabbitMQ is not answering at ${RABBIT_URL.replace(/:[^:@/]*@/, ':***@')}`);
}

function rabbitmqctl(args: string[]): void {
  const r = spawnSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** A vhost of the shared RabbitMQ owned by this test (guest may use it), deleted when the test ends. Returns its AMQP URL. */
export function tempVhost(t: ExecutionContext): string {
  const name = `hubtest-${crypto.randomBytes(4).toString('hex')}`;
  rabbitmqctl(['add_vhost', name]);
  rabbitmqctl(['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  t.teardown(() => rabbitmqctl(['delete_vhost', name]));
  return `${RABBIT_URL.replace(/\/$/, '')}/${encodeURIComponent(name)}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PrivateRabbit { url: string; stop(): Promise<void>; start(): Promise<void> }

/**
 * A RabbitMQ node of the test's own (its own node name, ports, data and log folders, no plugins), so
 * that it can be stopped and started again; the shared server is never touched. Its data folder keeps
 * durable exchanges, queues and persistent messages across the restart.
 */
export async function privateRabbit(t: ExecutionContext): Promise<PrivateRabbit> {
  const dir = tempDir(t, 'hub-etl-rabbit-');
  const [port, dist] = [await freePort(), await freePort()];
  const node = `hubtest_${crypto.randomBytes(3).toString('hex')}@localhost`;
  fs.writeFileSync(path.join(dir, 'plugins'), '[].\n');
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  fs.writeFileSync(path.join(dir, 'env.conf'), '');
  for (const d of ['mnesia', 'log']) fs.mkdirSync(path.join(dir, d));
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'plugins'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'env.conf'),
    RABBITMQ_PID_FILE: path.join(dir, 'pid'),
  };
  const server = fs.existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin/rabbitmq-server' : 'rabbitmq-server';
  const start = async () => {
    const c = spawn(server, [], { env, cwd: dir, stdio: 'ignore' });
    child = c;
    await waitFor(`private RabbitMQ on ${port}`, async () => {
      if (c.exitCode !== null) throw new Error(`private RabbitMQ exited ${c.exitCode}; see ${dir}/log`);
      return amqpAnswers(url);
    }, 90_000, 500);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await waitFor(`private RabbitMQ on ${port} to stop`, async () => !(await amqpAnswers(url)), 30_000, 300);
  };
  await start();
  t.teardown(() => stop());
  return { url, start, stop };
}

/** Publishes through the AMQP transport (publisher confirms), as Cloud Hub would. */
export async function publish(url: string, messages: Array<{ topic: Topic; tag: string; body: string }>): Promise<void> {
  const p = TRANSPORTS.amqp.publisher({ url });
  try {
    for (const m of messages) await p.publish(m);
  } finally {
    await p.close();
  }
}

let nextMsgId = 70_000_000;

/** The open-platform envelope around a payload (raw JSON text, so that ids stay bare numbers). */
export function envelope(tag: string, payloadJson: string, msgId = nextMsgId++): string {
  return `{"msgId":${msgId},"gmtBorn":${Date.now()},"type":"${tag}","userInfo":"b2b-2200114455a1b2","data":${payloadJson}}`;
}

export function orderPayload(orderId: string, status: string, sentAt: string, extra = ''): string {
  return `{"orderId":${orderId},"currentStatus":"${status}","msgSendTime":"${sentAt}","buyerMemberId":"b2b-1"${extra}}`;
}

export interface MessageRig { ctx: Context; listener: Listener; worker: WorkerHandle; ledger(): Promise<MessageLedger> }

/** A context on the test's source, warehouse, queue prefix and broker; closed when the test ends. */
export function messageContext(t: ExecutionContext, urls: { source: string; warehouse: string; prefix: string; mq?: string; secret?: string }): Context {
  const config = loadConfig({ source: urls.source, warehouse: urls.warehouse, redis: REDIS_URL, queuePrefix: urls.prefix, piiKey: TEST_PII_KEY, ...(urls.mq ? { mqUrl: urls.mq } : {}) },
    urls.secret ? { HUB_API_APP_SECRET: urls.secret } : {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  return ctx;
}

/** listen and a worker (unless `worker` is false; else with these options) in this process, on the context's queues; stopped when the test ends. */
export async function startRig(t: ExecutionContext, ctx: Context, opts: ListenOptions, worker: boolean | Partial<WorkerOptions> = true): Promise<MessageRig> {
  const listener = await startListener(ctx, { migrate: true, coalesceMs: 100, staleBaseMs: 200, ...opts });
  t.teardown(() => listener.close());
  const w = worker ? await startWorker(ctx, { concurrency: 4, lockDurationMs: 5_000, ...(worker === true ? {} : worker) }) : null;
  if (w) t.teardown(() => w.close());
  return { ctx, listener, worker: w!, ledger: () => readLedger(listener.queues.redis, ctx.config.queuePrefix) };
}

/** Waits until the refresh queue has nothing waiting, delayed or active. */
export async function refreshesSettled(rig: { listener: Listener }, timeoutMs = 60_000): Promise<void> {
  await waitFor('the refresh queue to drain', async () => {
    const c = await rig.listener.queues.refreshes.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, timeoutMs, 100);
}
