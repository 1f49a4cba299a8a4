// The scheduler: a schedule fires and loads new rows with a worker running; an edited schedules file
// makes the live job schedulers match it (added, updated, removed).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startWorker } from '../jobs/queue/worker.js';
import { openDb } from '../lib/db.js';
import { needRedis, REDIS_URL, runCli, target, tempDir, tempSqliteUrl, testWith } from './helpers.js';
import { queueContext, queuePrefix, runIntervals, waitFor } from './queue-helpers.js';
import { count, generate } from './stream-helpers.js';

async function rows(url: string, table: string): Promise<number> {
  const db = await openDb(target(url), { readOnly: true });
  try {
    return await count(db, `select count(*) as n from ${table}`);
  } finally {
    await db.close();
  }
}

testWith('redis')('a schedule every 2 s loads new source rows with a worker running, and an edited file changes the live schedulers to match', async (t) => {
  if (!(await needRedis(t))) return;
  const prefix = queuePrefix(t);
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '150', '--seed', '21']);
  const file = path.join(tempDir(t), 'schedules.json');
  // The synthetic store's times are in a simulated past: read it all again on every run.
  const fast = { id: 'orders-fast', job: 'run', stream: 'orders', every: '2s', lookback: '4000d', safetyLag: '0s' };
  fs.writeFileSync(file, JSON.stringify({ schedules: [fast, { id: 'nightly-verify', job: 'verify', cron: '30 3 * * *', tz: 'Asia/Shanghai' }] }));
  const env = { HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix, HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh };

  const first = await runCli(['scheduler', '--once', '--schedules', file, '--json'], { env });
  t.is(first.code, 0, first.stderr);
  t.deepEqual(JSON.parse(first.stdout), { added: ['orders-fast', 'nightly-verify'], updated: [], removed: [], unchanged: [] });

  const worker = await startWorker(queueContext(t, { source: src, warehouse: wh, prefix }), { concurrency: 2, migrate: true });
  t.teardown(() => worker.close());
  const inSource = await rows(src, 'ali1688_order');
  await waitFor('the scheduled runs to load every order', async () => (await rows(wh, 'fct_order')) === inSource, 30_000);

  await generate(t, src, ['--advance', '--days', '1']);
  const advanced = await rows(src, 'ali1688_order');
  t.true(advanced > inSource, 'the store got new orders');
  await waitFor('a later scheduled run to load the new orders', async () => (await rows(wh, 'fct_order')) === advanced, 30_000);
  const runs = await runIntervals(wh, 'orders');
  t.true(runs.length >= 2, `${runs.length} scheduled runs`);
  t.true(runs.every((r) => r.status === 'succeeded' || r.finishedAt === null));

  // Edit the file: one schedule changed, one added (six-field cron, seconds first), one dropped.
  const products = { id: 'products', job: 'run', stream: 'products', cron: '*/3 * * * * *', tz: 'Asia/Shanghai', lookback: '4000d', safetyLag: '0s' };
  fs.writeFileSync(file, JSON.stringify({ schedules: [{ ...fast, every: '5s' }, products] }));
  const second = await runCli(['scheduler', '--once', '--schedules', file, '--json'], { env });
  t.is(second.code, 0, second.stderr);
  t.deepEqual(JSON.parse(second.stdout), { added: ['products'], updated: ['orders-fast'], removed: ['nightly-verify'], unchanged: [] });
  const live = await worker.queues.runs.getJobSchedulers(0, -1, true);
  t.deepEqual(live.map((s) => [s.key, s.every === undefined || s.every === null ? null : Number(s.every), s.pattern ?? null, s.pattern ? s.tz : null]).sort(), [
    ['orders-fast', 5000, null, null],
    ['products', null, '*/3 * * * * *', 'Asia/Shanghai'],
  ]);
  const third = await runCli(['scheduler', '--once', '--schedules', file, '--json'], { env });
  t.deepEqual(JSON.parse(third.stdout), { added: [], updated: [], removed: [], unchanged: ['orders-fast', 'products'] });
  await waitFor('the new products schedule to fire', async () => (await rows(wh, 'dim_product')) > 0, 20_000);
});

testWith('redis')('a schedules file with mistakes changes nothing and exits 2 naming each mistake', async (t) => {
  if (!(await needRedis(t))) return;
  const prefix = queuePrefix(t);
  const file = path.join(tempDir(t), 'bad.json');
  fs.writeFileSync(file, JSON.stringify({ schedules: [{ id: 'a', job: 'run', stream: 'order', cron: '* * * * *' }, { id: 'b', job: 'run', stream: 'orders', cron: '61 * * * *', tz: 'UTC' }] }));
  const r = await runCli(['scheduler', '--once', '--schedules', file], { env: { HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix } });
  t.is(r.code, 2);
  t.regex(r.stderr, /schedule "a": "stream" must be one of/);
  // Field ranges are BullMQ's to check: the valid-looking entry is tried and its error reported too.
  const fine = path.join(tempDir(t), 'fine.json');
  fs.writeFileSync(fine, JSON.stringify({ schedules: [{ id: 'b', job: 'run', stream: 'orders', cron: '61 * * * *', tz: 'UTC' }] }));
  const r2 = await runCli(['scheduler', '--once', '--schedules', fine], { env: { HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix } });
  t.is(r2.code, 2, r2.stderr);
  t.regex(r2.stderr, /schedule "b": /);
});
