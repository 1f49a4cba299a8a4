// The demo: a synthetic store (new, or moved a day forward), the warehouse, a run, status and verify,
// in one go on whatever the configuration says (the embedded SQLite default when nothing is set). What only
// the 1688 API has comes through the API emulator on the same store when no API is configured.
import fs from 'node:fs';
import { DEFAULT_API_MAX_ATTEMPTS, type ApiTarget } from '../lib/api-config.js';
import { describeTarget } from '../lib/config.js';
import type { Context } from './context.js';
import type { ApiClient } from '../sources/api/client.js';
import { openDb } from '../lib/db.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { isSynthetic } from '../sources/replica.js';
import { startEmulator } from './emulate-api.js';
import { generate, type GenerateResult } from './generate.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { runStreamsExclusive } from './lock.js';
import { DEFAULT_RUN } from './run.js';
import type { RunSummary } from './engine/engine.js';
import { readSourceClock, warehouseStatus, type WarehouseStatus } from './status.js';
import { verify, type VerifyResult } from './verify.js';

export interface DemoResult {
  generated: GenerateResult;
  schemaVersion: number;
  runs: RunSummary[];
  runSeconds: number;
  status: WarehouseStatus;
  verify: VerifyResult;
  /** The API emulator the run read the API-only streams through (none when an API is configured): its URL and calls served. */
  emulator: { url: string; calls: number } | null;
}

/** A context like `ctx` whose API is an emulator on the demo's own store, and how to stop both. */
interface DemoApi { ctx: Context; url: string; calls(): number; close(): Promise<void> }

/**
 * Starts the emulator in-process on the demo's store (demo credentials) when no API is configured, so that
 * the run loads the API-only dimensions too. A local emulator takes calls as fast as they come.
 */
async function demoApi(ctx: Context): Promise<DemoApi | null> {
  const source = ctx.config.source;
  if (ctx.config.api || source.kind === 'api') return null;
  const emulator = await startEmulator({ store: source, logger: ctx.logger });
  const c = emulator.credentials;
  const target: ApiTarget = {
    kind: 'api', transport: 'aop', baseUrl: emulator.url, url: emulator.gatewayUrl,
    appKey: c.appKey, appSecret: c.appSecret, accessToken: c.accessToken, refreshToken: c.refreshToken,
    ratePerSecond: 1000, concurrency: 8, timeoutMs: 30_000, maxAttempts: DEFAULT_API_MAX_ATTEMPTS, popActions: {},
  };
  let client: Promise<ApiClient> | undefined;
  const api = () => (client ??= import('../sources/api/client.js').then((m) => m.createApiClient(target, ctx.logger)));
  return {
    ctx: { ...ctx, config: { ...ctx.config, api: target }, api },
    url: emulator.url,
    calls: () => emulator.stats.total,
    async close() {
      await client?.then((x) => x.close(), () => undefined);
      await emulator.close();
    },
  };
}

/** True when the source already holds a store made by `hub-etl generate`. */
async function hasSyntheticStore(ctx: Context): Promise<boolean> {
  const source = ctx.config.source;
  if (source.kind === 'api') return false; // generate then says the demo needs a replica database
  const file = DIALECTS[source.kind].file(source);
  if (file && !fs.existsSync(file)) return false;
  const db = await openDb(source, { readOnly: true, create: false }).catch(() => null);
  if (!db) return false;
  try {
    return await isSynthetic(db);
  } finally {
    await db.close();
  }
}

export async function demo(ctx: Context, opts: { orders: number }): Promise<DemoResult> {
  const existing = await hasSyntheticStore(ctx);
  const generated = existing ? await generate(ctx, { advance: true }) : await generate(ctx, { orders: opts.orders });
  const wh = await ctx.warehouse();
  const schema = await migrate(wh, ctx.logger);
  const started = Date.now();
  const api = await demoApi(ctx);
  let runs: RunSummary[];
  try {
    runs = await runStreamsExclusive(api?.ctx ?? ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN });
  } finally {
    await api?.close();
  }
  const runSeconds = (Date.now() - started) / 1000;
  return {
    emulator: api ? { url: api.url, calls: api.calls() } : null,
    generated,
    schemaVersion: schema.current,
    runs,
    runSeconds,
    status: await warehouseStatus(wh, new Date(), await readSourceClock(ctx)),
    verify: await verify(await ctx.source(), wh, { zones: ctx.config }),
  };
}

export function demoHeadline(ctx: Context, r: DemoResult): string[] {
  const g = r.generated;
  const sum = (k: 'rowsRead' | 'rowsUpserted' | 'rowsUnchanged' | 'rowsRejected') => r.runs.reduce((a, x) => a + x[k], 0).toLocaleString('en-US');
  return [
    g.created
      ? `1. source     created a synthetic 1688 store: ${g.newOrders.toLocaleString('en-US')} orders, simulated ${g.from} → ${g.to} (${g.zone}), in ${describeTarget(ctx.config.source)}`
      : `1. source     moved the synthetic store a day forward to ${g.to}: ${g.newOrders.toLocaleString('en-US')} new orders and the day's payments, shipments, refunds and edits`,
    `2. warehouse  ${describeTarget(ctx.config.warehouse)} at schema version ${r.schemaVersion}`,
    `3. run        ${r.runs.length} streams ${g.created ? '(first load)' : '(incremental)'} in ${r.runSeconds.toFixed(1)} s: read ${sum('rowsRead')}, upserted ${sum('rowsUpserted')}, unchanged ${sum('rowsUnchanged')}, rejected ${sum('rowsRejected')}`,
    ...(r.emulator
      ? [`             freight templates, ship-from addresses, store categories and category attributes through the API emulator on the same store (${r.emulator.url}, ${r.emulator.calls} calls)`]
      : []),
  ];
}
