// Backfills over worker processes: identical to a full refresh, a live bar to 100 %, a repeat skips
// the chunks done, failed chunks reported and retried, request mistakes are usage errors.
import test from 'ava';
import { startWorker } from '../jobs/queue/worker.js';
import { needRedis, REDIS_URL, runCli, tempSqliteUrl, testWith } from './helpers.js';
import { backfillRuns, migratedWarehouse, queueContext, queuePrefix, sourceDays, spawnWorker } from './queue-helpers.js';
import { checksums, contextFor, count, freshUrl, generate, run, writableSource } from './stream-helpers.js';

testWith('redis', 'MariaDB').serial('a backfill of 60-odd chunks over two worker processes equals a full refresh, its bar reaches 100 %, and a repeat skips every chunk', async (t) => {
  if (!(await needRedis(t))) return;
  const src = await freshUrl(t, 'MariaDB', 'bf_src');
  const wh = await freshUrl(t, 'MariaDB', 'bf_wh');
  const fresh = await freshUrl(t, 'MariaDB', 'bf_full');
  if (!src || !wh || !fresh) return;
  await generate(t, src, ['--orders', '300', '--seed', '31']);
  await migratedWarehouse(wh);
  const prefix = queuePrefix(t);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix };
  const workers = await Promise.all([spawnWorker(t, env, ['--concurrency', '2']), spawnWorker(t, env, ['--concurrency', '2'])]);

  // Nine chunks per windowed stream over the store's whole history: 7 × 9 + categories' one = 64.
  const { from, to, days } = await sourceDays(src);
  const chunkHours = Math.floor((days * 24) / 9);
  const args = ['backfill', '--all', '--from', from, '--to', to, '--chunk', `${chunkHours}h`];
  const r = await runCli(args, { env, timeoutMs: 150_000 });
  t.is(r.code, 0, r.stderr.slice(-3000));
  const total = Number(/: (\d+) chunks of/.exec(r.stdout)?.[1]);
  t.true(total >= 60, `${total} chunks`);
  t.regex(r.stdout, new RegExp(`${total}/${total} chunks done \\(100%\\), 0 failed`));
  t.regex(r.stderr, new RegExp(`backfill \\[[^\\]]*\\] 100% \\| ${total}/${total} chunks \\| \\d+ rows`));

  await run(contextFor(t, src, fresh), { mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(wh), await checksums(fresh));
  const runs = await backfillRuns(wh);
  t.is(runs.filter((x) => x.status === 'succeeded').length, total, 'each chunk succeeded once');
  // Concurrent chunks may deadlock on MariaDB's gap locks: those attempts failed and were retried.
  const retried = runs.filter((x) => x.status !== 'succeeded');
  t.true(retried.every((x) => /ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT/.test(x.error ?? '')), JSON.stringify(retried.map((x) => x.error?.slice(-200))));
  if (retried.length) t.log(`${retried.length} chunk attempts hit a deadlock and were retried`);
  t.is(new Set(runs.map((x) => x.host)).size, 2, 'both worker processes took chunks');

  const again = await runCli(args, { env, timeoutMs: 60_000 });
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /already queued before/);
  t.regex(again.stdout, /\(100%\)/);
  t.is((await backfillRuns(wh)).length, runs.length, 'no chunk ran again');

  for (const w of workers) w.child.kill('SIGTERM');
  t.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0]);
});

testWith('redis').serial('a chunk that fails for good is reported with its error; --status shows it and --retry-failed completes the backfill', async (t) => {
  if (!(await needRedis(t))) return;
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '120', '--seed', '32']);
  const prefix = queuePrefix(t);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix };
  const worker = await startWorker(queueContext(t, { source: src, warehouse: wh, prefix }), { concurrency: 2, migrate: true });
  t.teardown(() => worker.close());
  const { from, to, days } = await sourceDays(src);
  const source = await writableSource(t, src);
  // A replica missing a table is a fatal error: the chunks fail at once, without retries.
  await source.knex.raw('alter table ali1688_order_refund rename to ali1688_order_refund_away');
  const args = ['backfill', '--stream', 'refunds', '--from', from, '--to', to, '--chunk', `${Math.ceil(days / 3)}d`];
  const failed = await runCli(args, { env, timeoutMs: 60_000 });
  t.is(failed.code, 1, failed.stderr);
  t.regex(failed.stdout, /0\/3 chunks done \(0%\), 3 failed/);
  t.regex(failed.stdout, /failed bf-\w+-refunds-00000 refunds \[.*\) after 1 attempt\(s\): .*missing table ali1688_order_refund/);
  t.regex(failed.stdout, /--retry-failed/);

  const status = await runCli(['backfill', '--status', '--json'], { env });
  t.is(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { total: number; done: number; failed: unknown[]; spec: { streams: string[] } };
  t.like(s, { total: 3, done: 0, spec: { streams: ['refunds'] } });
  t.is(s.failed.length, 3);

  await source.knex.raw('alter table ali1688_order_refund_away rename to ali1688_order_refund');
  const retried = await runCli(['backfill', '--retry-failed'], { env, timeoutMs: 60_000 });
  t.is(retried.code, 0, retried.stderr);
  t.regex(retried.stdout, /queued 3 failed chunks again/);
  t.regex(retried.stdout, /3\/3 chunks done \(100%\), 0 failed/);
  const whCtx = contextFor(t, src, wh);
  t.is(await count(await whCtx.warehouse(), 'select count(*) as n from fct_refund'), await count(source, 'select count(*) as n from ali1688_order_refund'));
});

testWith('redis')('backfill request mistakes exit 2 naming the option, before anything is queued', async (t) => {
  if (!(await needRedis(t))) return;
  const env = { HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix(t) };
  const cases: Array<[string[], RegExp]> = [
    [['--stream', 'ordres', '--from', '2024-05-01', '--to', '2024-05-02'], /^hub-etl: --stream: unknown stream ordres/],
    [['--all', '--to', '2024-05-02'], /^hub-etl: --from: /],
    [['--all', '--from', '2024-05-03', '--to', '2024-05-02'], /^hub-etl: --to: /],
    [['--all', '--from', '2024-05-01', '--to', '2024-05-02', '--chunk', 'often'], /^hub-etl: --chunk: /],
    [['--status'], /^hub-etl: --status: no backfill has been queued/],
    [['--status', '--all'], /^hub-etl: --status: acts on the last backfill/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['backfill', ...args], { env });
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr.slice(-500)}`);
    t.regex(r.stderr, message, args.join(' '));
  }
});
