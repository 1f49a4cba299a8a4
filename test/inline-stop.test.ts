// Inline run, export and verify stopped with SIGINT/SIGTERM: the batch in hand commits, the lease is
// released at once, no half-written export file is left, and the exit code is 130 or 143.
import fs from 'node:fs';
import os from 'node:os';
import test from 'ava';
import { leaseHolder } from '../jobs/lock.js';
import { openDb, rawRows } from '../lib/db.js';
import knexFactory from 'knex';
import { needMysql, runCli, target, tempDir, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';
import { spawnCli, waitFor, type CliProcess } from './queue-helpers.js';
import { generate } from './stream-helpers.js';

/**
 * The process doing the work: the launcher's capped child (cli/launch.ts), or the spawned process itself
 * when it runs uncapped.
 */
function workerPid(launcher: number): number {
  const children = fs.readFileSync(`/proc/${launcher}/task/${launcher}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.length > 0 ? Number(children[0]) : launcher;
}

/** Whether `signal` waits, not yet handled, for the (stopped) process `pid`. */
function signalPending(pid: number, signal: NodeJS.Signals): boolean {
  const bit = 1n << BigInt(os.constants.signals[signal] - 1);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return ['SigPnd', 'ShdPnd'].some((f) => (BigInt(`0x${new RegExp(`^${f}:\\s*([0-9a-f]+)$`, 'm').exec(status)![1]!}`) & bit) !== 0n);
}

/** Whether `pid` is stopped (state T in /proc/<pid>/stat; the name before it may hold spaces). */
function stopped(pid: number): boolean {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

/**
 * Sends `signal` to the command while the process doing the work is frozen right after it printed `re`,
 * and lets it go on only once the launcher has passed the signal on: the signal lands in the middle of
 * the work however fast (or loaded) the machine is.
 */
async function signalAfter(p: CliProcess, re: RegExp, signal: NodeJS.Signals): Promise<void> {
  // Frozen from the handler of the output itself: polling for it could come after a short job's end.
  const worker = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (!re.test(seen)) return;
      const pid = workerPid(p.child.pid!);
      process.kill(pid, 'SIGSTOP');
      p.child.stdout!.off('data', onData);
      p.child.stderr!.off('data', onData);
      resolve(pid);
    };
    p.child.stdout!.on('data', onData);
    p.child.stderr!.on('data', onData);
    p.child.once('exit', (code) => reject(new Error(`exited ${code} before printing ${re}: ${p.stderr().slice(-2000)}`)));
  });
  try {
    // SIGSTOP takes effect asynchronously, and a signal numbered lower (SIGINT, SIGTERM) pending beside it
    // is taken first: the frozen process would then hold it handled but unanswered. Frozen first, it stays pending.
    await waitFor('the worker frozen', () => stopped(worker), 10_000, 5);
    p.child.kill(signal);
    await waitFor(`${signal} passed on to the worker`, () => signalPending(worker, signal), 10_000, 10);
  } finally {
    // Never leave it frozen: a stopped orphan would hold the test's pipes open for ever.
    process.kill(worker, 'SIGCONT');
  }
}

/** The positions of the batches the run logged as committed, in order. */
function committedPositions(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes('"batch committed"')).map((l) => String((JSON.parse(l) as { position: string }).position));
}

test('SIGINT stops an inline run after a committed batch: exit 130, lease released at once, watermark at that batch', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '600', '--seed', '81']);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_LOG_LEVEL: 'debug' };
  const p = spawnCli(t, ['run', '--stream', 'orders', '--batch-size', '2'], env);
  await signalAfter(p, /batch committed/, 'SIGINT');
  t.is(await p.exited, 130, p.stderr().slice(-2000));
  t.regex(p.stderr(), /SIGINT: stopping after the batch in hand commits/);
  t.regex(p.stdout(), /orders\s+#1\s+interrupted/);

  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  const holder = (await leaseHolder(db, 'orders'))!;
  t.false(holder.held, 'released, not left to expire');
  const [lock] = await rawRows<{ released_at: unknown }>(db, db.dialect, "select released_at from etl_lock where stream = 'orders'");
  t.truthy(lock?.released_at);
  const [run] = await rawRows<{ status: string; rows_read: unknown }>(db, db.dialect, "select status, rows_read from etl_run where stream = 'orders'");
  t.is(run?.status, 'interrupted');
  t.true(Number(run?.rows_read) > 0 && Number(run?.rows_read) < 600, `stopped part-way (${String(run?.rows_read)} rows read)`);
  const positions = committedPositions(p.stderr());
  const [wm] = await rawRows<{ v: unknown }>(db, db.dialect, "select cursor_value as v from etl_watermark where stream = 'orders'");
  t.is(String(wm?.v), positions[positions.length - 1] ?? 'no batch logged', 'the watermark is the last committed batch');

  // The next run starts at once (no lease to wait for) and loads the rest.
  const started = Date.now();
  const again = await runCli(['run', '--stream', 'orders'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(again.code, 0, again.stderr);
  t.false(again.stderr.includes('waiting for the lease'));
  t.true(Date.now() - started < 30_000);
  const [n] = await rawRows<{ n: unknown }>(db, db.dialect, 'select count(*) as n from fct_order');
  t.is(Number(n?.n), 600);
});

test('SIGTERM stops an export: exit 143 and no file, partial or temporary, is left', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  const out = tempDir(t);
  await generate(t, src, ['--orders', '1500', '--seed', '82']);
  const load = await runCli(['run'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(load.code, 0, load.stderr);
  // The bar's first line is printed once the rows are counted and before the first is written.
  const p = spawnCli(t, ['export', '--table', 'fct_order_line', '--out', out, '--progress'], { HUB_WAREHOUSE_URL: wh });
  await signalAfter(p, /0\/\d{4,} rows/, 'SIGTERM');
  t.is(await p.exited, 143, p.stderr().slice(-2000));
  t.regex(p.stderr(), /SIGTERM: stopping the export/);
  t.deepEqual(fs.readdirSync(out), []);
  t.is(p.stdout(), '');
});

test('SIGINT stops an xlsx export: exit 130 and no workbook, partial or temporary, is left', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  const out = tempDir(t);
  await generate(t, src, ['--orders', '1500', '--seed', '84']);
  const load = await runCli(['run'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(load.code, 0, load.stderr);
  const p = spawnCli(t, ['export', '--table', 'fct_order_line', '--format', 'xlsx', '--out', out, '--progress'], { HUB_WAREHOUSE_URL: wh });
  await signalAfter(p, /0\/\d{4,} rows/, 'SIGINT');
  t.is(await p.exited, 130, p.stderr().slice(-2000));
  t.regex(p.stderr(), /SIGINT: stopping the export/);
  t.deepEqual(fs.readdirSync(out), []);
  t.is(p.stdout(), '');
});

test('SIGTERM stops verify between checks with exit 143 and no report', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '200', '--seed', '83']);
  const load = await runCli(['run'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(load.code, 0, load.stderr);
  const p = spawnCli(t, ['verify'], { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_LOG_LEVEL: 'debug' });
  await signalAfter(p, /verify: row count of categories/, 'SIGTERM');
  t.is(await p.exited, 143, p.stderr().slice(-2000));
  t.is(p.stdout(), '');
  t.false(p.stderr().includes('verify: largest order id'));
  // Left alone, the same verify passes: the stop was the signal's doing.
  const full = await runCli(['verify'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(full.code, 0, full.stdout);
});

testWith('mysql')('a second signal exits at once, removing the temporary file of an export stuck on a locked table', async (t) => {
  if (!(await needMysql(t))) return;
  const src = tempSqliteUrl(t, 'src.db');
  const wh = await tempMysqlDb(t, 'hub_stop');
  const out = tempDir(t);
  await generate(t, src, ['--orders', '50', '--seed', '84']);
  const load = await runCli(['run', '--stream', 'orders'], { env: { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh } });
  t.is(load.code, 0, load.stderr);
  // Another session holds a write lock on the table: the export's query waits for it, and so would a clean stop.
  const locker = knexFactory({ client: 'mysql2', connection: wh, pool: { min: 1, max: 1 } });
  t.teardown(() => locker.destroy());
  await locker.raw('lock tables fct_order write');
  t.teardown(() => locker.raw('unlock tables').then(() => undefined, () => undefined));
  const p = spawnCli(t, ['export', '--table', 'fct_order', '--out', out], { HUB_WAREHOUSE_URL: wh });
  await waitFor('the temporary file', () => fs.readdirSync(out).some((f) => f.includes('.tmp-')), 30_000, 50);
  p.child.kill('SIGTERM');
  await p.waitForOutput(/SIGTERM: stopping the export/);
  const second = Date.now();
  p.child.kill('SIGTERM');
  t.is(await p.exited, 143);
  t.true(Date.now() - second < 5_000);
  t.regex(p.stderr(), /SIGTERM again: exiting at once/);
  t.deepEqual(fs.readdirSync(out), []);
});
