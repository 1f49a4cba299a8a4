// hub-etl demo on the embedded default (SQLite files in HUB_DATA_DIR, nothing configured): a store, a load of
// every stream, the API-only dimensions through the API emulator started on the same store, status and
// verify; run again, the store moves a day and the load is incremental.
import path from 'node:path';
import test from 'ava';
import { openDb, rawRows } from '../lib/db.js';
import { readApiObjects } from '../sources/synthetic/api-objects.js';
import { runCli, target, tempDir } from './helpers.js';

const API_STREAMS = ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes'];

/** The summary line of a stream in the run table: [read, upserted, unchanged, rejected]. */
function counts(stdout: string, stream: string): number[] {
  const line = stdout.split('\n').find((l) => new RegExp(`^${stream} +#\\d+ +succeeded `).test(l));
  if (!line) throw new Error(`no succeeded run of ${stream} in:\n${stdout}`);
  return line.trim().split(/ +/).slice(3, 7).map(Number);
}

test('the demo loads the API dimensions through the emulator on its own store, then again incrementally', async (t) => {
  const dir = tempDir(t);
  const env = { HUB_DATA_DIR: dir, HUB_API_URL: undefined, HUB_LOG_LEVEL: 'warn' };
  const first = await runCli(['demo', '--orders', '300'], { env });
  t.is(first.code, 0, first.stdout + first.stderr);
  t.regex(first.stdout, /3\. run +12 streams \(first load\) in \d+\.\d s/);
  t.regex(first.stdout, /freight templates, ship-from addresses, store categories and category attributes through the API emulator on the same store \(http:\/\/127\.0\.0\.1:\d+, \d+ calls\)/);
  for (const s of API_STREAMS) {
    const [read, upserted] = counts(first.stdout, s);
    t.true(read! > 0 && upserted === read, `${s}: ${read} read, ${upserted} upserted`);
  }
  t.regex(first.stdout, /verify: all \d+ checks passed/);

  const store = await openDb(target(`sqlite:${path.join(dir, 'source.db')}`));
  t.teardown(() => store.close());
  const wh = await openDb(target(`sqlite:${path.join(dir, 'warehouse.db')}`));
  t.teardown(() => wh.close());
  const n = async (sql: string) => Number((await rawRows<{ n: unknown }>(wh, wh.dialect, sql))[0]!.n);
  t.is(await n('select count(*) as n from dim_freight_template'), (await readApiObjects(store, 'freight_template')).length);
  t.is(await n('select count(*) as n from dim_ship_from_address'), (await readApiObjects(store, 'ship_from_address')).length);
  t.is(await n('select count(*) as n from dim_store_category'), (await readApiObjects(store, 'store_category')).length);
  const inUse = await rawRows<{ n: unknown }>(store, store.dialect, 'select count(distinct category_id) as n from ali1688_product');
  t.is(await n('select count(distinct category_id) as n from dim_category_attribute'), Number(inUse[0]!.n));

  const second = await runCli(['demo'], { env });
  t.is(second.code, 0, second.stdout + second.stderr);
  t.regex(second.stdout, /3\. run +12 streams \(incremental\)/);
  for (const s of API_STREAMS) {
    const [read, upserted, unchanged] = counts(second.stdout, s);
    t.is(upserted! + unchanged!, read!, s);
  }
  t.regex(second.stdout, /^freight_templates +\d{4}-\d{2}-\d{2} /m, 'status shows the snapshot loaded');
});
