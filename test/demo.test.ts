// hub-etl demo on the embedded default (SQLite files in HUB_DATA_DIR, nothing configured): a store, a load of
// every stream, the API-only dimensions through the API emulator started on the same store, status and
// verify; run again, the store moves a day and the load is incremental.
import path from 'node:path';
import test from 'ava';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { openDb, rawRows } from '../lib/db.js';
import { readApiObjects } from '../sources/synthetic/api-objects.js';
import { needRedis, REDIS_URL, runCli, target, tempDir, testWith } from './helpers.js';
import { needRabbit, tempVhost } from './message-helpers.js';
import { queuePrefix } from './queue-helpers.js';

const API_STREAMS = ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes'];

/** The summary line of a stream in the run table: [read, upserted, unchanged, rejected]. */
function counts(stdout: string, stream: string): number[] {
  const line = stdout.split('\n').find((l) => new RegExp(`^${stream} +#\\d+ +succeeded `).test(l));
  if (!line) throw new Error(`no succeeded run of ${stream} in:\n${stdout}`);
  return line.trim().split(/ +/).slice(3, 7).map(Number);
}

test('the demo loads the API dimensions through the emulator on its own store, then again incrementally', async (t) => {
  const dir = tempDir(t);
  const env = { HUB_DATA_DIR: dir, HUB_API_URL: undefined, HUB_LOG_LEVEL: 'warn' };
  const first = await runCli(['demo', '--orders', '300'], { env });
  t.is(first.code, 0, first.stdout + first.stderr);
  t.regex(first.stdout, /3\. run +12 streams \(first load\) in \d+\.\d s/);
  t.regex(first.stdout, /freight templates, ship-from addresses, store categories and category attributes through the API emulator on the same store \(http:\/\/127\.0\.0\.1:\d+, \d+ calls\)/);
  for (const s of API_STREAMS) {
    const [read, upserted] = counts(first.stdout, s);
    t.true(read! > 0 && upserted === read, `${s}: ${read} read, ${upserted} upserted`);
  }
  t.regex(first.stdout, /verify: all \d+ checks passed/);

  const store = await openDb(target(`sqlite:${path.join(dir, 'source.db')}`));
  t.teardown(() => store.close());
  const wh = await openDb(target(`sqlite:${path.join(dir, 'warehouse.db')}`));
  t.teardown(() => wh.close());
  const n = async (sql: string) => Number((await rawRows<{ n: unknown }>(wh, wh.dialect, sql))[0]!.n);
  t.is(await n('select count(*) as n from dim_freight_template'), (await readApiObjects(store, 'freight_template')).length);
  t.is(await n('select count(*) as n from dim_ship_from_address'), (await readApiObjects(store, 'ship_from_address')).length);
  t.is(await n('select count(*) as n from dim_store_category'), (await readApiObjects(store, 'store_category')).length);
  const inUse = await rawRows<{ n: unknown }>(store, store.dialect, 'select count(distinct category_id) as n from ali1688_product');
  t.is(await n('select count(distinct category_id) as n from dim_category_attribute'), Number(inUse[0]!.n));

  const second = await runCli(['demo'], { env });
  t.is(second.code, 0, second.stdout + second.stderr);
  t.regex(second.stdout, /3\. run +12 streams \(incremental\)/);
  for (const s of API_STREAMS) {
    const [read, upserted, unchanged] = counts(second.stdout, s);
    t.is(upserted! + unchanged!, read!, s);
  }
  t.regex(second.stdout, /^freight_templates +\d{4}-\d{2}-\d{2} /m, 'status shows the snapshot loaded');
});

testWith('redis', 'rabbitmq')('demo --live shows the changes of an hour arriving through RabbitMQ, and leaves no queue or key behind', async (t) => {
  if (!(await needRedis(t)) || !(await needRabbit(t))) return;
  const dir = tempDir(t);
  const vhost = tempVhost(t);
  const prefix = queuePrefix(t);
  const r = await runCli(['demo', '--orders', '300', '--live'], { env: { HUB_DATA_DIR: dir, HUB_API_URL: undefined, HUB_LOG_LEVEL: 'warn', HUB_MQ_URL: vhost, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix } });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /verify: all \d+ checks passed/, 'the plain demo first');
  const queue = /^6\. live +listen \(AMQP amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672\/\S+, queue (hub-etl-demo-[0-9a-f]{6})\) and a worker; the store moved on to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/m.exec(r.stdout)?.[1];
  t.truthy(queue, r.stdout);
  const counts = /^ +(\d+) messages published; (\d+) of (\d+) changes in the warehouse, publish → committed p50 \d+\.\d\d s, max \d+\.\d\d s$/m.exec(r.stdout);
  t.truthy(counts, r.stdout);
  t.true(Number(counts![1]) > 0 && Number(counts![3]) > 0);
  t.is(counts![2], counts![3], 'every change arrived');
  t.regex(r.stdout, /^ +e\.g\. .+ for (order|product) \d+: .* in (fct_order|fct_refund|fct_shipment|dim_product), committed \d+\.\d\d s after its message$/m);
  const c = await amqp.connect(vhost);
  c.on('error', () => undefined);
  const ch = await c.createChannel();
  ch.on('error', () => undefined);
  await t.throwsAsync(ch.checkQueue(queue!), undefined, 'the demo\'s queue is deleted');
  await c.close().catch(() => undefined);
  const redis = new Redis(REDIS_URL);
  t.teardown(() => void redis.quit());
  t.deepEqual(await redis.keys(`${prefix}-demo-*`), [], 'no key left under the demo\'s prefix');
});

test('demo --live without RabbitMQ runs the plain demo and skips the live step with one line', async (t) => {
  const dir = tempDir(t);
  const r = await runCli(['demo', '--orders', '200', '--live'], { env: { HUB_DATA_DIR: dir, HUB_API_URL: undefined, HUB_LOG_LEVEL: 'warn', HUB_MQ_URL: 'amqp://guest:secret-pw@127.0.0.1:9' } });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /verify: all \d+ checks passed/);
  const live = r.stdout.split('\n').filter((l) => l.startsWith('6. live'));
  t.is(live.length, 1);
  t.regex(live[0]!, /^6\. live +skipped: RabbitMQ is not answering at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:9 /);
  t.false(r.stdout.includes('secret-pw') || r.stderr.includes('secret-pw'), 'the password is never shown');
});
