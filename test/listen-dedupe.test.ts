// What dedupe may and may not drop, against the real RabbitMQ and Redis: a repeated msgId is a duplicate
// for a day; a repeated bare body (no msgId: known by its hash) only while the refresh it queued has not
// read the source yet, and never longer than --bare-dedupe, because the same bytes can announce a new
// change. And how a worker accounts message refreshes in etl_run: one rolling run per stream, not a row
// per message.
import test, { type ExecutionContext } from 'ava';
import { TOPICS } from '../sources/messages/topics.js';
import type { Db } from '../lib/db.js';
import { needRedis, testWith } from './helpers.js';
import { envelope, messageContext, needRabbit, orderPayload, publish, refreshesSettled, startRig, tempVhost } from './message-helpers.js';
import { queuePrefix, waitFor } from './queue-helpers.js';
import { count, freshUrl, generate, writableSource } from './stream-helpers.js';

async function setup(t: ExecutionContext, name: string) {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return null;
  const src = (await freshUrl(t, 'SQLite', `${name}-src`))!;
  const wh = (await freshUrl(t, 'SQLite', `${name}-wh`))!;
  await generate(t, src, ['--orders', '60', '--seed', '12']);
  return { src, wh, vhost: tempVhost(t), prefix: queuePrefix(t), store: await writableSource(t, src) };
}

/** A shipment of the store: its order and tracking number. */
async function aShipment(store: Db): Promise<{ order: string; bill: string }> {
  const [r] = (await store.knex.raw('select order_id as o, logistics_bill_no as b from ali1688_logistics_order order by logistic_id limit 1')) as Array<{ o: string; b: string }>;
  return { order: String(r!.o), bill: String(r!.b) };
}

/** The tracing message Cloud Hub sends when a shipment moves: no msgId, no changeTime, so the same bytes every time it moves. */
const tracing = (order: string) => ({
  topic: TOPICS.logistics,
  tag: '',
  body: `{"OrderLogisticsTracingModel":{"logisticsId":"L1","cpCode":"YTO","mailNo":"1","statusChanged":"TRANSPORT","changeTime":"","orderLogsItems":{"orderId":${order},"orderEntryId":1}}}`,
});

const total = (counters: Record<string, number>) => Object.values(counters).reduce((a, b) => a + b, 0);

testWith('redis', 'rabbitmq').serial('a repeated bare body is a duplicate while its refresh waits; once the refresh has read, the same body refreshes again and its new change is loaded', async (t) => {
  const s = await setup(t, 'bare');
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  // The refresh waits 4 s: the repeat (and a redelivery of it, 1 s later if it arrived while the first was in hand) comes meanwhile.
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' }, coalesceMs: 4_000 });
  const ship = await aShipment(s.store);
  const [o] = (await s.store.knex.raw('select order_id as o, modify_time as m from ali1688_order where order_id <> ? order by order_id limit 1', [ship.order])) as Array<{ o: string; m: string }>;
  const withId = { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: envelope('ORDER_ORDER_SUCCESS', orderPayload(String(o!.o), 'success', String(o!.m)), 777_001) };
  await publish(s.vhost, [tracing(ship.order), tracing(ship.order), withId]);
  await waitFor('both refreshed', async () => {
    const l = await rig.ledger();
    return l.counters.refreshed[TOPICS.logistics] === 1 && l.counters.refreshed[TOPICS.order] === 1;
  }, 60_000);
  await refreshesSettled(rig);
  let l = await rig.ledger();
  t.is(l.counters.duplicate[TOPICS.logistics], 1, 'the repeat inside the wait is a duplicate');
  const wh = await writableSource(t, s.wh);
  t.is(await count(wh, 'select count(*) as n from fct_shipment where order_id = ? and bill_no = ?', [ship.order, ship.bill]), 1);

  // The shipment moves again (a new waybill the same day): Cloud Hub sends the very same bytes.
  await s.store.knex.raw(`update ali1688_logistics_order set logistics_bill_no = 'NEW-BILL-1',
    logistic_order_datas = replace(logistic_order_datas, '"logisticsBillNo":"' || logistics_bill_no || '"', '"logisticsBillNo":"NEW-BILL-1"') where order_id = ?`, [ship.order]);
  await publish(s.vhost, [tracing(ship.order), withId]);
  await waitFor('the new change loaded', async () => (await count(wh, "select count(*) as n from fct_shipment where order_id = ? and bill_no = 'NEW-BILL-1'", [ship.order])) === 1, 60_000);
  await waitFor('both handled', async () => total((await rig.ledger()).counters.received) === 5, 30_000);
  await refreshesSettled(rig);
  l = await rig.ledger();
  t.is(l.counters.refreshed[TOPICS.logistics], 2, 'the same bare body after the refresh read is refreshed again');
  t.is(l.counters.duplicate[TOPICS.logistics], 1);
  t.is(l.counters.duplicate[TOPICS.order], 1, 'a repeated msgId stays a duplicate');
  t.is(l.counters.refreshed[TOPICS.order], 1);
});

