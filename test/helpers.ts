// Shared test helpers: each test owns a database, a SQLite file or a folder, and removes it.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext, type ImplementationFn, type TestFn } from 'ava';
import { Redis } from 'ioredis';
import knexFactory from 'knex';
import { HEAP_CAP_MB } from '../cli/launch.js';
import { parseDbUrl, type DbTarget } from '../lib/config.js';

/**
 * The key of the buyer hashes in tests that compare warehouses loaded apart: without it each warehouse
 * generates its own key, and the same buyer gets another buyer_key in each (by design).
 */
export const TEST_PII_KEY = 'hub-etl-tests-key-of-the-buyer-hashes-0001';

export const MYSQL_ROOT = process.env.HUB_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** Project root (tests run from dist/test). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');
/**
 * Node arguments that start the CLI already capped, so that it does the work itself instead of standing
 * in for a capped child (cli/launch.ts): one process per command (half the start-up cost), and a kill
 * hits the process doing the work. Tests of the launcher itself spawn CLI without them.
 */
export const CAPPED = [`--max-old-space-size=${HEAP_CAP_MB}`];

/** knex's log for the availability probes: a refused connection is an answer, not a warning to print. */
const QUIET = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };

let mysqlAvailable: Promise<boolean> | undefined;

/** Whether a knex connection answers `select 1` (no retries: an answer now or false). */
async function answers(client: 'mysql2' | 'pg', connection: Record<string, unknown>): Promise<boolean> {
  const k = knexFactory({ client, connection, pool: { min: 0, max: 1 }, log: QUIET });
  try {
    await k.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await k.destroy();
  }
}

/** True when MariaDB answers. Under CI=true a missing MariaDB fails the test instead of skipping it. */
export async function mysqlUp(): Promise<boolean> {
  mysqlAvailable ??= answers('mysql2', mysqlConnection());
  return mysqlAvailable;
}

function mysqlConnection() {
  const u = new URL(MYSQL_ROOT);
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) };
}

/** Call at the top of a MariaDB test (registered with testWith): false, and the test failed, when MariaDB is not answering. */
export async function needMysql(t: ExecutionContext): Promise<boolean> {
  return (await mysqlUp()) || missing(t, 'mysql', `MariaDB is not answering at ${MYSQL_ROOT}`);
}

export const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redisAvailable: Promise<boolean> | undefined;

/** True when the Redis at `url` answers PING (no retries: an answer now or false). */
export async function pong(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** True when the tests' Redis answers PING. */
export async function redisUp(): Promise<boolean> {
  redisAvailable ??= pong(REDIS_URL);
  return redisAvailable;
}

/** Call at the top of a Redis test (registered with testWith): false, and the test failed, when Redis is not answering. */
export async function needRedis(t: ExecutionContext): Promise<boolean> {
  return (await redisUp()) || missing(t, 'redis', `Redis is not answering at ${REDIS_URL}`);
}

/** A fresh MariaDB database owned by this test, dropped when the test ends. Returns its URL. */
export async function tempMysqlDb(t: ExecutionContext, prefix = 'hubtest'): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const k = knexFactory({ client: 'mysql2', connection: mysqlConnection(), pool: { min: 0, max: 1 } });
  await k.raw(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  await k.destroy();
  t.teardown(async () => {
    const d = knexFactory({ client: 'mysql2', connection: mysqlConnection(), pool: { min: 0, max: 1 } });
    await d.raw(`drop database if exists \`${name}\``);
    await d.destroy();
  });
  return `${MYSQL_ROOT.replace(/\/$/, '')}/${name}`;
}

export const PG_ROOT = process.env.HUB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
let pgAvailable: Promise<boolean> | undefined;

function pgConnection(database = 'postgres') {
  const u = new URL(PG_ROOT);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password), database };
}

/** True when PostgreSQL answers. */
export async function postgresUp(): Promise<boolean> {
  pgAvailable ??= answers('pg', pgConnection());
  return pgAvailable;
}

/** Call at the top of a PostgreSQL test (registered with testWith): false, and the test failed, when PostgreSQL is not answering. */
export async function needPostgres(t: ExecutionContext): Promise<boolean> {
  return (await postgresUp()) || missing(t, 'postgres', `PostgreSQL is not answering at ${PG_ROOT}`);
}

