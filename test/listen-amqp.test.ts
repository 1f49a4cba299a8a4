// hub-etl listen over AMQP against the real RabbitMQ (a vhost per test): every tag of every topic leads
// to the right warehouse change, duplicates and reorderings leave the warehouse equal to a full refresh,
// poison messages are quarantined and acknowledged, the replica's lag is waited for (bounded).
import test, { type ExecutionContext } from 'ava';
import amqp from 'amqplib';
import { TAGS, TOPICS, type Topic } from '../sources/messages/topics.js';
import { needRedis, testWith } from './helpers.js';
import { envelope, messageContext, needRabbit, orderPayload, publish, refreshesSettled, startRig, tempVhost } from './message-helpers.js';
import { queuePrefix, waitFor } from './queue-helpers.js';
import { checksums, contextFor, count as countRows, freshUrl, generate, run, writableSource } from './stream-helpers.js';
import type { Db } from '../lib/db.js';
import type { MessageLedger } from '../jobs/queue/message-ledger.js';

async function count(db: Db, sql: string, bind: unknown[] = []): Promise<number> {
  try {
    return await countRows(db, sql, bind);
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${sql}`);
  }
}

/** A counter of the ledger by outcome and topic. */
function c(l: MessageLedger, outcome: keyof MessageLedger['counters'], topic: string): number {
  return l.counters[outcome][topic] ?? 0;
}

async function rows<T>(db: Db, sql: string, bind: unknown[] = []): Promise<T[]> {
  try {
    return (await db.knex.raw(sql, bind as never[])) as T[];
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${sql}`);
  }
}

/** Orders of a SQLite store that have refunds, shipments and lines; products. */
async function pick(store: Db) {
  const orders = (await rows<{ o: string; m: string }>(store, `
    select o.order_id as o, o.modify_time as m from ali1688_order o
    where exists (select 1 from ali1688_order_refund r where cast(r.order_ld as text) = o.order_id)
      and exists (select 1 from ali1688_logistics_order l where l.order_id = o.order_id)
    order by o.order_id limit 12`)).map((r) => ({ id: String(r.o), modified: String(r.m) }));
  const products = (await rows<{ p: bigint; m: string }>(store, 'select product_id as p, last_update_time as m from ali1688_product order by product_id limit 6'))
    .map((r) => ({ id: String(r.p), modified: String(r.m) }));
  return { orders, products };
}

async function refundTime(store: Db, order: string): Promise<string> {
  const [r] = await rows<{ m: string }>(store, 'select max(gmt_modified) as m from ali1688_order_refund where cast(order_ld as text) = ?', [order]);
  return String(r!.m);
}

interface Setup { src: string; wh: string; vhost: string; prefix: string; store: Db }

async function setup(t: ExecutionContext, name: string, orders = 300, seed = 21): Promise<Setup | null> {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return null;
  const src = (await freshUrl(t, 'SQLite', `${name}-src`))!;
  const wh = (await freshUrl(t, 'SQLite', `${name}-wh`))!;
  await generate(t, src, ['--orders', String(orders), '--seed', String(seed)]);
  return { src, wh, vhost: tempVhost(t), prefix: queuePrefix(t), store: await writableSource(t, src) };
}

