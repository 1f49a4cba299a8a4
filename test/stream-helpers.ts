// Helpers for stream tests: a generated store plus a warehouse, both owned by the test.
import type { ExecutionContext } from 'ava';
import { loadConfig } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { warehouseChecksums, type TableChecksum } from '../jobs/checksum.js';
import { DEFAULT_RUN, runStreams, type RunOptions } from '../jobs/run.js';
import type { RunSummary } from '../jobs/engine/engine.js';
import { freshWarehouseUrl, runCli, target, TEST_PII_KEY, type Warehouse } from './helpers.js';

/** A database that can be a source (a replica) as well as a warehouse. */
export type Backend = 'SQLite' | 'MariaDB';
export const BACKENDS: Backend[] = ['SQLite', 'MariaDB'];

/**
 * A source and the warehouse it loads into: each backend into its own kind, and a SQLite source (the
 * cheapest) into PostgreSQL, which is a warehouse only.
 */
export interface Pair { source: Backend; warehouse: Warehouse; name: string }
export const PAIRS: Pair[] = [
  { source: 'SQLite', warehouse: 'SQLite', name: 'SQLite' },
  { source: 'MariaDB', warehouse: 'MariaDB', name: 'MariaDB' },
  { source: 'SQLite', warehouse: 'PostgreSQL', name: 'SQLite into PostgreSQL' },
];

/** A fresh database URL of the kind, or null (the test failed) when its server is not answering: register the test with testWith(kind). */
export async function freshUrl(t: ExecutionContext, kind: Backend | Warehouse, name: string): Promise<string | null> {
  return freshWarehouseUrl(t, kind, name);
}

/** Runs `hub-etl generate` (or any generator arguments) against a source URL; fails the test on error. */
export async function generate(t: ExecutionContext, sourceUrl: string, args: string[]): Promise<void> {
  const r = await runCli(['generate', ...args], { env: { HUB_SOURCE_URL: sourceUrl } });
  if (r.code !== 0) throw new Error(`generate ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
  t.log?.(r.stdout.trim().split('\n').slice(-1)[0] ?? '');
}

export function contextFor(t: ExecutionContext, sourceUrl: string, warehouseUrl: string): Context {
  const config = loadConfig({ source: sourceUrl, warehouse: warehouseUrl, piiKey: TEST_PII_KEY }, {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  return ctx;
}

export async function run(ctx: Context, opts: Partial<RunOptions> = {}): Promise<RunSummary[]> {
  return runStreams(ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN, ...opts });
}

export async function checksums(url: string): Promise<TableChecksum[]> {
  const db = await openDb(target(url));
  try {
    return await warehouseChecksums(db);
  } finally {
    await db.close();
  }
}

/** A writable handle on a test's own source, for planting late rows and bad rows. */
export async function writableSource(t: ExecutionContext, url: string): Promise<Db> {
  const db = await openDb(target(url));
  t.teardown(() => db.close());
  return db;
}

export async function count(db: Db, sql: string, bind: unknown[] = []): Promise<number> {
  const [r] = await rawRows<{ n: unknown }>(db, db.dialect, sql, bind);
  return Number(r?.n ?? 0);
}