testWith('redis', 'rabbitmq').serial('a repeated bare body is a duplicate for at most --bare-dedupe, even while its refresh still waits', async (t) => {
  const s = await setup(t, 'bare-cap');
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  // No worker: the refresh waits as long as the test runs.
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' }, coalesceMs: 600_000, bareDedupeMs: 3_000 }, false);
  const ship = await aShipment(s.store);
  await publish(s.vhost, [tracing(ship.order), tracing(ship.order)]);
  await waitFor('two received', async () => total((await rig.ledger()).counters.received) === 2, 30_000);
  t.is((await rig.ledger()).counters.duplicate[TOPICS.logistics], 1, 'inside the window: a duplicate');
  await new Promise((r) => setTimeout(r, 3_500));
  await publish(s.vhost, [tracing(ship.order)]);
  await waitFor('three received', async () => total((await rig.ledger()).counters.received) === 3, 30_000);
  const l = await rig.ledger();
  t.is(l.counters.duplicate[TOPICS.logistics], 1, 'past the window: not a duplicate');
  t.is(l.counters.coalesced[TOPICS.logistics], 1, 'folded into the refresh still waiting');
  t.is(await rig.listener.queues.refreshes.getDelayedCount(), 1, 'one refresh for the three');
});

testWith('redis', 'rabbitmq').serial('a worker accounts message refreshes in one rolling etl_run row per stream, finished with the summed counts when it stops', async (t) => {
  const s = await setup(t, 'rolling');
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const orders = (await s.store.knex.raw('select order_id as o, modify_time as m from ali1688_order order by order_id limit 12')) as Array<{ o: string; m: string }>;
  await publish(s.vhost, orders.map((r) => ({ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(String(r.o), 'success', String(r.m)) })));
  await waitFor('twelve refreshed', async () => (await rig.ledger()).counters.refreshed[TOPICS.order] === 12, 60_000);
  await refreshesSettled(rig);
  const wh = await writableSource(t, s.wh);
  t.is(await count(wh, 'select count(*) as n from fct_order'), 12);
  const runs = async () => (await wh.knex('etl_run').select('stream', 'mode', 'status', 'rows_read', 'rows_upserted').orderBy('run_id')) as Array<{ stream: string; mode: string; status: string; rows_read: unknown; rows_upserted: unknown }>;
  const open = await runs();
  t.deepEqual(open.map((r) => r.stream).sort(), ['invoices', 'order_lines', 'orders'].filter((x) => open.some((r) => r.stream === x)), 'one row per stream, not one per message');
  t.true(open.some((r) => r.stream === 'orders'));
  t.true(open.every((r) => r.mode === 'refresh' && r.status === 'running'), 'open while the worker runs');
  await rig.worker.close();
  const closed = await runs();
  t.is(closed.length, open.length);
  t.true(closed.every((r) => r.status === 'succeeded'));
  const orderRun = closed.find((r) => r.stream === 'orders')!;
  t.is(Number(orderRun.rows_read), 12);
  t.is(Number(orderRun.rows_upserted), 12);
  t.is(Number(closed.find((r) => r.stream === 'order_lines')?.rows_read ?? 0), await count(s.store, `select count(*) as n from ali1688_order_line where order_id in (${orders.map(() => '?').join(',')})`, orders.map((r) => String(r.o))));
});
