// After a crash the next inline run does not wait silently: a lease left by a process gone from this
// host is taken over at once, and a lease held on another host is waited for, naming holder and expiry.
import fs from 'node:fs';
import test from 'ava';
import { openDb, rawRows } from '../lib/db.js';
import { freshWarehouseUrl, runCli, target, tempSqliteUrl, testWith, WAREHOUSES } from './helpers.js';
import { spawnCli } from './queue-helpers.js';
import { generate } from './stream-helpers.js';

test('a run killed with SIGKILL: the next run takes its lease over at once instead of waiting for it to expire', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '400', '--seed', '91']);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh };
  const victim = spawnCli(t, ['run', '--stream', 'orders', '--batch-size', '2'], { ...env, HUB_LOG_LEVEL: 'debug' });
  await victim.waitForOutput(/batch committed/);
  victim.child.kill('SIGKILL');
  t.is(await victim.exited, 'SIGKILL');

  const started = Date.now();
  // The lease lasts 60 s: a run that waited for it would take a minute at least.
  const next = await runCli(['run', '--stream', 'orders'], { env });
  const ms = Date.now() - started;
  t.is(next.code, 0, next.stderr);
  t.true(ms < 30_000, `took ${ms} ms`);
  t.log(`the next run finished ${ms} ms after the kill`);
  // The holder is the process doing the work: the command's own (with NODE_OPTIONS setting the heap cap) or
  // the capped child its launcher started, which went down with it.
  const taken = /took over the lease of orders from pid (\d+) on this host, which is no longer running/.exec(next.stderr);
  t.truthy(taken, next.stderr);
  const holder = Number(taken![1]);
  const gone = (pid: number) => !fs.existsSync(`/proc/${pid}`) || /^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  t.true(holder === victim.child.pid || gone(holder), `pid ${holder} is still running`);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  const runs = await rawRows<{ status: string }>(db, db.dialect, "select status from etl_run where stream = 'orders' order by run_id");
  t.deepEqual(runs.map((r) => r.status), ['abandoned', 'succeeded']);
});

for (const kind of WAREHOUSES) testWith(kind)(`${kind}: a lease held on another host is waited for, with one line naming the host, its pid and the expiry`, async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = await freshWarehouseUrl(t, kind, 'lease');
  if (!wh) return;
  await generate(t, src, ['--orders', '40', '--seed', '92']);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh };
  const first = await runCli(['run', '--stream', 'categories'], { env });
  t.is(first.code, 0, first.stderr);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  // Held for 8 more seconds by pid 4242 of a host that is not this one (long enough for a loaded machine to start the next run).
  await db.knex('etl_lock').where({ stream: 'categories' }).update({
    owner: 'etl-box-2:4242:0badc0de', holder_host: 'etl-box-2', holder_pid: 4242, released_at: null,
    expires_at: db.knex.raw(db.sql.nowUtcPlus(8_000)),
  });
  const [{ until }] = await rawRows<{ until: string }>(db, db.dialect, "select expires_at as until from etl_lock where stream = 'categories'") as [{ until: string }];
  const started = Date.now();
  const r = await runCli(['run', '--stream', 'categories', '--lock-wait', '60s'], { env });
  const ms = Date.now() - started;
  t.is(r.code, 0, r.stderr);
  const waits = r.stderr.split('\n').filter((l) => l.includes('waiting for the lease'));
  t.is(waits.length, 1, `said once: ${r.stderr}`);
  t.true(waits[0]!.includes(`waiting for the lease of categories held by etl-box-2 pid 4242 until ${until} UTC`), waits[0]);
  t.true(ms >= 3_000, `waited for the expiry (${ms} ms)`);
});
