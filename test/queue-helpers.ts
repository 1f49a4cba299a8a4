// Helpers for queue tests: a queue prefix owned by the test, worker processes, a private Redis server
// that can be restarted without disturbing the shared one, and the etl_run intervals of a stream.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { migrate } from '../sql/warehouse/migrate.js';
import { loadConfig } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { CLI, pong, REDIS_URL, ROOT, target, tempDir, TEST_PII_KEY } from './helpers.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 60_000, everyMs = 200): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Deletes every key under a prefix. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  r.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** A queue prefix owned by this test; its keys are deleted when the test ends. */
export function queuePrefix(t: ExecutionContext, redisUrl = REDIS_URL): string {
  const prefix = `hubtest-${crypto.randomBytes(4).toString('hex')}`;
  t.teardown(() => dropPrefix(redisUrl, prefix).catch(() => undefined));
  return prefix;
}

/** A context for in-process queue work (workers, enqueue), closed when the test ends. */
export function queueContext(t: ExecutionContext, urls: { source: string; warehouse: string; prefix: string; redis?: string }): Context {
  const config = loadConfig({ source: urls.source, warehouse: urls.warehouse, redis: urls.redis ?? REDIS_URL, queuePrefix: urls.prefix, piiKey: TEST_PII_KEY }, {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  return ctx;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts a long-running hub-etl command (worker, scheduler, backfill); killed when the test ends. */
export function spawnCli(t: ExecutionContext, args: string[], env: Record<string, string>): CliProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HUB_LOG_FORMAT: 'json' };
  for (const key of ['HUB_SOURCE_URL', 'HUB_WAREHOUSE_URL', 'HUB_REDIS_URL', 'HUB_QUEUE_PREFIX', 'HUB_SOURCE_TZ', 'HUB_DATA_DIR', 'HUB_API_TZ', 'HUB_STORE_TZ', 'HUB_KEEP_BUYER_IDS', 'HUB_INVOICE_REGISTRATION']) delete childEnv[key];
  // Warehouses loaded apart compare equal only under one key of the buyer hashes (a test may set its own).
  childEnv.HUB_PII_KEY = TEST_PII_KEY;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (re, timeoutMs = 60_000) => waitFor(`${args[0]} output ${re}`, () => {
      if (child.exitCode !== null) throw new Error(`${args[0]} exited ${child.exitCode} before printing ${re}: ${err.slice(-2000)}`);
      return re.test(out) || re.test(err);
    }, timeoutMs, 100).then(() => undefined),
  };
}

/** A worker process on the test's queues. */
export async function spawnWorker(t: ExecutionContext, env: Record<string, string>, args: string[] = []): Promise<CliProcess> {
  const w = spawnCli(t, ['worker', ...args], env);
  await w.waitForOutput(/worker ready/);
  return w;
}

export interface PrivateRedis { url: string; port: number; stop(): Promise<void>; start(): Promise<void> }

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

/**
 * A Redis server of the test's own, persisting every write to an append-only file in a temporary
 * folder, so that it can be stopped and started again with its queues intact.
 */
export async function privateRedis(t: ExecutionContext): Promise<PrivateRedis> {
  const dir = tempDir(t, 'hub-etl-redis-');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    const r = spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
      '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--pidfile', path.join(dir, 'redis.pid'), '--logfile', path.join(dir, 'redis.log')]);
    if (r.status !== 0) throw new Error(`redis-server did not start: ${String(r.stderr)}`);
    await waitFor(`redis on ${port}`, () => pong(url), 15_000, 100);
  };
  const stop = async () => {
    spawnSync('redis-cli', ['-p', String(port), 'shutdown']);
    await waitFor(`redis on ${port} to stop`, async () => !(await pong(url)), 15_000, 100);
  };
  await start();
  t.teardown(() => {
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
  });
  return { url, port, start, stop };
}

export interface RunInterval { runId: string; mode: string; status: string; startedAt: string; finishedAt: string | null }

/** The etl_run rows of a stream, oldest first. */
export async function runIntervals(warehouseUrl: string, stream: string): Promise<RunInterval[]> {
  const db = await openDb(target(warehouseUrl));
  try {
    const rows = await rawRows<Record<string, unknown>>(db, db.dialect, 'select run_id, mode, status, started_at, finished_at from etl_run where stream = ? order by started_at, run_id', [stream]);
    return rows.map((r) => ({ runId: String(r.run_id), mode: String(r.mode), status: String(r.status), startedAt: String(r.started_at), finishedAt: r.finished_at === null ? null : String(r.finished_at) }));
  } finally {
    await db.close();
  }
}

/** Pairs of runs whose [started_at, finished_at] intervals overlap (an unfinished run lasts forever). */
export function overlaps(runs: RunInterval[]): Array<[RunInterval, RunInterval]> {
  const out: Array<[RunInterval, RunInterval]> = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      const aEnd = a.finishedAt ?? '9999';
      const bEnd = b.finishedAt ?? '9999';
      if (a.startedAt < bEnd && b.startedAt < aEnd) out.push([a, b]);
    }
  }
  return out;
}

/** Opens the warehouse once to create it at the latest schema, so that workers starting together find it ready. */
export async function migratedWarehouse(url: string): Promise<void> {
  const db = await openDb(target(url), { create: true });
  try {
    await migrate(db, createLogger({ format: 'json', level: 'error', silent: true }));
  } finally {
    await db.close();
  }
}

const CURSORS: Array<[table: string, column: string]> = [
  ['ali1688_product', 'last_update_time'],
  ['ali1688_order', 'modify_time'],
  ['ali1688_order_refund', 'gmt_modified'],
  ['ali1688_logistics_order', 'gmt_modified'],
  ['ali1688_logistics_route', 'gmt_modified'],
];

/** Whole days [from, to) covering every cursor value of the source, and their number. */
export async function sourceDays(sourceUrl: string): Promise<{ from: string; to: string; days: number }> {
  const db = await openDb(target(sourceUrl), { readOnly: true });
  try {
    let lo = '9999';
    let hi = '0000';
    for (const [table, column] of CURSORS) {
      const [r] = await rawRows<{ lo: unknown; hi: unknown }>(db, db.dialect, `select min(${column}) as lo, max(${column}) as hi from ${table}`);
      if (r?.lo !== null && r?.lo !== undefined && String(r.lo) < lo) lo = String(r.lo);
      if (r?.hi !== null && r?.hi !== undefined && String(r.hi) > hi) hi = String(r.hi);
    }
    const from = lo.slice(0, 10);
    const last = new Date(`${hi.slice(0, 10)}T00:00:00Z`);
    last.setUTCDate(last.getUTCDate() + 1);
    const to = last.toISOString().slice(0, 10);
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
    return { from, to, days };
  } finally {
    await db.close();
  }
}

/** etl_run rows of backfill chunks. */
export async function backfillRuns(warehouseUrl: string): Promise<Array<{ stream: string; status: string; host: string; error: string | null }>> {
  const db = await openDb(target(warehouseUrl));
  try {
    const rows = await rawRows<Record<string, unknown>>(db, db.dialect, "select stream, status, host, error from etl_run where mode = 'backfill' order by run_id");
    return rows.map((r) => ({ stream: String(r.stream), status: String(r.status), host: String(r.host), error: r.error === null ? null : String(r.error) }));
  } finally {
    await db.close();
  }
}
