// Redis restarted in the middle of a backfill (a server of the test's own, persisting to an
// append-only file): workers and the waiting backfill command ride it out and the result is identical.
import test from 'ava';
import { needRedis, testWith } from './helpers.js';
import { backfillRuns, migratedWarehouse, privateRedis, queuePrefix, sleep, sourceDays, spawnCli, spawnWorker, waitFor } from './queue-helpers.js';
import { checksums, contextFor, freshUrl, generate, run } from './stream-helpers.js';

testWith('redis', 'MariaDB')('Redis restarted in the middle of a backfill: it completes with an identical result once Redis is back', async (t) => {
  if (!(await needRedis(t))) return;
  const src = await freshUrl(t, 'MariaDB', 'rr_src');
  const wh = await freshUrl(t, 'MariaDB', 'rr_wh');
  const fresh = await freshUrl(t, 'MariaDB', 'rr_full');
  if (!src || !wh || !fresh) return;
  const redis = await privateRedis(t);
  await generate(t, src, ['--orders', '300', '--seed', '61']);
  await migratedWarehouse(wh);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: redis.url, HUB_QUEUE_PREFIX: queuePrefix(t, redis.url) };
  const workers = await Promise.all([spawnWorker(t, env), spawnWorker(t, env)]);
  // About 30 chunks per stream: enough that Redis goes away in the middle.
  const { from, to, days } = await sourceDays(src);
  const backfill = spawnCli(t, ['backfill', '--all', '--from', from, '--to', to, '--chunk', `${Math.ceil(days / 30)}d`, '--batch-size', '10'], env);

  await waitFor('some chunks to be done', async () => (await backfillRuns(wh)).filter((r) => r.status === 'succeeded').length >= 10, 60_000, 100);
  const before = (await backfillRuns(wh)).length;
  await redis.stop();
  await sleep(2_000);
  await redis.start();

  t.is(await backfill.exited, 0, backfill.stderr().slice(-3000));
  const total = Number(/: (\d+) chunks of/.exec(backfill.stdout())?.[1]);
  t.true(before < total, `Redis went away with ${before} of ${total} chunks started`);
  t.regex(backfill.stdout(), new RegExp(`${total}/${total} chunks done \\(100%\\), 0 failed`));
  await run(contextFor(t, src, fresh), { mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(wh), await checksums(fresh));

  for (const w of workers) t.is(w.child.exitCode, null, 'the worker survived the outage');
  t.regex(workers.map((w) => w.stderr()).join(''), /redis connection lost|worker error/);
  for (const w of workers) w.child.kill('SIGTERM');
  t.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0]);
});