testWith('redis', 'rabbitmq').serial('every tag of every topic refreshes what it names (order, refunds, shipments, product) and moves no watermark', async (t) => {
  const s = await setup(t, 'tags');
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const { orders, products } = await pick(s.store);
  t.true(orders.length >= 8 && products.length >= 4, 'the store has orders with refunds and shipments, and products');

  const out: Array<{ topic: Topic; tag: string; body: string }> = [];
  const orderTags = TAGS[TOPICS.order];
  for (const [i, tag] of orderTags.entries()) {
    const o = orders[i]!;
    const refund = tag.includes('REFUND');
    const sent = refund ? await refundTime(s.store, o.id) : o.modified;
    out.push({ topic: TOPICS.order, tag, body: envelope(tag, orderPayload(o.id, refund ? 'refundsuccess' : 'success', sent, refund ? ',"refundAction":"BUYER_APPLY_REFUND","operator":"buyer","refundId":"TQ1"' : '')) });
  }
  const logisticsOrders = orders.slice(orderTags.length, orderTags.length + 2);
  out.push({ topic: TOPICS.logistics, tag: '', body: `{"OrderLogisticsTracingModel":{"logisticsId":"L1","cpCode":"YTO","mailNo":"1","statusChanged":"TRANSPORT","changeTime":"","orderLogsItems":{"orderId":${logisticsOrders[0]!.id},"orderEntryId":1}}}` });
  out.push({ topic: TOPICS.logistics, tag: 'LOGISTICS_MAIL_NO_CHANGE', body: envelope('LOGISTICS_MAIL_NO_CHANGE', `{"MailNoChangeModel":{"logisticsId":"L2","oldCpCode":"YTO","newCpCode":"ZTO","oldMailNo":"1","newMailNo":"2","eventTime":"","orderLogsItems":[{"orderId":${logisticsOrders[1]!.id}}]}}`) });
  for (const [i, tag] of TAGS[TOPICS.product].entries()) {
    const p = products[i]!;
    out.push({ topic: TOPICS.product, tag, body: `{"productIds":"${p.id}","memberId":"b2b-1","status":"${tag.replace('PRODUCT_PRODUCT_', 'PRODUCT_')}","msgSendTime":"${p.modified}"}` });
  }
  await publish(s.vhost, out);
  await waitFor('every message refreshed', async () => {
    const l = await rig.ledger();
    return c(l, 'refreshed', TOPICS.order) >= orderTags.length && c(l, 'refreshed', TOPICS.logistics) >= 2 && c(l, 'refreshed', TOPICS.product) >= 4;
  }, 60_000);
  await refreshesSettled(rig);

  const wh = await writableSource(t, s.wh);
  const n = (sql: string, id: string) => count(wh, sql, [id]);
  const src = (sql: string, id: string) => count(s.store, sql, [id]);
  for (const [i, tag] of orderTags.entries()) {
    const o = orders[i]!.id;
    t.is(await n('select count(*) as n from fct_order where order_id = ?', o), 1, `${tag}: the order`);
    t.is(await n('select count(*) as n from fct_order_line where order_id = ?', o), await src('select count(*) as n from ali1688_order_line where order_id = ?', o), `${tag}: its lines`);
    t.true(await n('select count(*) as n from fct_payment_term where order_id = ?', o) >= 0);
    t.is(await n('select count(*) as n from fct_invoice where order_id = ?', o), await src('select count(*) as n from ali1688_invoice where order_Id = ?', o), `${tag}: its invoice`);
    const refunds = await n('select count(*) as n from fct_refund where order_id = ?', o);
    if (tag.includes('REFUND')) t.is(refunds, await src('select count(*) as n from ali1688_order_refund where order_ld = ?', o), `${tag}: its refunds`);
    else t.is(refunds, 0, `${tag}: an order tag leaves the refunds to the refund tags`);
    t.is(await n('select count(*) as n from fct_shipment where order_id = ?', o), 0, `${tag}: shipments come with logistics messages`);
  }
  for (const o of logisticsOrders) {
    t.is(await n('select count(*) as n from fct_shipment where order_id = ?', o.id), await src('select count(*) as n from ali1688_logistics_order where order_id = ?', o.id), 'logistics: the shipments');
    t.is(await n('select count(*) as n from fct_shipment_event where order_id = ?', o.id) > 0, true, 'logistics: their tracking');
    t.is(await n('select count(*) as n from fct_order where order_id = ?', o.id), 0, 'logistics: not the order');
  }
  for (const p of products.slice(0, 4)) {
    t.is(await n('select count(*) as n from dim_product where product_id = ?', p.id), 1, 'product: the product');
    t.is(await n('select count(*) as n from dim_sku where product_id = ?', p.id), await skuCount(s.store, p.id), 'product: its SKUs');
  }
  t.is(await count(wh, 'select count(*) as n from etl_watermark'), 0, 'no watermark moved');
  t.is(await count(wh, "select count(*) as n from etl_run where mode <> 'refresh'"), 0);
  const ledger = await rig.ledger();
  t.is(c(ledger, 'received', TOPICS.order) + c(ledger, 'received', TOPICS.logistics) + c(ledger, 'received', TOPICS.product), out.length);
  t.true(ledger.freshness.count >= out.length, 'a freshness figure per message refreshed');

  // A product gone from the source: DELETE marks the loaded row, never inventing one.
  const gone = products[4]!;
  const never = products[5]!;
  await publish(s.vhost, [{ topic: TOPICS.product, tag: 'PRODUCT_PRODUCT_NEW_OR_MODIFY', body: `{"productIds":"${gone.id}","msgSendTime":"${gone.modified}"}` }]);
  await waitFor('the product loaded', async () => (await n('select count(*) as n from dim_product where product_id = ?', gone.id)) === 1, 30_000);
  await s.store.knex.raw('delete from ali1688_product where product_id in (?, ?)', [gone.id, never.id]);
  await publish(s.vhost, [
    { topic: TOPICS.product, tag: 'PRODUCT_PRODUCT_DELETE', body: `{"productIds":"${gone.id},${never.id}","status":"PRODUCT_DELETE","msgSendTime":"${gone.modified}"}` },
  ]);
  await waitFor('the product marked deleted', async () => (await n('select count(*) as n from dim_product where product_id = ? and is_deleted = 1', gone.id)) === 1, 30_000);
  const [marked] = await rows<{ status: string; status_group: string }>(wh, 'select status, status_group from dim_product where product_id = ?', [gone.id]);
  t.deepEqual({ ...marked }, { status: 'deleted', status_group: 'deleted' });
  await refreshesSettled(rig);
  t.is(await n('select count(*) as n from dim_product where product_id = ?', never.id), 0, 'a product never loaded is not invented');
});