/** A fresh PostgreSQL database owned by this test, dropped when the test ends. Returns its URL. */
export async function tempPostgresDb(t: ExecutionContext, prefix = 'hubtest'): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`.toLowerCase();
  const k = knexFactory({ client: 'pg', connection: pgConnection(), pool: { min: 0, max: 1 } });
  await k.raw(`create database "${name}" encoding 'UTF8' template template0`);
  await k.destroy();
  t.teardown(async () => {
    const d = knexFactory({ client: 'pg', connection: pgConnection(), pool: { min: 0, max: 1 } });
    // Connections a crashed child left open would block the drop.
    await d.raw(`drop database if exists "${name}" with (force)`);
    await d.destroy();
  });
  return `${PG_ROOT.replace(/\/$/, '')}/${name}`;
}

// --- services a test needs: skipped outside CI when one is missing, failed under CI=true ---

/** A server or program some tests need. */
export type Service = 'mysql' | 'redis' | 'postgres' | 'rabbitmq' | 'chromium' | 'soffice' | `tool:${string}` | 'private-mariadb';
/** What a test may declare it needs: a service, or a database kind (SQLite needs nothing). */
export type Need = Service | Warehouse;

const SERVICE_OF: Record<Warehouse, Service | null> = { SQLite: null, MariaDB: 'mysql', PostgreSQL: 'postgres' };
const ON_CI = process.env.CI === 'true';
const ANSWERS = new Map<Service, boolean>();

/** Records whether a service is there, for testWith (helper modules do it for the services they probe). */
export function serviceThere(service: Service, there: boolean): void {
  ANSWERS.set(service, there);
}

// Asked once, when the test file loads, so that tests can be registered as skipped. Under CI=true every
// test runs (and fails when its service is missing), so nothing is asked.
if (!ON_CI) {
  const [m, r, p] = await Promise.all([mysqlUp(), redisUp(), postgresUp()]);
  serviceThere('mysql', m);
  serviceThere('redis', r);
  serviceThere('postgres', p);
}

type Register<C> = (title: string, impl: ImplementationFn<[], C>) => void;
export type ServiceTestFn<C = unknown> = Register<C> & { serial: Register<C> };

/**
 * ava's `test` for a test that needs these services or database kinds. Outside CI, when one is missing,
 * the test is registered as skipped (its title says what is missing), so that the run reports it
 * skipped instead of passing; under CI=true it runs, and the needX call at its top fails it.
 */
export function testWith<C = unknown>(...needs: Need[]): ServiceTestFn<C> {
  const run = test as unknown as TestFn<C>;
  if (ON_CI) return run;
  const absent = [...new Set(needs.map((n) => (n in SERVICE_OF ? SERVICE_OF[n as Warehouse] : (n as Service))))].filter((s): s is Service => {
    if (s === null) return false;
    if (s.startsWith('tool:') && !ANSWERS.has(s)) serviceThere(s, spawnSync('sh', ['-c', `command -v ${s.slice(5)}`]).status === 0);
    const there = ANSWERS.get(s);
    if (there === undefined) throw new Error(`testWith: nothing has asked whether ${s} is there (import the helper module that does)`);
    return !there;
  });
  if (absent.length === 0) return run;
  const why = ` [skipped: no ${absent.join(', ')}]`;
  return Object.assign((title: string, impl: ImplementationFn<[], C>) => run.skip(title + why, impl), {
    serial: (title: string, impl: ImplementationFn<[], C>) => run.serial.skip(title + why, impl),
  });
}

/**
 * A need found missing inside a test: always a failure. Under CI=true the service is required; outside
 * CI the test should have been registered with testWith, which skips it, so reaching here means it was not.
 */
export function missing(t: ExecutionContext, service: Service, what: string): false {
  t.fail(ON_CI
    ? `${what}; CI requires it (run scripts/services.sh)`
    : `${what}: register this test with testWith('${service}') (test/helpers.ts) so that it is reported as skipped`);
  return false;
}

/** The warehouses every conformance test runs on. */
export type Warehouse = 'SQLite' | 'MariaDB' | 'PostgreSQL';
export const WAREHOUSES: Warehouse[] = ['SQLite', 'MariaDB', 'PostgreSQL'];

/** A fresh warehouse URL of the kind, or null (the test failed) when its server is not answering: register the test with testWith(kind). */
export async function freshWarehouseUrl(t: ExecutionContext, kind: Warehouse, name: string): Promise<string | null> {
  if (kind === 'SQLite') return tempSqliteUrl(t, `${name}.db`);
  if (kind === 'MariaDB') return (await needMysql(t)) ? tempMysqlDb(t, `hub_${name}`) : null;
  return (await needPostgres(t)) ? tempPostgresDb(t, `hub_${name}`) : null;
}

/** A fresh folder owned by this test, removed when it ends. */
export function tempDir(t: ExecutionContext, prefix = 'hub-etl-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A SQLite URL in a fresh folder owned by this test. */
export function tempSqliteUrl(t: ExecutionContext, name = 'db.sqlite'): string {
  return `sqlite:${path.join(tempDir(t), name)}`;
}

export function target(url: string): DbTarget {
  const parsed = parseDbUrl(url, 'test');
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

export interface CliResult { code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null }

/** Runs the built hub-etl CLI in a child process (capped: no launcher in between). */
export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HUB_LOG_FORMAT: 'json' };
    for (const key of ['HUB_SOURCE_URL', 'HUB_WAREHOUSE_URL', 'HUB_REDIS_URL', 'HUB_QUEUE_PREFIX', 'HUB_SOURCE_TZ', 'HUB_DATA_DIR', 'HUB_API_TZ', 'HUB_STORE_TZ', 'HUB_KEEP_BUYER_IDS', 'HUB_INVOICE_REGISTRATION']) delete env[key];
    // Warehouses loaded apart compare equal only under one key of the buyer hashes (a test may set its own).
    env.HUB_PII_KEY = TEST_PII_KEY;
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [...CAPPED, CLI, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
  });
}
