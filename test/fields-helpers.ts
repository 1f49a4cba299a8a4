// End-to-end loads for the warehouse version 8 tests: a generated store, loaded through a source (the
// replica, or the 1688 API served by the emulator over the same store) into a warehouse of a backend.
// Every end-to-end test runs through the replica and through the API (its emulator on the same store); HUB_TEST_SOURCES narrows it.
import type { ExecutionContext } from 'ava';
import { loadConfig, type GlobalFlags } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { DEMO_CREDENTIALS, startEmulator, type Emulator } from '../jobs/emulate-api.js';
import { DEFAULT_RUN, runStreams } from '../jobs/run.js';
import type { RunSummary } from '../jobs/engine/engine.js';
import { gen } from './generate-helpers.js';
import type { Warehouse } from './helpers.js';
import { freshUrl, type Backend } from './stream-helpers.js';

export type SourceKind = 'replica' | 'api';

/** The sources the end-to-end tests load through (HUB_TEST_SOURCES, comma-separated, narrows it; default both). */
export const SOURCES: SourceKind[] = (process.env.HUB_TEST_SOURCES ?? 'replica,api').split(',').map((s) => s.trim()).filter((s): s is SourceKind => s === 'replica' || s === 'api');

/**
 * The backends each source runs on: the replica on every one, the API (through its emulator, CPU-bound and
 * minutes per store) on SQLite only unless HUB_TEST_API_BACKENDS=all; the emulator's MariaDB reads are
 * covered by the emulator tests.
 */
export function backendsOf(source: SourceKind, all: readonly Backend[]): readonly Backend[] {
  return source === 'api' && process.env.HUB_TEST_API_BACKENDS !== 'all' ? all.filter((b) => b === 'SQLite') : all;
}

export interface LoadOptions {
  source: SourceKind;
  /** The store's database, and the warehouse's unless `warehouse` says otherwise. */
  backend: Backend;
  /** The warehouse's kind (default: the backend's). */
  warehouse?: Warehouse;
  orders: number;
  seed: number;
  /** Zone the store's replica columns are written in (the generator's --source-tz). */
  storeTz?: string;
  /** Global flags of the load (zones, personal-data settings). */
  flags?: GlobalFlags;
  /** Reuse a store generated before (its URL) instead of generating one. */
  storeUrl?: string;
  name?: string;
}

export interface Loaded {
  ctx: Context;
  /** The generated store (the replica, which the emulator serves for the API source). */
  storeUrl: string;
  warehouseUrl: string;
  wh: Db;
  runs: RunSummary[];
  /** The emulator the API source read (source 'api' only). */
  emulator?: Emulator;
}

/** Generates a store (unless given), loads every stream into a fresh warehouse; null when a server it needs is not there. */
export async function loadStore(t: ExecutionContext, o: LoadOptions): Promise<Loaded | null> {
  const name = o.name ?? 'f8';
  const storeUrl = o.storeUrl ?? (await freshUrl(t, o.backend, `${name}src`));
  const warehouseUrl = await freshUrl(t, o.warehouse ?? o.backend, `${name}wh`);
  if (!storeUrl || !warehouseUrl) return null;
  if (!o.storeUrl) await gen(t, storeUrl, { orders: o.orders, seed: o.seed }, o.storeTz);
  let source = storeUrl;
  let api: GlobalFlags = {};
  let emulator: Emulator | undefined;
  if (o.source === 'api') {
    const emu = await startEmulator({ store: storeUrl });
    emulator = emu;
    t.teardown(() => emu.close());
    source = emu.gatewayUrl;
    // A test's call rate (the emulator has no limit): at the default 10 calls/s a 1,500-order store takes minutes.
    api = {
      apiAppKey: DEMO_CREDENTIALS.appKey, apiAppSecret: DEMO_CREDENTIALS.appSecret, apiAccessToken: DEMO_CREDENTIALS.accessToken, apiRefreshToken: DEMO_CREDENTIALS.refreshToken,
      apiRate: '1000', apiConcurrency: '8',
    };
  }
  const config = loadConfig({ source, warehouse: warehouseUrl, ...(o.storeTz ? { sourceTz: o.storeTz } : {}), ...api, ...o.flags }, {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  // No safety lag: the simulated clock stands still, so the whole store is in the window.
  const runs = await runStreams(ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN, safetyLagMs: 0 });
  return { ctx, storeUrl, warehouseUrl, wh: await ctx.warehouse(), runs, ...(emulator ? { emulator } : {}) };
}

/** Every row of a query with its values as text (ids and decimals exact), null as null. */
export async function textRows(db: Db, sql: string, bind: unknown[] = []): Promise<Array<Record<string, string | null>>> {
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, sql, bind);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
}

export async function scalar(db: Db, sql: string, bind: unknown[] = []): Promise<number> {
  const [r] = await rawRows<{ n: unknown }>(db, db.dialect, sql, bind);
  return Number(r?.n ?? 0);
}