async function skuCount(store: Db, product: string): Promise<number> {
  const [r] = await rows<{ d: string }>(store, 'select product_datas as d from ali1688_product where product_id = ?', [product]);
  const text = String(r?.d ?? '');
  return (text.match(/"skuId"\s*:/g) ?? []).length || (text.match(/"skuID"\s*:/g) ?? []).length;
}

testWith('redis', 'rabbitmq').serial('duplicates, bare payloads and reordered deliveries leave the warehouse equal to a full refresh', async (t) => {
  const s = await setup(t, 'dups', 80, 33);
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl', prefetch: 64 } });
  const orders = await rows<{ o: string; m: string }>(s.store, 'select order_id as o, modify_time as m from ali1688_order');
  const products = await rows<{ p: bigint; m: string }>(s.store, 'select product_id as p, last_update_time as m from ali1688_product');
  const messages: Array<{ topic: Topic; tag: string; body: string }> = [];
  let id = 5_000_000;
  for (const r of orders) {
    const o = String(r.o);
    messages.push({ topic: TOPICS.order, tag: 'ORDER_BUYER_MAKE', body: envelope('ORDER_BUYER_MAKE', orderPayload(o, 'waitbuyerpay', String(r.m)), id++) });
    messages.push({ topic: TOPICS.order, tag: 'ORDER_ORDER_REFUND_AFTER_SALES', body: orderPayload(o, 'refundsuccess', String(r.m).slice(0, 10) + ' 00:00:00', ',"refundId":"1"') });
    messages.push({ topic: TOPICS.logistics, tag: '', body: envelope('', `{"OrderLogisticsTracingModel":{"logisticsId":"L","statusChanged":"SIGN","changeTime":"","orderLogsItems":[{"orderId":${o}}]}}`, id++) });
  }
  for (const r of products) messages.push({ topic: TOPICS.product, tag: 'PRODUCT_PRODUCT_NEW_OR_MODIFY', body: `{"productIds":"${String(r.p)}","msgSendTime":"${String(r.m)}"}` });
  // Every fifth message twice (the same msgId or the same bare body), then the whole lot shuffled.
  const dups = messages.filter((_, i) => i % 5 === 0);
  const all = [...messages, ...dups];
  let x = 12345;
  for (let i = all.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  await publish(s.vhost, all);
  await waitFor('every message handled', async () => {
    const l = await rig.ledger();
    return Object.values(l.counters.received).reduce((a, b) => a + b, 0) === all.length;
  }, 120_000, 300);
  await refreshesSettled(rig, 120_000);

  const full = (await freshUrl(t, 'SQLite', 'dups-full'))!;
  await run(contextFor(t, s.src, full), { streams: ['products', 'orders', 'order_lines', 'invoices', 'refunds', 'shipments', 'shipment_events'], mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(s.wh), await checksums(full));
  const l = await rig.ledger();
  const sum = (o: keyof typeof l.counters) => Object.values(l.counters[o]).reduce((a, b) => a + b, 0);
  // A repeated msgId is always a duplicate; a repeated bare body only while the refresh it queued still
  // waits (once that refresh has read, the same body may announce a new change: it is refreshed again).
  const withId = dups.filter((m) => m.body.startsWith('{"msgId"')).length;
  t.true(withId > 0 && withId < dups.length, 'both kinds repeated');
  t.true(sum('duplicate') >= withId && sum('duplicate') <= dups.length, `${sum('duplicate')} duplicates of ${dups.length} repeats (${withId} with a msgId)`);
  t.is(sum('received'), all.length);
  t.is(sum('quarantined'), 0);
  t.is(sum('refreshed') + sum('stale') + sum('failed') + sum('duplicate'), all.length, 'every delivery either a duplicate or served');
  t.is(sum('failed'), 0);
});

testWith('redis', 'rabbitmq').serial('a poison message is quarantined with its reason, acknowledged, and blocks nothing behind it', async (t) => {
  const s = await setup(t, 'poison', 60, 7);
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'poison-group' } });
  const [o] = await rows<{ o: string; m: string }>(s.store, 'select order_id as o, modify_time as m from ali1688_order limit 1');
  const poison = [
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: '{"orderId":240517803316129437,' },
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: envelope('ORDER_ORDER_SUCCESS', '{"orderId":"12ab","msgSendTime":"2024-05-17 10:00:00"}', 9001) },
    { topic: TOPICS.product, tag: 'PRODUCT_PRODUCT_NEW_OR_MODIFY', body: '{"productIds":"1","msgSendTime":"yesterday"}' },
  ] as Array<{ topic: Topic; tag: string; body: string }>;
  await publish(s.vhost, [...poison, { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(String(o!.o), 'success', String(o!.m)) }]);
  const wh = await writableSource(t, s.wh);
  await waitFor('the good message behind the poison applied', async () => (await count(wh, 'select count(*) as n from fct_order')) === 1, 60_000);
  await waitFor('three rejects', async () => (await count(wh, 'select count(*) as n from etl_message_reject')) === 3, 30_000);
  const rejects = await rows<{ transport: string; topic: string; tag: string; msg_id: string | null; body: string; reason: string; received_at: string }>(wh, 'select transport, topic, tag, msg_id, body, reason, received_at from etl_message_reject order by id');
  t.deepEqual(rejects.map((r) => r.body).sort(), poison.map((p) => p.body).sort(), 'raw bodies kept byte for byte');
  t.true(rejects.every((r) => r.transport === 'amqp' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(r.received_at)));
  t.regex(rejects.find((r) => r.msg_id === '9001')!.reason, /orderId: expected an id/);
  t.regex(rejects.find((r) => r.body.includes('yesterday'))!.reason, /msgSendTime: "yesterday" is not a time/);
  t.regex(rejects.find((r) => r.body.endsWith(','))!.reason, /not JSON/);
  const l = await rig.ledger();
  t.is(c(l, 'quarantined', TOPICS.order) + c(l, 'quarantined', TOPICS.product), 3);
  // Nothing left on the broker: every message was acknowledged.
  await rig.listener.close();
  const conn = await amqp.connect(s.vhost);
  const ch = await conn.createChannel();
  t.is((await ch.checkQueue('poison-group')).messageCount, 0);
  await conn.close();
});

