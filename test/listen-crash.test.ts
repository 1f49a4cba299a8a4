// What a crash cannot lose: listen killed after receiving and before acknowledging (the broker delivers
// the message again, and it is applied once), a worker killed in the middle of a refresh (the job is
// taken over), a broker restart (the consumer reconnects); and the HTTP push receiver's signature check.
import { spawn } from 'node:child_process';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import amqp from 'amqplib';
import { readLedger } from '../jobs/queue/message-ledger.js';
import { pushSignature } from '../sources/api/signing.js';
import { TOPICS } from '../sources/messages/topics.js';
import type { Db } from '../lib/db.js';
import { needRedis, REDIS_URL, ROOT, testWith } from './helpers.js';
import { envelope, messageContext, needRabbit, orderPayload, privateRabbit, publish, refreshesSettled, startRig, tempVhost } from './message-helpers.js';
import { migratedWarehouse, queuePrefix, spawnWorker, waitFor } from './queue-helpers.js';
import { count, freshUrl, generate, writableSource } from './stream-helpers.js';

async function firstOrders(store: Db, n: number): Promise<Array<{ id: string; modified: string }>> {
  const r = (await store.knex.raw(`select order_id as o, modify_time as m from ali1688_order order by order_id limit ${n}`)) as Array<{ o: string; m: string }>;
  return r.map((x) => ({ id: String(x.o), modified: String(x.m) }));
}

async function store(t: ExecutionContext, name: string) {
  const src = (await freshUrl(t, 'SQLite', `${name}-src`))!;
  const wh = (await freshUrl(t, 'SQLite', `${name}-wh`))!;
  await generate(t, src, ['--orders', '40', '--seed', '3']);
  return { src, wh, db: await writableSource(t, src) };
}

async function queued(url: string, queue: string): Promise<number> {
  const c = await amqp.connect(url);
  try {
    return (await (await c.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await c.close();
  }
}

for (const point of ['before-ack', 'after-claim'] as const) {
  testWith('redis', 'rabbitmq').serial(`listen killed ${point === 'before-ack' ? 'after queueing the refresh, before the ack' : 'after receiving, before queueing'}: the message comes back and is applied once`, async (t) => {
    if (!(await needRedis(t)) || !(await needRabbit(t))) return;
    const s = await store(t, `kill-${point}`);
    const vhost = tempVhost(t);
    const prefix = queuePrefix(t);
    const env = { ...process.env, HUB_SOURCE_URL: s.src, HUB_WAREHOUSE_URL: s.wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix, HUB_MQ_URL: vhost, HUB_TEST_HOLD: point, HUB_TEST_PENDING_MS: '1500' };
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/test/fixtures/listen-child.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    t.teardown(() => void child.kill('SIGKILL'));
    await waitFor('the child listening', () => out.includes('READY'), 60_000);
    const [o] = await firstOrders(s.db, 1);
    await publish(vhost, [{ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: envelope('ORDER_ORDER_SUCCESS', orderPayload(o!.id, 'success', o!.modified), 424242) }]);
    await waitFor(`the child at ${point}`, () => out.includes(`HOLD ${point}`), 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await waitFor('the unacknowledged message back on the queue', async () => (await queued(vhost, 'hub-etl')) === 1, 30_000);

    const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix, mq: vhost });
    const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' }, pendingMs: 1_500 });
    const wh = await writableSource(t, s.wh);
    await waitFor('the order loaded', async () => (await count(wh, 'select count(*) as n from fct_order where order_id = ?', [o!.id])) === 1, 60_000);
    await waitFor('the message acknowledged', async () => (await queued(vhost, 'hub-etl')) === 0, 30_000);
    await refreshesSettled(rig);
    const l = await rig.ledger();
    t.is(await rig.listener.queues.refreshes.getCompletedCount(), 1, 'one refresh');
    t.is(l.counters.refreshed[TOPICS.order] ?? 0, 1, 'applied once');
    // Killed after queueing: the redelivery is the duplicate of a handled message. Killed before: it is new.
    t.is((l.counters.duplicate[TOPICS.order] ?? 0), point === 'before-ack' ? 1 : 0);
    t.is(await count(wh, "select count(*) as n from etl_run where stream = 'orders' and mode = 'refresh'"), 1);
  });
}

testWith('redis', 'rabbitmq').serial('a worker killed in the middle of a refresh: the job is taken over and applied once', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const s = await store(t, 'kill-worker');
  const vhost = tempVhost(t);
  const prefix = queuePrefix(t);
  await migratedWarehouse(s.wh);
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix, mq: vhost });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } }, false);
  const env = { HUB_SOURCE_URL: s.src, HUB_WAREHOUSE_URL: s.wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix };
  const victim = await spawnWorker(t, env, ['--lock-duration', '2s']);
  // Hold the warehouse's write lock: the refresh blocks inside its first transaction, mid-job.
  const wh = await writableSource(t, s.wh);
  const conn = await (wh.knex.client as { acquireConnection(): Promise<{ exec(sql: string): void }> }).acquireConnection();
  conn.exec('begin immediate');
  const [o] = await firstOrders(s.db, 1);
  await publish(vhost, [{ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(o!.id, 'success', o!.modified) }]);
  await waitFor('the refresh active in the victim', async () => (await rig.listener.queues.refreshes.getActiveCount()) === 1, 30_000);
  victim.child.kill('SIGKILL');
  await victim.exited;
  conn.exec('rollback');
  await (wh.knex.client as { releaseConnection(c: unknown): Promise<void> }).releaseConnection(conn);
  const rescuer = await spawnWorker(t, env, ['--lock-duration', '2s']);
  await waitFor('the order loaded by the rescuer', async () => (await count(wh, 'select count(*) as n from fct_order where order_id = ?', [o!.id])) === 1, 90_000);
  await refreshesSettled(rig, 60_000);
  t.regex(rescuer.stderr(), /job stalled|job started/);
  t.is(await rig.listener.queues.refreshes.getCompletedCount(), 1);
  t.is(((await rig.ledger()).counters.refreshed[TOPICS.order] ?? 0), 1, 'its message counted once');
  t.is(await count(wh, 'select count(*) as n from fct_order'), 1);
});

