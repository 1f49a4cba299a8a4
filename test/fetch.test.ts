// hub-etl fetch: specific entities loaded now, whole (an order with its lines, invoice, refunds and
// shipments), under the version guard, without touching any watermark.
import test from 'ava';
import { runCli } from './helpers.js';
import { count, freshUrl, generate, writableSource } from './stream-helpers.js';
import { tempSqliteUrl } from './helpers.js';

test('fetch --order loads that order with every row it owns and nothing else, and moves no watermark', async (t) => {
  const src = (await freshUrl(t, 'SQLite', 'fetch-src'))!;
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '300', '--seed', '5']);
  const store = await writableSource(t, src);
  // An order that has a refund and a shipment, so that every stream has rows for it.
  const rows = await store.knex.raw('select r.order_ld as o from ali1688_order_refund r join ali1688_logistics_order l on l.order_id = cast(r.order_ld as text) limit 1') as Array<{ o: bigint }>;
  const order = String(rows[0]!.o);
  const r = await runCli(['fetch', '--order', order, '--json'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { runs: Array<{ stream: string; mode: string; rowsUpserted: number }>; missing: string[] };
  t.deepEqual(result.missing, []);
  t.deepEqual(result.runs.map((x) => x.stream).sort(), ['invoices', 'order_lines', 'orders', 'refunds', 'shipment_events', 'shipments'].filter((s) => result.runs.some((x) => x.stream === s)).sort());
  t.true(result.runs.every((x) => x.mode === 'refresh'));
  const w = await writableSource(t, wh);
  t.is(await count(w, 'select count(*) as n from fct_order'), 1);
  t.is(await count(w, 'select count(*) as n from fct_order where order_id = ?', [BigInt(order)]), 1);
  t.is(await count(w, 'select count(*) as n from fct_order_line where order_id <> ?', [BigInt(order)]), 0);
  t.is(
    await count(w, 'select count(*) as n from fct_order_line'),
    await count(store, 'select count(*) as n from ali1688_order_line where order_id = ?', [BigInt(order)]),
  );
  t.true(await count(w, 'select count(*) as n from fct_refund') >= 1);
  t.is(
    await count(w, 'select count(*) as n from fct_shipment'),
    await count(store, 'select count(*) as n from ali1688_logistics_order where order_id = ?', [order]),
  );
  t.is(await count(w, 'select count(*) as n from etl_watermark'), 0);
});

test('fetch never writes an older copy over a newer one, and says which ids the source does not have', async (t) => {
  const src = (await freshUrl(t, 'SQLite', 'fetch-src'))!;
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '200', '--seed', '9']);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh };
  t.is((await runCli(['run', '--stream', 'products'], { env })).code, 0);
  const store = await writableSource(t, src);
  const rows = await store.knex.raw('select product_id as p from ali1688_product limit 1') as Array<{ p: bigint }>;
  const p = rows[0]!.p;
  // The replica now shows an older version of the product with another title: fetch must keep the loaded one.
  await store.knex.raw("update ali1688_product set subject = 'older copy', last_update_time = '2000-01-01 00:00:00' where product_id = ?", [String(p)]);
  t.is(await count(store, "select count(*) as n from ali1688_product where subject = 'older copy'"), 1);
  const r = await runCli(['fetch', '--product', String(p), '--product', '123456789012345678', '--json'], { env });
  t.is(r.code, 1, r.stderr);
  t.deepEqual((JSON.parse(r.stdout) as { missing: string[] }).missing, ['123456789012345678']);
  const w = await writableSource(t, wh);
  t.is(await count(w, "select count(*) as n from dim_product where subject = 'older copy'"), 0);
  t.is(await count(w, 'select count(*) as n from dim_product where product_id = ?', [String(p)]), 1);
});

test('fetch refuses ids that are not 1688 ids, naming the option, and needs something to fetch', async (t) => {
  const src = tempSqliteUrl(t, 'none.db');
  const bad = await runCli(['fetch', '--order', '12ab', '--refund', 'TQx'], { env: { HUB_SOURCE_URL: src } });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--order: "12ab" is not a 1688 id/);
  t.regex(bad.stderr, /--refund: "TQx" is not a 1688 id/);
  const none = await runCli(['fetch'], { env: { HUB_SOURCE_URL: src } });
  t.is(none.code, 2);
  t.regex(none.stderr, /--order, --refund or --product/);
});