testWith('redis', 'rabbitmq').serial('through the replica a refresh waits for the replica to reach the message\'s time, and gives up as stale when it never does', async (t) => {
  const s = await setup(t, 'stale', 60, 8);
  if (!s) return;
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix, mq: s.vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' }, staleRetries: 3, staleBaseMs: 300 });
  const [a, b] = await rows<{ o: string; m: string }>(s.store, 'select order_id as o, modify_time as m from ali1688_order order by order_id limit 2');
  const future = '2099-01-01 00:00:00';
  // Order a: the replica catches up during the waits; order b: never.
  await publish(s.vhost, [
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(String(a!.o), 'success', '2098-12-31 23:00:00') },
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(String(b!.o), 'success', future) },
  ]);
  await new Promise((r) => setTimeout(r, 500));
  await s.store.knex.raw("update ali1688_order set modify_time = '2098-12-31 23:00:00' where order_id = ?", [String(a!.o)]);
  await waitFor('one refreshed, one stale', async () => {
    const l = await rig.ledger();
    return c(l, 'refreshed', TOPICS.order) === 1 && c(l, 'stale', TOPICS.order) === 1;
  }, 60_000);
  const wh = await writableSource(t, s.wh);
  t.is(await count(wh, "select count(*) as n from fct_order where order_id = ? and _source_version = '2098-12-31 23:00:00'", [String(a!.o)]), 1);
  t.is(await count(wh, 'select count(*) as n from fct_order where order_id = ?', [String(b!.o)]), 0, 'left to the scheduled runs');
});

