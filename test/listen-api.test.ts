// Message refreshes with the 1688 API as the source (its emulator on a generated store), against the real
// RabbitMQ and Redis: listen and a worker load what an order, a refund and a logistics message name, read
// from the API (an API answer is the entity's state now: no wait for a replica to catch up), and account
// the calls in their rolling refresh runs.
import test from 'ava';
import { startEmulator } from '../jobs/emulate-api.js';
import { TOPICS } from '../sources/messages/topics.js';
import { DEMO_ENV } from './api-source-helpers.js';
import { needRedis } from './helpers.js';
import { envelope, messageContext, needRabbit, orderPayload, publish, refreshesSettled, startRig, tempVhost } from './message-helpers.js';
import { queuePrefix, waitFor } from './queue-helpers.js';
import { count, freshUrl, generate, writableSource } from './stream-helpers.js';

test.serial('order, refund and logistics messages refresh their entities from the API source', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const src = (await freshUrl(t, 'SQLite', 'lapi-src'))!;
  const whUrl = (await freshUrl(t, 'SQLite', 'lapi-wh'))!;
  await generate(t, src, ['--orders', '80', '--seed', '14']);
  const emu = await startEmulator({ store: src });
  t.teardown(() => emu.close());
  const mq = tempVhost(t);
  const ctx = messageContext(t, {
    source: emu.gatewayUrl, warehouse: whUrl, prefix: queuePrefix(t), mq,
    env: { ...DEMO_ENV, HUB_API_RATE: '1000', HUB_API_CONCURRENCY: '8', HUB_API_TIMEOUT: '5s' },
  });
  t.is(ctx.config.source.kind, 'api');
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const store = await writableSource(t, src);

  // Three different orders: one refunded, one shipped, one plain.
  const one = async (sql: string, bind: string[] = []) => String(((await store.knex.raw(sql, bind)) as Array<{ o: unknown }>)[0]!.o);
  const refunded = await one('select order_ld as o from ali1688_order_refund order by refund_id limit 1');
  const refundId = await one('select refund_id as o from ali1688_order_refund where order_ld = ? limit 1', [refunded]);
  const shipped = await one('select order_id as o from ali1688_logistics_order where order_id <> ? order by logistic_id limit 1', [refunded]);
  const plain = await one('select order_id as o from ali1688_order where order_id not in (?, ?) order by order_id limit 1', [refunded, shipped]);
  const sent = '2024-05-30 12:00:00';
  await publish(mq, [
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: envelope('ORDER_ORDER_SUCCESS', orderPayload(plain, 'success', sent)) },
    { topic: TOPICS.order, tag: 'ORDER_ORDER_BUYER_REFUND_IN_SALES', body: envelope('ORDER_ORDER_BUYER_REFUND_IN_SALES', orderPayload(refunded, 'waitselleragree', sent, `,"refundAction":"BUYER_APPLY_REFUND","operator":"buyer","refundId":"${refundId}"`)) },
    { topic: TOPICS.logistics, tag: '', body: `{"OrderLogisticsTracingModel":{"logisticsId":"L1","cpCode":"YTO","mailNo":"1","statusChanged":"TRANSPORT","changeTime":"","orderLogsItems":{"orderId":${shipped},"orderEntryId":1}}}` },
  ]);
  await waitFor('three refreshed', async () => {
    const l = await rig.ledger();
    return l.counters.refreshed[TOPICS.order] === 2 && l.counters.refreshed[TOPICS.logistics] === 1;
  }, 60_000);
  await refreshesSettled(rig);
  const l = await rig.ledger();
  t.is(Object.values(l.counters.stale ?? {}).reduce((a, b) => a + b, 0), 0, 'no refresh waits for a replica');
  t.is(Object.values(l.counters.failed ?? {}).reduce((a, b) => a + b, 0), 0);

  // What each message names is in the warehouse, as the store has it; nothing else.
  const wh = await writableSource(t, whUrl);
  const ids = (rows: Array<{ id: unknown }>) => rows.map((r) => String(r.id)).sort();
  t.deepEqual(ids(await wh.knex('fct_order').select('order_id as id')), [plain, refunded].sort(), 'the order and refund messages load their orders; a logistics message its shipments');
  t.is(await count(wh, 'select count(*) as n from fct_order_line where order_id = ?', [plain]), await count(store, 'select count(*) as n from ali1688_order_line where order_id = ?', [plain]));
  t.deepEqual(ids(await wh.knex('fct_refund').select('refund_id as id')), ids(await store.knex('ali1688_order_refund').where({ order_ld: refunded }).select('refund_id as id')));
  const parcels = ids(await store.knex('ali1688_logistics_order').where({ order_id: shipped }).select('logistic_id as id'));
  t.true(parcels.length > 0);
  t.deepEqual(ids(await wh.knex('fct_shipment').select('logistics_id as id')), parcels);
  t.true(await count(wh, 'select count(*) as n from fct_shipment_event where order_id = ?', [shipped]) > 0);

  // The worker's rolling refresh runs count the API calls of their lookups, each once however the refreshes overlapped.
  await rig.worker.close();
  const runs = ((await wh.knex('etl_run').select('stream', 'mode', 'status', 'api_calls')) as Array<{ stream: string; mode: string; status: string; api_calls: unknown }>)
    .map((r) => ({ ...r, api_calls: r.api_calls === null ? null : Number(r.api_calls) }));
  t.true(['orders', 'refunds', 'shipments'].every((s) => runs.some((r) => r.stream === s)), JSON.stringify(runs));
  t.true(runs.every((r) => r.mode === 'refresh' && r.status === 'succeeded' && r.api_calls !== null), JSON.stringify(runs));
  t.is(runs.reduce((a, r) => a + (r.api_calls ?? 0), 0), emu.stats.total, 'every call the emulator answered, counted once');
});