testWith('redis', 'rabbitmq').serial('a broker restart is survived: listen reconnects and consumes what arrives after it', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const s = await store(t, 'restart');
  const broker = await privateRabbit(t);
  const prefix = queuePrefix(t);
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix, mq: broker.url });
  const rig = await startRig(t, ctx, { amqp: { queueName: 'hub-etl' } });
  const [a, b, c] = await firstOrders(s.db, 3);
  await publish(broker.url, [{ topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(a!.id, 'success', a!.modified) }]);
  const wh = await writableSource(t, s.wh);
  await waitFor('the first order', async () => (await count(wh, 'select count(*) as n from fct_order')) === 1, 30_000);
  await broker.stop();
  await broker.start();
  // Published while listen may still be reconnecting: the durable queue holds it.
  await publish(broker.url, [
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(b!.id, 'success', b!.modified) },
    { topic: TOPICS.order, tag: 'ORDER_ORDER_SUCCESS', body: orderPayload(c!.id, 'success', c!.modified) },
  ]);
  await waitFor('the orders sent after the restart', async () => (await count(wh, 'select count(*) as n from fct_order')) === 3, 90_000);
  await refreshesSettled(rig);
  t.is(((await rig.ledger()).counters.refreshed[TOPICS.order] ?? 0), 3);
});

testWith('redis').serial('HTTP push: a bad signature gets 401 and queues nothing; a good one gets 200 once queued and is applied', async (t) => {
  if (!(await needRedis(t))) return;
  const s = await store(t, 'push');
  const prefix = queuePrefix(t);
  const secret = 'push-test-secret';
  const ctx = messageContext(t, { source: s.src, warehouse: s.wh, prefix, secret });
  const rig = await startRig(t, ctx, { push: { host: '127.0.0.1', port: 0 } });
  const url = rig.listener.pushUrl!;
  const [o] = await firstOrders(s.db, 1);
  const message = envelope('ORDER_ORDER_SUCCESS', orderPayload(o!.id, 'success', o!.modified), 8080);
  const post = (form: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  const forged = await post({ message, _aop_signature: pushSignature('another-secret', message) });
  t.is(forged.status, 401);
  const unsigned = await post({ message });
  t.is(unsigned.status, 401);
  t.is(await rig.listener.queues.refreshes.count(), 0, 'nothing queued');
  t.is(Object.values((await readLedger(rig.listener.queues.redis, prefix)).counters.received).reduce((a, b) => a + b, 0), 0, 'nothing received');
  t.is((await fetch(url)).status, 405);

  const good = await post({ message, _aop_signature: pushSignature(secret, message) });
  t.is(good.status, 200);
  t.deepEqual(await good.json(), { success: true });
  t.true((await rig.listener.queues.refreshes.getJobCounts('completed')).completed! + (await rig.listener.queues.refreshes.count()) >= 1, 'queued before the answer');
  const wh = await writableSource(t, s.wh);
  await waitFor('the pushed order applied', async () => (await count(wh, 'select count(*) as n from fct_order where order_id = ?', [o!.id])) === 1, 30_000);
  // The platform sends again after a timeout: the second push is a duplicate, answered 200.
  t.is((await post({ message, _aop_signature: pushSignature(secret, message).toLowerCase() })).status, 200);
  await refreshesSettled(rig);
  const l = await rig.ledger();
  t.is((l.counters.duplicate[TOPICS.order] ?? 0), 1);
  t.is((l.counters.refreshed[TOPICS.order] ?? 0), 1);
});
