// Workers migrate the warehouse only when told to (--migrate); otherwise they refuse one older than the code.
import test from 'ava';
import { appliedVersion, migrate, pendingVersions } from '../sql/warehouse/migrate.js';
import { openDb } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { LATEST_VERSION, MIGRATIONS } from '../sql/warehouse/migrations.js';
import { needRedis, REDIS_URL, runCli, target, tempSqliteUrl, testWith } from './helpers.js';
import { queuePrefix, spawnWorker } from './queue-helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

/** A warehouse left at an older schema version, as an earlier hub-etl made it. */
async function warehouseAt(url: string, version: number): Promise<void> {
  const db = await openDb(target(url), { create: true });
  try {
    await migrate(db, logger, { to: version });
  } finally {
    await db.close();
  }
}

test('a worker refuses a warehouse older than its code, naming both versions and the fix, and changes nothing', async (t) => {
  const wh = tempSqliteUrl(t, 'wh.db');
  const older = MIGRATIONS[MIGRATIONS.length - 2]!.version;
  await warehouseAt(wh, older);
  const r = await runCli(['worker'], { env: { HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix(t) }, timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.regex(r.stderr, new RegExp(`warehouse sqlite:.* is at schema version \\d+ and lacks version ${LATEST_VERSION}; this hub-etl needs version ${LATEST_VERSION}\\. Run "hub-etl migrate" once \\(or start one worker with --migrate\\)`));
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  t.deepEqual(await pendingVersions(db), [LATEST_VERSION]);
});

test('a version missing below the newest recorded one (added in another line of work) is refused by name, then applied by migrate', async (t) => {
  const wh = tempSqliteUrl(t, 'wh.db');
  await warehouseAt(wh, LATEST_VERSION);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  // Version 2 (the lease table) as if it had been merged after the warehouse was migrated.
  await db.knex.raw('drop table etl_lock');
  await db.knex('etl_schema_migrations').where({ version: 2 }).delete();
  t.is(await appliedVersion(db), LATEST_VERSION);
  const r = await runCli(['worker'], { env: { HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix(t) }, timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /lacks version 2;/);
  const m = await migrate(db, logger);
  t.deepEqual(m.applied.map((x) => x.version), [2]);
  t.true(await db.knex.schema.hasTable('etl_lock'));
  t.deepEqual(await pendingVersions(db), []);
});

test('a worker refuses a warehouse without hub-etl tables', async (t) => {
  const wh = tempSqliteUrl(t, 'wh.db');
  const r = await runCli(['worker'], { env: { HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix(t) }, timeoutMs: 60_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, /has no hub-etl tables yet \(schema version 0\); this hub-etl needs version \d+/);
});

testWith('redis')('worker --migrate brings the warehouse to the current version and starts', async (t) => {
  if (!(await needRedis(t))) return;
  const wh = tempSqliteUrl(t, 'wh.db');
  await warehouseAt(wh, MIGRATIONS[1]!.version);
  const w = await spawnWorker(t, { HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix(t) }, ['--migrate']);
  t.regex(w.stderr(), new RegExp(`warehouse migrated to version ${LATEST_VERSION}`));
  w.child.kill('SIGTERM');
  t.is(await w.exited, 0);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  t.is(await appliedVersion(db), LATEST_VERSION);
});
