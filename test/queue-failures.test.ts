// Queue behaviour that needs Redis but no store: retry-or-fail on real errors, request folding,
// and the Redis checks at start.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { enqueueRuns, enqueueVerify } from '../jobs/queue/enqueue.js';
import { JOB } from '../jobs/queue/names.js';
import { openQueues } from '../jobs/queue/queues.js';
import { startWorker } from '../jobs/queue/worker.js';
import { needRedis, REDIS_URL, runCli, tempDir, tempSqliteUrl, testWith } from './helpers.js';
import { privateRedis, queueContext, queuePrefix, waitFor } from './queue-helpers.js';
import { generate, run } from './stream-helpers.js';

testWith('redis')('a lost connection is retried with backoff; a fatal error fails the job at once, its error kept', async (t) => {
  if (!(await needRedis(t))) return;
  const prefix = queuePrefix(t);
  const wh = tempSqliteUrl(t, 'wh.db');
  // Nothing listens on port 1: connecting to the source is refused, which may work on a later attempt.
  const retriable = queueContext(t, { source: 'mysql://root@127.0.0.1:1/nowhere', warehouse: wh, prefix });
  const worker = await startWorker(retriable, { concurrency: 1, migrate: true });
  t.teardown(() => worker.close());
  const [queued] = await enqueueRuns(worker.queues, { streams: ['orders'], mode: 'incremental', requestedBy: 'test' });
  const job = await waitFor('the first attempt to fail', async () => {
    const j = await worker.queues.runs.getJob(queued!.jobId);
    return j && j.attemptsMade >= 1 ? j : undefined;
  }, 30_000);
  t.is(await job.getState(), 'delayed', 'scheduled for another attempt');
  t.regex(job.failedReason, /ECONNREFUSED|connect/i);
  t.is(job.opts.attempts, 6);
  await worker.close();

  // A missing SQLite source is a configuration problem: no attempt can fix it.
  const fatalPrefix = queuePrefix(t);
  const missing = path.join(tempDir(t), 'no-such-source.db');
  const fatal = queueContext(t, { source: `sqlite:${missing}`, warehouse: tempSqliteUrl(t, 'wh2.db'), prefix: fatalPrefix });
  const w2 = await startWorker(fatal, { concurrency: 1, migrate: true });
  t.teardown(() => w2.close());
  const [q2] = await enqueueRuns(w2.queues, { streams: ['orders'], mode: 'incremental', requestedBy: 'test' });
  // A job written by some other program version: refused without retries.
  const odd = await w2.queues.runs.add(JOB.run, { stream: 'orders', mode: 'sideways', requestedBy: 'v0' }, { attempts: 6 });
  for (const id of [q2!.jobId, odd.id!]) {
    await waitFor(`job ${id} to fail`, async () => (await w2.queues.runs.getJobState(id)) === 'failed', 30_000);
    const j = (await w2.queues.runs.getJob(id))!;
    t.is(j.attemptsMade, 1, `no second attempt: ${id} ${j.failedReason} started ${j.attemptsStarted}`);
  }
  t.regex((await w2.queues.runs.getJob(q2!.jobId))!.failedReason, /does not exist/);
  t.regex((await w2.queues.runs.getJob(odd.id!))!.failedReason, /"mode" must be incremental or full_refresh/);
});

testWith('redis')('run --queue prints the job ids, and a request for a stream whose run is waiting folds into it', async (t) => {
  if (!(await needRedis(t))) return;
  const prefix = queuePrefix(t);
  const env = { HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix, HUB_WAREHOUSE_URL: tempSqliteUrl(t, 'wh.db') };
  const first = await runCli(['run', '--queue', '--stream', 'orders,refunds'], { env });
  t.is(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split('\n').map((l) => l.split('\t'));
  t.deepEqual(lines.map((l) => [l[0], l[1]]), [['orders', 'queued'], ['refunds', 'queued']]);
  const second = await runCli(['run', '--queue', '--stream', 'orders', '--json'], { env });
  t.is(second.code, 0, second.stderr);
  const [again] = JSON.parse(second.stdout) as Array<{ stream: string; jobId: string; deduplicated: boolean }>;
  t.true(again!.deduplicated);
  t.is(again!.jobId, lines[0]![2]!);
  // A full refresh is a different request: not folded into the incremental one.
  const full = await runCli(['run', '--queue', '--stream', 'orders', '--full-refresh'], { env });
  t.regex(full.stdout, /^orders\tqueued\t/);
  const ctx = queueContext(t, { source: tempSqliteUrl(t, 'src.db'), warehouse: tempSqliteUrl(t, 'w.db'), prefix });
  const queues = await openQueues(ctx);
  t.teardown(() => queues.close());
  t.is(await queues.runs.getWaitingCount(), 3);
});

testWith('redis')('at start, a Redis that may evict keys is named in a warning, and an unreachable one is a clear error', async (t) => {
  if (!(await needRedis(t))) return;
  const redis = await privateRedis(t);
  spawnSync('redis-cli', ['-p', String(redis.port), 'config', 'set', 'maxmemory-policy', 'allkeys-lru']);
  const env = { HUB_REDIS_URL: redis.url, HUB_QUEUE_PREFIX: queuePrefix(t, redis.url), HUB_WAREHOUSE_URL: tempSqliteUrl(t, 'wh.db') };
  const r = await runCli(['run', '--queue', '--stream', 'orders'], { env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /maxmemory-policy is allkeys-lru, not noeviction/);
  await redis.stop();
  const down = await runCli(['run', '--queue', '--stream', 'orders'], { env: { ...env, HUB_REDIS_URL: redis.url.replace('redis://', 'redis://:s3cret@') } });
  t.is(down.code, 1);
  t.regex(down.stderr, /^hub-etl: cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/m);
  t.false(down.stderr.includes('s3cret'));
});

testWith('redis')('a verify job fails at once, naming the mismatches, while the warehouse is behind, and succeeds once it is loaded', async (t) => {
  if (!(await needRedis(t))) return;
  const prefix = queuePrefix(t);
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '60', '--seed', '71']);
  const ctx = queueContext(t, { source: src, warehouse: wh, prefix });
  const worker = await startWorker(ctx, { concurrency: 1, migrate: true });
  t.teardown(() => worker.close());
  const behind = await enqueueVerify(worker.queues, 'test');
  await waitFor('verify to fail', async () => (await worker.queues.runs.getJobState(behind.jobId)) === 'failed', 30_000);
  const failed = (await worker.queues.runs.getJob(behind.jobId))!;
  t.is(failed.attemptsMade, 1);
  t.regex(failed.failedReason, /^verify found \d+ mismatch(es)?: .*orders/);
  await run(ctx, { lookbackMs: 0, safetyLagMs: 0 });
  const loaded = await enqueueVerify(worker.queues, 'test');
  await waitFor('verify to pass', async () => (await worker.queues.runs.getJobState(loaded.jobId)) === 'completed', 30_000);
  t.like((await worker.queues.runs.getJob(loaded.jobId))!.returnvalue, { ok: true });
});
