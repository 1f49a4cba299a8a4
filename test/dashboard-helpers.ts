// Helpers for dashboard tests: a headless Chromium (Debian's, driven by playwright-core) and a live dashboard on a test's own store, warehouse and queues.
import fs from 'node:fs';
import type { ExecutionContext } from 'ava';
import { chromium, type Browser } from 'playwright-core';
import { startDashboard, type Dashboard, type DashboardOptions } from '../jobs/dashboard/server.js';
import type { Context } from '../jobs/context.js';
import { freshWarehouseUrl, missing, serviceThere, tempSqliteUrl, type Warehouse } from './helpers.js';
import { queueContext, queuePrefix } from './queue-helpers.js';
import { generate, run } from './stream-helpers.js';

export const CHROMIUM = process.env.HUB_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

serviceThere('chromium', fs.existsSync(CHROMIUM));

/** Call at the top of a browser test (registered with testWith('chromium')): false, and the test failed, without Chromium. */
export function needChromium(t: ExecutionContext): boolean {
  return fs.existsSync(CHROMIUM) || missing(t, 'chromium', `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
}

/** A headless browser closed when the test ends. */
export async function browser(t: ExecutionContext): Promise<Browser> {
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  t.teardown(() => b.close());
  return b;
}

export interface LiveDashboard { ctx: Context; dash: Dashboard; source: string; warehouse: string; prefix: string }

/**
 * A generated store loaded once into a warehouse (SQLite unless told), and a dashboard over it on a free
 * port, closed when the test ends; null (the test failed) when the warehouse's server is not answering: register the test with testWith(kind).
 */
export async function liveDashboard(t: ExecutionContext, opts?: DashboardOptions, orders?: number): Promise<LiveDashboard>;
export async function liveDashboard(t: ExecutionContext, opts: DashboardOptions, orders: number, kind: Warehouse): Promise<LiveDashboard | null>;
export async function liveDashboard(t: ExecutionContext, opts: DashboardOptions = {}, orders = 150, kind: Warehouse = 'SQLite'): Promise<LiveDashboard | null> {
  const source = tempSqliteUrl(t, 'source.db');
  const warehouse = await freshWarehouseUrl(t, kind, 'dash');
  if (!warehouse) return null;
  const prefix = queuePrefix(t);
  await generate(t, source, ['--orders', String(orders), '--seed', '61']);
  const ctx = queueContext(t, { source, warehouse, prefix });
  await run(ctx);
  const dash = await startDashboard(ctx, { port: 0, credentials: null, ...opts });
  t.teardown(() => dash.close());
  return { ctx, dash, source, warehouse, prefix };
}
