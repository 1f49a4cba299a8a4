// One run per stream at a time: three workers, a burst of 50 queued requests and inline runs racing
// them never make two runs of a stream overlap, the warehouse equals a single run's result, and a
// queued run of a stream held elsewhere waits for it.
import test from 'ava';
import { acquireLease, runStreamsExclusive } from '../jobs/lock.js';
import { enqueueRuns } from '../jobs/queue/enqueue.js';
import { openQueues } from '../jobs/queue/queues.js';
import { startWorker } from '../jobs/queue/worker.js';
import { DEFAULT_RUN } from '../jobs/run.js';
import { openDb } from '../lib/db.js';
import { needRedis, target, tempSqliteUrl, testWith } from './helpers.js';
import { migratedWarehouse, overlaps, queueContext, queuePrefix, runIntervals, waitFor } from './queue-helpers.js';
import { checksums, contextFor, freshUrl, generate, run } from './stream-helpers.js';

testWith('redis', 'MariaDB')('three workers and a burst of 50 run requests (plus two inline runs) never run the stream twice at once', async (t) => {
  if (!(await needRedis(t))) return;
  const src = await freshUrl(t, 'MariaDB', 'burst_src');
  const wh = await freshUrl(t, 'MariaDB', 'burst_wh');
  const single = await freshUrl(t, 'MariaDB', 'burst_one');
  if (!src || !wh || !single) return;
  await generate(t, src, ['--orders', '300', '--seed', '41']);
  await migratedWarehouse(wh);
  const prefix = queuePrefix(t);
  const workers = await Promise.all([1, 2, 3].map(() => startWorker(queueContext(t, { source: src, warehouse: wh, prefix }), { concurrency: 3, lease: { leaseMs: 10_000 } })));
  t.teardown(() => Promise.all(workers.map((w) => w.close())));

  const producer = queueContext(t, { source: src, warehouse: wh, prefix });
  const queues = await openQueues(producer);
  t.teardown(() => queues.close());
  // Small batches make each run long enough for the requests to meet it in every state.
  const opts = { batchSize: 20, lookbackMs: DEFAULT_RUN.lookbackMs, safetyLagMs: DEFAULT_RUN.safetyLagMs };
  const burst = Array.from({ length: 50 }, (_, i) => new Promise((r) => setTimeout(r, i * 20)).then(() =>
    enqueueRuns(queues, { streams: ['orders'], mode: 'incremental', requestedBy: `burst-${i}`, ...opts })));
  // Two hosts' cron running `hub-etl run` inline at the same time: the warehouse lease serialises them.
  const inline = [1, 2].map(() => runStreamsExclusive(queueContext(t, { source: src, warehouse: wh, prefix }), { streams: ['orders'], mode: 'incremental', ...opts }, { waitMs: 120_000, pollMs: 100 }));
  const enqueued = (await Promise.all(burst)).flat();
  t.true(enqueued.filter((e) => e.deduplicated).length >= 40, `${enqueued.filter((e) => e.deduplicated).length} of 50 requests folded into a run already queued`);
  await Promise.all(inline);
  await waitFor('the queue to drain', async () => {
    const c = await queues.runs.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, 90_000, 250);

  const runs = await runIntervals(wh, 'orders');
  t.log(`${runs.length} runs of orders for 50 queued requests and 2 inline runs`);
  t.true(runs.length >= 3, "two inline runs and at least one queued run");
  t.true(runs.every((r) => r.status === 'succeeded'), JSON.stringify(runs));
  t.deepEqual(overlaps(runs), []);

  await run(contextFor(t, src, single), { streams: ['orders'] });
  t.deepEqual(await checksums(wh), await checksums(single));
});

testWith('redis')('a queued run of a stream another process holds waits, spending no attempt, and runs once the stream is free', async (t) => {
  if (!(await needRedis(t))) return;
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '40', '--seed', '42']);
  await migratedWarehouse(wh);
  const prefix = queuePrefix(t);
  // Someone else (a cron `hub-etl run` on another host, a frozen worker) holds the stream.
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  const held = await acquireLease(db, 'orders', { leaseMs: 60_000 });
  const worker = await startWorker(queueContext(t, { source: src, warehouse: wh, prefix }), { concurrency: 1, lease: { waitMs: 300 } });
  t.teardown(() => worker.close());
  const [queued] = await enqueueRuns(worker.queues, { streams: ['orders'], mode: 'incremental', requestedBy: 'test' });
  await waitFor('the run to wait in the delayed set', async () => (await worker.queues.runs.getJobState(queued!.jobId)) === 'delayed', 20_000);
  t.deepEqual(await runIntervals(wh, 'orders'), [], 'nothing ran while the stream was held');
  await held.release();
  await waitFor('the run to complete', async () => (await worker.queues.runs.getJobState(queued!.jobId)) === 'completed', 30_000);
  const job = (await worker.queues.runs.getJob(queued!.jobId))!;
  t.is(job.attemptsMade, 1, 'waiting spent no attempt');
  t.deepEqual((await runIntervals(wh, 'orders')).map((r) => r.status), ['succeeded']);
});
