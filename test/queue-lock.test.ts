// The stream lease (jobs/lock.ts) on SQLite, MariaDB and PostgreSQL: one holder at a time, waiting, expiry, loss.
import { spawn } from 'node:child_process';
import os from 'node:os';
import test, { type ExecutionContext } from 'ava';
import { acquireLease, leaseHolder, LeaseBusyError, processAlive, withStreamLease } from '../jobs/lock.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { openDb, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { freshWarehouseUrl, target, testWith, type Warehouse, WAREHOUSES } from './helpers.js';
import { sleep } from './queue-helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

/** The pid of a process that existed and is gone now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A process that stays alive until the test ends. */
function livePid(t: ExecutionContext): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  return child.pid!;
}

async function warehouse(t: ExecutionContext, backend: Warehouse): Promise<Db | null> {
  const url = await freshWarehouseUrl(t, backend, 'lock');
  if (!url) return null;
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await migrate(db, logger);
  return db;
}

for (const backend of WAREHOUSES) {
  testWith(backend)(`${backend}: a held stream lease is refused to a second holder, who is told who holds it`, async (t) => {
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

  testWith(backend)(`${backend}: a waiting holder gets the lease as soon as it is released`, async (t) => {
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

  testWith(backend)(`${backend}: a lease that is not renewed expires, and its old holder learns that it lost it`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    // Simulates a holder frozen past its lease: its renewals stop, someone else takes over.
    const frozen = await acquireLease(db, 'orders', { leaseMs: 1_500 });
    const k = db.knex;
    await k('etl_lock').where({ stream: 'orders' }).update({ expires_at: k.raw(db.sql.nowUtc()) });
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

  testWith(backend)(`${backend}: withStreamLease renews a lease while the work goes on and releases it after`, async (t) => {
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

for (const backend of WAREHOUSES) {
  testWith(backend)(`${backend}: a lease whose holder process on this host is gone is taken over at once, one held by a live process is not`, async (t) => {
    const db = await warehouse(t, backend);
    if (!db) return;
    const held = await acquireLease(db, 'orders', { leaseMs: 60_000 });
    // The same lease as a crashed process on this host would have left it: still valid for a minute.
    const dead = await deadPid();
    t.false(processAlive(dead));
    await held.release();
    const other = await acquireLease(db, 'orders', { leaseMs: 60_000 });
    await db.knex('etl_lock').where({ stream: 'orders' }).update({ holder_pid: dead });
    t.is((await leaseHolder(db, 'orders'))!.host, os.hostname());
    const started = Date.now();
    const taker = await acquireLease(db, 'orders', { leaseMs: 60_000, waitMs: 0 });
    t.true(Date.now() - started < 5_000);
    t.not(taker.owner, other.owner);
    const now = (await leaseHolder(db, 'orders'))!;
    t.is(now.owner, taker.owner);
    t.is(now.pid, process.pid);
    await taker.release();

    // A live process of this host keeps its lease: whoever comes next waits, and then gives up.
    const kept = await acquireLease(db, 'orders', { leaseMs: 60_000 });
    await db.knex('etl_lock').where({ stream: 'orders' }).update({ holder_pid: livePid(t) });
    await t.throwsAsync(acquireLease(db, 'orders', { leaseMs: 60_000, waitMs: 300, pollMs: 100 }), { instanceOf: LeaseBusyError });
    // Nor is a lease of another host taken over, whatever its pid.
    await db.knex('etl_lock').where({ stream: 'orders' }).update({ holder_host: 'some-other-host', holder_pid: dead });
    await t.throwsAsync(acquireLease(db, 'orders', { leaseMs: 60_000, waitMs: 300, pollMs: 100 }), { instanceOf: LeaseBusyError });
    await kept.release();
  });
}
