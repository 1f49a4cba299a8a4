// The stream lease (jobs/lock.ts) on SQLite and MariaDB: one holder at a time, waiting, expiry, loss.
import test from 'ava';
import { acquireLease, leaseHolder, LeaseBusyError, withStreamLease } from '../jobs/lock.js';
import { migrate } from '../jobs/migrate.js';
import { openDb, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { target } from './helpers.js';
import { sleep } from './queue-helpers.js';
import { BACKENDS, freshUrl } from './stream-helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

async function warehouse(t: Parameters<typeof freshUrl>[0], backend: (typeof BACKENDS)[number]): Promise<Db | null> {
  const url = await freshUrl(t, backend, 'lock');
  if (!url) return null;
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await migrate(db, logger);
  return db;
}

for (const backend of BACKENDS) {
  test(`${backend}: a held stream lease is refused to a second holder, who is told who holds it`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    const first = await acquireLease(db, 'orders', { leaseMs: 30_000 });
    const err = await t.throwsAsync(acquireLease(db, 'orders', { leaseMs: 30_000 }), { instanceOf: LeaseBusyError });
    t.true(err!.retriable);
    t.regex(err!.message, new RegExp(`stream orders is being run by ${first.owner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Another stream is not affected.
    const other = await acquireLease(db, 'products', { leaseMs: 30_000 });
    await other.release();
    await first.release();
    const again = await acquireLease(db, 'orders', { leaseMs: 30_000 });
    t.not(again.owner, first.owner);
    await again.release();
    t.false((await leaseHolder(db, 'orders'))!.held);
  });

  test(`${backend}: a waiting holder gets the lease as soon as it is released`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    const first = await acquireLease(db, 'orders', { leaseMs: 30_000 });
    const started = Date.now();
    setTimeout(() => void first.release(), 700);
    const second = await acquireLease(db, 'orders', { leaseMs: 30_000, waitMs: 20_000, pollMs: 100 });
    t.true(Date.now() - started >= 600);
    t.true(Date.now() - started < 10_000);
    await second.release();
  });

  test(`${backend}: a lease that is not renewed expires, and its old holder learns that it lost it`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    // Simulates a holder frozen past its lease: its renewals stop, someone else takes over.
    const frozen = await acquireLease(db, 'orders', { leaseMs: 1_500 });
    const k = db.knex;
    await k('etl_lock').where({ stream: 'orders' }).update({ expires_at: db.dialect === 'mysql' ? k.raw('utc_timestamp(3)') : k.raw("strftime('%Y-%m-%d %H:%M:%f', 'now')") });
    const taker = await acquireLease(db, 'orders', { leaseMs: 30_000 });
    await sleep(800);
    t.true(frozen.lost.aborted, 'the frozen holder noticed the takeover at its next renewal');
    t.regex(String((frozen.lost.reason as Error).message), /another process took it over/);
    // Its release does not free the new holder's lease.
    await frozen.release();
    t.is((await leaseHolder(db, 'orders'))!.owner, taker.owner);
    t.true((await leaseHolder(db, 'orders'))!.held);
    await taker.release();
  });

  test(`${backend}: withStreamLease renews a lease while the work goes on and releases it after`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    const result = await withStreamLease(db, 'refunds', { leaseMs: 600 }, async (lease) => {
      await sleep(1_500);
      t.false(lease.lost.aborted);
      t.true((await leaseHolder(db, 'refunds'))!.held, 'still held after more than twice its length');
      return 42;
    });
    t.is(result, 42);
    t.false((await leaseHolder(db, 'refunds'))!.held);
  });
}
