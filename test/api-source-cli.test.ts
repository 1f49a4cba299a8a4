// The API source through the hub-etl command: credentials the platform refuses stop the run with exit 2
// and a message naming the app key and what to fix (never a secret or a token); an access token that
// expires mid-run is refreshed unnoticed; status shows the calls; fetch reads through HUB_API_URL.
import fs from 'node:fs';
import test from 'ava';
import { startEmulator } from '../jobs/emulate-api.js';
import { rawRows } from '../lib/db.js';
import { runCli, tempSqliteUrl } from './helpers.js';
import { DEMO_ENV } from './api-source-helpers.js';
import { count, generate, writableSource } from './stream-helpers.js';

const CREDS = { appKey: 'seller-app-7', appSecret: 'sEcReT-0f1e2d3c', accessToken: 'AcCeSs-9a8b7c6d', refreshToken: 'ReFrEsH-5e4f3a2b' };
const env = (c: typeof CREDS) => ({ HUB_API_APP_KEY: c.appKey, HUB_API_APP_SECRET: c.appSecret, HUB_API_ACCESS_TOKEN: c.accessToken, HUB_API_REFRESH_TOKEN: c.refreshToken });

async function store(t: Parameters<typeof tempSqliteUrl>[0], orders: number, seed: number): Promise<string> {
  const url = tempSqliteUrl(t, 'store.db');
  await generate(t, url, ['--orders', String(orders), '--seed', String(seed)]);
  return url;
}

const REFUSALS: Array<{ name: string; pop?: boolean; creds: typeof CREDS; names: RegExp; fix: RegExp }> = [
  { name: 'a wrong app secret (bad signature)', creds: { ...CREDS, appSecret: 'WrOnG-s3cr3t-77' }, names: /app key seller-app-7/, fix: /HUB_API_APP_SECRET/ },
  { name: 'a wrong app secret over POP', pop: true, creds: { ...CREDS, appSecret: 'WrOnG-s3cr3t-77' }, names: /seller-app-7/, fix: /HUB_API_APP_SECRET/ },
  { name: 'an unknown app key', creds: { ...CREDS, appKey: 'no-such-app-9' }, names: /app key no-such-app-9/, fix: /HUB_API_APP_KEY/ },
  { name: 'a wrong access token', creds: { ...CREDS, accessToken: 'WrOnG-t0ken-55' }, names: /app key seller-app-7/, fix: /HUB_API_ACCESS_TOKEN/ },
];

for (const r of REFUSALS) {
  test(`hub-etl run with ${r.name} exits 2 naming the app key and what to fix, without a secret or token`, async (t) => {
    const src = await store(t, 30, 3);
    const emu = await startEmulator({ store: src, credentials: CREDS });
    t.teardown(() => emu.close());
    const res = await runCli(['run', '--stream', 'orders'], {
      env: { ...env(r.creds), HUB_SOURCE_URL: r.pop ? emu.popUrl : emu.gatewayUrl, HUB_WAREHOUSE_URL: tempSqliteUrl(t, 'wh.db') },
    });
    t.is(res.code, 2, res.stderr);
    const last = res.stderr.trim().split('\n').pop()!;
    t.regex(last, /^hub-etl: /);
    t.regex(last, r.names);
    t.regex(last, r.fix);
    for (const secret of [r.creds.appSecret, r.creds.accessToken, r.creds.refreshToken, CREDS.appSecret, CREDS.accessToken, CREDS.refreshToken]) {
      t.false(res.stderr.includes(secret) || res.stdout.includes(secret), `${secret} shown`);
    }
  });
}

