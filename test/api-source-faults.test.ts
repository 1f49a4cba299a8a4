// The API source on the platform's bad days: a share of calls failing and a rate limit below the
// client's rate still give the replica's rows, with the retries and throttled answers in etl_run; a run
// killed with SIGKILL mid-way and run again ends identical to an uninterrupted load; readers sharing a
// client count their own calls.
import { spawn } from 'node:child_process';
import test from 'ava';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { createApiClient } from '../sources/api/client.js';
import { ApiReader } from '../sources/api/reader.js';
import { runStreams, DEFAULT_RUN } from '../jobs/run.js';
import { openSink } from '../jobs/engine/sink.js';
import { emulated } from './emulator-helpers.js';
import { CAPPED, CLI, ROOT, target } from './helpers.js';
import { apiContext, apiReader, apiTarget, DEMO_ENV, differences, warehouseDiff } from './api-source-helpers.js';
import { contextFor, freshUrl, run } from './stream-helpers.js';

test('with 5% of calls failing and a rate limit below the client\'s rate, an API load completes with the replica\'s rows and etl_run shows the retries', async (t) => {
  const f = await emulated(t, { orders: 50, storeSeed: 13, faultRate: 0.05, faultDelayMs: 100, rateLimit: 10 });
  const whReplica = await freshUrl(t, 'SQLite', 'replica');
  const whApi = await freshUrl(t, 'SQLite', 'api');
  if (!f || !whReplica || !whApi) return;
  await run(contextFor(t, f.url, whReplica));
  const ctx = apiContext(t, f.emu.gatewayUrl, whApi);
  // 12 calls a second against a limit of 10: about one call in six is throttled, and every twentieth fails.
  const reader = apiReader(t, f.emu.gatewayUrl, { env: { HUB_API_RATE: '12', HUB_API_CONCURRENCY: '4', HUB_API_TIMEOUT: '2s' } });
  const { sink, release } = await openSink(ctx);
  const runs = await runStreams(ctx, { streams: [], mode: 'incremental', ...DEFAULT_RUN }, { reader, sink, release });
  await release();
  t.true(runs.every((r) => r.status === 'succeeded'));
  t.deepEqual(differences(await warehouseDiff(whReplica, whApi)), []);

  const faults = Object.values(f.emu.stats.byOperation).reduce((n, m) => n + Object.entries(m).filter(([k]) => k.startsWith('fault:')).reduce((a, [, v]) => a + v, 0), 0);
  const limited = Object.values(f.emu.stats.byOperation).reduce((n, m) => n + (m['gw.QosAppFrequencyLimit'] ?? 0), 0);
  t.true(faults > 0 && limited > 0, `faults ${faults}, throttled ${limited}`);
  const db = await openDb(target(whApi));
  t.teardown(() => db.close());
  const [sum] = await rawRows<{ calls: unknown; retries: unknown; throttled: unknown }>(db, db.dialect, 'select sum(api_calls) as calls, sum(api_retries) as retries, sum(api_throttled) as throttled from etl_run');
  // Every fault and throttled answer was retried and is counted in a run, save those of the clock read that
  // precedes the runs (a currentTime call, outside any run).
  const clock = f.emu.stats.byOperation.currentTime ?? {};
  const clockTrouble = Object.entries(clock).filter(([k]) => k !== 'ok').reduce((a, [, v]) => a + v, 0);
  const clockCalls = Object.values(clock).reduce((a, v) => a + v, 0);
  t.true(Number(sum!.throttled) > 0 && Number(sum!.throttled) <= limited && Number(sum!.throttled) >= limited - clockTrouble, `throttled ${Number(sum!.throttled)} of ${limited}`);
  t.true(Number(sum!.retries) <= faults + limited && Number(sum!.retries) >= faults + limited - clockTrouble, `retries ${Number(sum!.retries)} of ${faults + limited}`);
  t.true(Number(sum!.calls) <= reader.stats().calls && Number(sum!.calls) >= reader.stats().calls - clockCalls);
  t.log(`${Number(sum!.calls)} calls, ${faults} faults, ${limited} throttled`);
});

/** `hub-etl run` through the API, killed with SIGKILL after its first committed batch of orders. */
function runUntilFirstOrderBatch(env: Record<string, string>): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CAPPED, CLI, 'run', '--batch-size', '10'], { cwd: ROOT, env: { ...process.env, ...env, HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/"message":"batch committed"[^\n]*"stream":"orders"|"stream":"orders"[^\n]*"message":"batch committed"/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', stderr }));
  });
}

test('an API run killed with SIGKILL after its first batch of orders, then run again, ends identical to an uninterrupted API load', async (t) => {
  const f = await emulated(t, { orders: 150, storeSeed: 17 });
  const whRef = await freshUrl(t, 'SQLite', 'reference');
  const whKilled = await freshUrl(t, 'SQLite', 'killed');
  if (!f || !whRef || !whKilled) return;
  await run(apiContext(t, f.emu.gatewayUrl, whRef));

  const env = { ...DEMO_ENV, HUB_SOURCE_URL: f.emu.gatewayUrl, HUB_WAREHOUSE_URL: whKilled, HUB_API_RATE: '200' };
  const killed = await runUntilFirstOrderBatch(env);
  t.true(killed.killed, killed.stderr.slice(-2000));
  const db = await openDb(target(whKilled));
  t.teardown(() => db.close());
  const [loaded] = await rawRows<{ n: unknown }>(db, db.dialect, 'select count(*) as n from fct_order');
  const [stored] = await rawRows<{ n: unknown }>(f.db, f.db.dialect, 'select count(*) as n from ali1688_order');
  t.true(Number(loaded!.n) > 0 && Number(loaded!.n) < Number(stored!.n), `killed part-way: ${Number(loaded!.n)} of ${Number(stored!.n)} orders loaded`);

  await run(apiContext(t, f.emu.gatewayUrl, whKilled));
  // Nothing lost, nothing twice: every column of every contract table as the uninterrupted load has it.
  t.deepEqual(differences(await warehouseDiff(whRef, whKilled, {})), []);
  const [after] = await rawRows<{ n: unknown }>(db, db.dialect, 'select count(*) as n from fct_order');
  t.is(Number(after!.n), Number(stored!.n));
});

test('readers sharing one API client each count only their own calls, retries and throttled answers', async (t) => {
  const f = await emulated(t, { orders: 40, storeSeed: 19, faultRate: 0.1, faultDelayMs: 50 });
  if (!f) return;
  const logger = createLogger({ format: 'json', level: 'error', silent: true });
  const shared = createApiClient(apiTarget(f.emu.gatewayUrl), logger, { backoffBaseMs: 5, backoffCapMs: 50 });
  t.teardown(() => shared.close());
  const a = new ApiReader(shared, 'Asia/Shanghai', logger);
  const b = new ApiReader(shared, 'Asia/Shanghai', logger);
  const w = { from: null, to: '2024-05-31 00:00:00', toInclusive: false };
  const drain = async (r: ApiReader, stream: string) => {
    let n = 0;
    for await (const batch of r.units(stream, w, { batchSize: 50 })) n += batch.length;
    return n;
  };
  const [na, nb] = await Promise.all([drain(a, 'orders'), drain(b, 'shipment_events')]);
  t.true(na > 0 && nb > 0);
  const [sa, sb, all] = [a.stats(), b.stats(), shared.stats()];
  t.true(sa.calls > 0 && sb.calls > 0);
  t.is(sa.calls + sb.calls, all.calls);
  t.is(sa.retries + sb.retries, all.retries);
  t.true(all.retries > 0, 'faults were retried');
});
