// Worker processes stopped in the middle of work: SIGKILL (the chunk is taken over once its lock runs
// out) and SIGTERM (the chunk in hand finishes, a run stops after its batch; exit 0).
import test from 'ava';
import { lastBackfill, backfillProgress } from '../jobs/queue/backfill.js';
import { openQueues } from '../jobs/queue/queues.js';
import { startWorker } from '../jobs/queue/worker.js';
import { needRedis, REDIS_URL, runCli, testWith } from './helpers.js';
import { backfillRuns, migratedWarehouse, queueContext, queuePrefix, runIntervals, sourceDays, spawnWorker, waitFor } from './queue-helpers.js';
import { checksums, contextFor, freshUrl, generate, run } from './stream-helpers.js';

interface Setup { src: string; wh: string; fresh: string; prefix: string; env: Record<string, string> }

async function setup(t: Parameters<typeof freshUrl>[0], name: string, seed: number): Promise<Setup | null> {
  if (!(await needRedis(t))) return null;
  const src = await freshUrl(t, 'MariaDB', `${name}_src`);
  const wh = await freshUrl(t, 'MariaDB', `${name}_wh`);
  const fresh = await freshUrl(t, 'MariaDB', `${name}_full`);
  if (!src || !wh || !fresh) return null;
  await generate(t, src, ['--orders', '300', '--seed', String(seed)]);
  await migratedWarehouse(wh);
  const prefix = queuePrefix(t);
  return { src, wh, fresh, prefix, env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix } };
}

/** Queues the whole store's orders as one chunk of one-order batches: long enough to stop it midway. */
async function queueOneSlowChunk(s: Setup): Promise<void> {
  const { from, to, days } = await sourceDays(s.src);
  const r = await runCli(['backfill', '--stream', 'orders', '--from', from, '--to', to, '--chunk', `${days}d`, '--batch-size', '1', '--detach'], { env: s.env });
  if (r.code !== 0) throw new Error(r.stderr);
}

async function progressOf(t: Parameters<typeof freshUrl>[0], s: Setup) {
  const queues = await openQueues(queueContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix }));
  t.teardown(() => queues.close());
  const plan = (await lastBackfill(queues))!;
  return () => backfillProgress(queues, plan);
}

testWith('redis', 'MariaDB').serial('a worker killed with SIGKILL mid-chunk: another worker takes the chunk over and the result is identical', async (t) => {
  const s = await setup(t, 'kill', 51);
  if (!s) return;
  const victim = await spawnWorker(t, { ...s.env, HUB_LOG_LEVEL: 'debug' }, ['--lock-duration', '3s']);
  await queueOneSlowChunk(s);
  await victim.waitForOutput(/batch committed/);
  victim.child.kill('SIGKILL');
  t.is(await victim.exited, 'SIGKILL');

  const rescuer = await spawnWorker(t, s.env, ['--lock-duration', '3s']);
  const progress = await progressOf(t, s);
  const p = await waitFor('the chunk to be taken over and completed', async () => {
    const x = await progress();
    return x.complete ? x : undefined;
  }, 90_000, 300);
  t.is(p.failed.length, 0);
  t.regex(rescuer.stderr(), /job stalled|job started/);
  const runs = await backfillRuns(s.wh);
  t.is(runs.length, 2, 'the killed attempt and the one that finished');
  t.deepEqual(runs.map((r) => r.status), ['running', 'succeeded']);

  await run(contextFor(t, s.src, s.fresh), { streams: ['orders'], mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(s.wh), await checksums(s.fresh));
  rescuer.child.kill('SIGTERM');
  t.is(await rescuer.exited, 0);
});

testWith('redis', 'MariaDB').serial('SIGTERM mid-chunk: the worker finishes the chunk, records it done and exits 0', async (t) => {
  const s = await setup(t, 'term', 52);
  if (!s) return;
  const worker = await spawnWorker(t, { ...s.env, HUB_LOG_LEVEL: 'debug' });
  await queueOneSlowChunk(s);
  await worker.waitForOutput(/batch committed/);
  worker.child.kill('SIGTERM');
  t.is(await worker.exited, 0, worker.stderr().slice(-2000));
  t.regex(worker.stderr(), /finishing the jobs in hand/);
  // No other worker ran: the chunk is done because the stopping worker finished it.
  const p = await (await progressOf(t, s))();
  t.true(p.complete);
  t.deepEqual((await backfillRuns(s.wh)).map((r) => r.status), ['succeeded']);
  await run(contextFor(t, s.src, s.fresh), { streams: ['orders'], mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(s.wh), await checksums(s.fresh));
});

testWith('redis', 'MariaDB').serial('SIGTERM during a queued run: it stops after the batch in hand, exits 0, and the next worker finishes the job', async (t) => {
  const s = await setup(t, 'termrun', 53);
  if (!s) return;
  const worker = await spawnWorker(t, { ...s.env, HUB_LOG_LEVEL: 'debug' });
  const q = await runCli(['run', '--queue', '--stream', 'orders', '--full-refresh', '--batch-size', '1'], { env: s.env });
  t.is(q.code, 0, q.stderr);
  const jobId = q.stdout.trim().split('\t')[2]!;
  await worker.waitForOutput(/batch committed/);
  worker.child.kill('SIGTERM');
  t.is(await worker.exited, 0, worker.stderr().slice(-2000));
  const first = await runIntervals(s.wh, 'orders');
  t.deepEqual(first.map((r) => r.status), ['interrupted']);

  const next = await startWorker(queueContext(t, { source: s.src, warehouse: s.wh, prefix: s.prefix }), { concurrency: 1 });
  t.teardown(() => next.close());
  await waitFor('the job to complete on the next worker', async () => (await next.queues.runs.getJobState(jobId)) === 'completed', 60_000);
  const job = (await next.queues.runs.getJob(jobId))!;
  t.is(job.attemptsMade, 1, 'only the attempt that finished counts: handing the job back spent none');
  t.deepEqual((await runIntervals(s.wh, 'orders')).map((r) => r.status), ['interrupted', 'succeeded']);
  await run(contextFor(t, s.src, s.fresh), { streams: ['orders'], mode: 'full_refresh', safetyLagMs: 0 });
  t.deepEqual(await checksums(s.wh), await checksums(s.fresh));
});
