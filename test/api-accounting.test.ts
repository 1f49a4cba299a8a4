// Warehouse version 6: etl_run gains api_calls, api_retries and api_throttled on a warehouse of version 5
// (its runs kept, their API columns NULL), again without harm; a CSV warehouse's state file gains them
// when it is opened.
import path from 'node:path';
import test from 'ava';
import { startRun, finishRun } from '../sinks/sink.js';
import Database from 'better-sqlite3';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { CsvSink } from '../sinks/csv.js';
import { SqlSink } from '../sinks/sql.js';
import { API_RUN_COLUMNS, MIGRATIONS } from '../sql/warehouse/migrations.js';
import { needMysql, target, tempDir, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

for (const name of ['SQLite', 'MariaDB'] as const) {
  testWith(name)(`${name}: version 6 adds the API columns to etl_run of a version 5 warehouse, keeping its runs, and runs again without harm`, async (t) => {
    let url: string;
    if (name === 'MariaDB') {
      if (!(await needMysql(t))) return;
      url = await tempMysqlDb(t, 'hub_acct');
    } else url = tempSqliteUrl(t, 'wh.db');
    const db: Db = await openDb(target(url), { create: true });
    t.teardown(() => db.close());
    await migrate(db, logger);
    // A warehouse of version 5 with one run recorded.
    for (const c of API_RUN_COLUMNS) await rawRows(db, db.dialect, `alter table etl_run drop column ${c}`);
    await rawRows(db, db.dialect, 'delete from etl_schema_migrations where version >= 6');
    const sink = new SqlSink(db);
    const old = await startRun(sink, { stream: 'orders', mode: 'incremental', windowStart: null, windowEnd: null });
    const later = MIGRATIONS.filter((m) => m.version >= 6).map((m) => m.version);
    t.deepEqual((await migrate(db, logger)).applied.map((m) => m.version), later);
    const rows = await rawRows<Record<string, unknown>>(db, db.dialect, 'select run_id, api_calls, api_retries, api_throttled from etl_run');
    t.deepEqual(rows.map((r) => [String(r.run_id), r.api_calls, r.api_retries, r.api_throttled]), [[old, null, null, null]]);
    // A run through the API fills them.
    const runId = await startRun(sink, { stream: 'orders', mode: 'incremental', windowStart: null, windowEnd: null });
    await finishRun(sink, { runId, stream: 'orders', mode: 'incremental', status: 'succeeded', startedAt: '', finishedAt: null, windowStart: null, windowEnd: null, rowsRead: 1, rowsUpserted: 1, rowsUnchanged: 0, rowsRejected: 0, error: null, api: { calls: 12, retries: 3, throttled: 2 } });
    const [filled] = await rawRows<Record<string, unknown>>(db, db.dialect, 'select api_calls, api_retries, api_throttled from etl_run where run_id = ?', [runId]);
    t.deepEqual([Number(filled!.api_calls), Number(filled!.api_retries), Number(filled!.api_throttled)], [12, 3, 2]);
    await rawRows(db, db.dialect, 'delete from etl_schema_migrations where version >= 6');
    t.deepEqual((await migrate(db, logger)).applied.map((m) => m.version), later);
    t.deepEqual((await migrate(db, logger)).applied, []);
  });
}

test('a CSV warehouse\'s state file from before version 6 gains the API columns when it is opened', async (t) => {
  const dir = tempDir(t);
  await (await CsvSink.open(dir)).close();
  const state = path.join(dir, '.hub-etl', 'state.db');
  const raw = new Database(state);
  for (const c of API_RUN_COLUMNS) raw.exec(`alter table etl_run drop column ${c}`);
  raw.close();
  const sink = await CsvSink.open(dir);
  const runId = await startRun(sink, { stream: 'orders', mode: 'incremental', windowStart: null, windowEnd: null });
  await finishRun(sink, { runId, stream: 'orders', mode: 'incremental', status: 'succeeded', startedAt: '', finishedAt: null, windowStart: null, windowEnd: null, rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0, error: null, api: { calls: 5, retries: 1, throttled: 0 } });
  await sink.close();
  const check = new Database(state, { readonly: true });
  t.teardown(() => check.close());
  t.deepEqual(check.prepare('select api_calls, api_retries, api_throttled from etl_run').get(), { api_calls: 5, api_retries: 1, api_throttled: 0 });
});