testWith('redis', 'rabbitmq', 'MariaDB').serial('on MariaDB (source and warehouse) a message refreshes its order exactly, 18-digit id and all', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const src = await freshUrl(t, 'MariaDB', 'msg_src');
  const wh = await freshUrl(t, 'MariaDB', 'msg_wh');
  if (!src || !wh) return;
  await generate(t, src, ['--orders', '60', '--seed', '44']);
  const vhost = tempVhost(t);
  const prefix = queuePrefix(t);
  const ctx = messageContext(t, { source: src, warehouse: wh, prefix, mq: vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const store = await writableSource(t, src);
  const [raw] = (await store.knex.raw('select order_id as o, modify_time as m from ali1688_order order by order_id desc limit 1'))[0] as Array<{ o: string; m: string }>;
  const order = String(raw!.o);
  const sent = String(raw!.m);
  await publish(vhost, [{ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: envelope('ORDER_ORDER_SUCCESS', orderPayload(order, 'success', sent)) }]);
  const w = await writableSource(t, wh);
  // BIGINT compared with text is compared as a double in MariaDB: compare as text.
  await waitFor('the order loaded', async () => (await count(w, 'select count(*) as n from fct_order where cast(order_id as char) = ?', [order])) === 1, 60_000);
  await refreshesSettled(rig);
  const [got] = (await w.knex.raw('select cast(order_id as char) as o, _source_version as v from fct_order'))[0] as Array<{ o: string; v: string }>;
  t.is(got!.o, order, 'exact to the last digit');
  t.is(got!.v, sent);
  t.is(await count(w, 'select count(*) as n from fct_order_line where cast(order_id as char) = ?', [order]), await count(store, 'select count(*) as n from ali1688_order_line where cast(order_id as char) = ?', [order]));
});