test('an access token that expires mid-run is refreshed without the run noticing, and status shows the calls of each run', async (t) => {
  const src = await store(t, 80, 4);
  const emu = await startEmulator({ store: src, credentials: CREDS, expireTokensAfterMs: 1500 });
  t.teardown(() => emu.close());
  const wh = tempSqliteUrl(t, 'wh.db');
  const cfg = { ...env(CREDS), HUB_SOURCE_URL: emu.gatewayUrl, HUB_WAREHOUSE_URL: wh, HUB_API_RATE: '200' };
  const res = await runCli(['run', '--json'], { env: cfg });
  t.is(res.code, 0, res.stderr.slice(-3000));
  const runs = JSON.parse(res.stdout) as Array<{ stream: string; status: string; api?: { calls: number } }>;
  t.true(runs.every((x) => x.status === 'succeeded' && (x.api?.calls ?? 0) > 0));
  t.true((emu.stats.byOperation['system.oauth2.getToken']?.ok ?? 0) >= 1, JSON.stringify(emu.stats.byOperation['system.oauth2.getToken']));
  const expired = Object.values(emu.stats.byOperation).reduce((n, m) => n + (m['gw.AccessTokenExpired'] ?? 0), 0);
  t.true(expired >= 1, 'the gateway said the token had expired');
  for (const secret of [CREDS.appSecret, CREDS.accessToken, CREDS.refreshToken]) t.false(res.stderr.includes(secret));

  const status = await runCli(['status', '--json'], { env: cfg });
  t.is(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { streams: Array<{ stream: string; lastRun: { api: { calls: number; retries: number; throttled: number } | null } }>; sourceClockError?: string };
  t.is(s.sourceClockError, undefined);
  t.true(s.streams.every((x) => x.lastRun.api !== null && x.lastRun.api.calls > 0));
  const text = await runCli(['status'], { env: cfg });
  t.regex(text.stdout.split('\n')[0]!, /api calls +retries +throttled/);
});

test('hub-etl fetch --order reads through HUB_API_URL beside a replica source: the order whole, and never an older copy over a newer one', async (t) => {
  const src = await store(t, 150, 5);
  // The API serves the store as it was; the replica then moves a day on.
  const oldCopy = tempSqliteUrl(t, 'old.db');
  fs.copyFileSync(src.slice('sqlite:'.length), oldCopy.slice('sqlite:'.length));
  const emu = await startEmulator({ store: oldCopy });
  t.teardown(() => emu.close());
  await generate(t, src, ['--advance', '--days', '1']);
  const old = await writableSource(t, oldCopy);
  const now = await writableSource(t, src);
  const cfg = (wh: string) => ({ ...DEMO_ENV, HUB_SOURCE_URL: src, HUB_API_URL: emu.gatewayUrl, HUB_WAREHOUSE_URL: wh });

  // An order with a refund and a shipment, loaded whole from the API into an empty warehouse.
  const [pick] = await rawRows<{ o: unknown }>(old, old.dialect, 'select r.order_ld as o from ali1688_order_refund r join ali1688_logistics_order l on l.order_id = cast(r.order_ld as text) limit 1');
  const order = String(pick!.o);
  const wh1 = tempSqliteUrl(t, 'wh1.db');
  const r1 = await runCli(['fetch', '--order', order, '--json'], { env: cfg(wh1) });
  t.is(r1.code, 0, r1.stderr);
  const out = JSON.parse(r1.stdout) as { source: string; runs: Array<{ stream: string; api?: { calls: number } }>; missing: string[] };
  t.regex(out.source, new RegExp(`${emu.url.replace(/[.:/]/g, '\\$&')} \\(app key demo-app\\)`));
  t.deepEqual(out.missing, []);
  t.true(out.runs.every((x) => (x.api?.calls ?? 0) > 0), JSON.stringify(out.runs));
  const w1 = await writableSource(t, wh1);
  t.is(await count(w1, 'select count(*) as n from fct_order'), 1);
  t.is(await count(w1, 'select count(*) as n from fct_order_line'), await count(old, 'select count(*) as n from ali1688_order_line where order_id = ?', [BigInt(order)]));
  t.is(await count(w1, 'select count(*) as n from fct_refund'), await count(old, 'select count(*) as n from ali1688_order_refund where order_ld = ?', [BigInt(order)]));
  t.is(await count(w1, 'select count(*) as n from fct_shipment'), await count(old, 'select count(*) as n from ali1688_logistics_order where order_id = ?', [order]));
  t.is(await count(w1, 'select count(*) as n from etl_watermark'), 0);

  // An order the day changed: the warehouse holds the newer version from the replica; the API's older one is not written over it.
  const times = async (db: typeof old) => new Map((await rawRows<{ o: unknown; m: unknown }>(db, db.dialect, 'select order_id as o, modify_time as m from ali1688_order')).map((r) => [String(r.o), String(r.m)]));
  const [was, is] = [await times(old), await times(now)];
  const id = [...is.keys()].find((k) => was.has(k) && was.get(k)! < is.get(k)!);
  if (id === undefined) return t.fail('the advance changed no existing order');
  const wh2 = tempSqliteUrl(t, 'wh2.db');
  t.is((await runCli(['run'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh2 } })).code, 0);
  const w2 = await writableSource(t, wh2);
  const before = await rawRows<{ m: unknown }>(w2, w2.dialect, 'select modified_at as m from fct_order where order_id = ?', [BigInt(id)]);
  const r2 = await runCli(['fetch', '--order', id, '--order', '240101000000000001', '--json'], { env: cfg(wh2) });
  t.is(r2.code, 1, r2.stderr);
  t.deepEqual((JSON.parse(r2.stdout) as { missing: string[] }).missing, ['240101000000000001']);
  const after = await rawRows<{ m: unknown }>(w2, w2.dialect, 'select modified_at as m from fct_order where order_id = ?', [BigInt(id)]);
  t.deepEqual(after, before);
});
