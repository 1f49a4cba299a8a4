// The 1688 API as the source: one synthetic store loaded through its emulator and from its replica tables
// gives the same rows in every contract table (save the documented columns the API cannot know), and so
// do incremental runs after the store moves on; every run records the API calls it made.
import { STREAMS } from '../jobs/engine/streams.js';
import test from 'ava';
import { openDb, rawRows } from '../lib/db.js';
import { emulated } from './emulator-helpers.js';
import { target, testWith } from './helpers.js';
import { apiContext, differences, warehouseDiff } from './api-source-helpers.js';
import { contextFor, freshUrl, generate, run, type Backend } from './stream-helpers.js';

const CASES: Array<[Backend, 'gateway' | 'POP']> = [['SQLite', 'gateway'], ['MariaDB', 'gateway'], ['SQLite', 'POP']];

for (const [backend, transport] of CASES) {
  testWith(backend)(`${backend} warehouse, ${transport}: an API load equals a replica load in every contract table, and so do incremental runs after generate --advance`, async (t) => {
    const f = await emulated(t, { orders: 200, storeSeed: 11 });
    const whReplica = await freshUrl(t, backend, 'replica');
    const whApi = await freshUrl(t, backend, 'api');
    if (!f || !whReplica || !whApi) return;
    const replica = contextFor(t, f.url, whReplica);
    const api = apiContext(t, transport === 'POP' ? f.emu.popUrl : f.emu.gatewayUrl, whApi);

    await run(replica);
    const first = await run(api);
    t.true(first.every((r) => r.status === 'succeeded'), JSON.stringify(first.map((r) => [r.stream, r.status, r.error])));
    t.deepEqual(differences(await warehouseDiff(whReplica, whApi)), []);

    await generate(t, f.url, ['--advance', '--hours', '12']);
    await run(replica);
    const second = await run(api);
    t.true(second.some((r) => r.rowsUpserted > 0), 'the advance changed rows the incremental API run loaded');
    t.deepEqual(differences(await warehouseDiff(whReplica, whApi)), []);

    // What may differ does so only as documented: category times are unknown through the API.
    const db = await openDb(target(whApi));
    t.teardown(() => db.close());
    const [cat] = await rawRows<{ n: unknown }>(db, db.dialect, 'select count(*) as n from dim_category where created_at is not null or modified_at is not null');
    t.is(Number(cat!.n), 0);
    // Every run through the API recorded its calls; those that listed orders made some.
    const runs = (await rawRows<Record<string, unknown>>(db, db.dialect, 'select stream, api_calls, api_retries, api_throttled from etl_run'))
      .map((r) => ({ stream: String(r.stream), api_calls: r.api_calls === null ? null : Number(r.api_calls), api_retries: Number(r.api_retries), api_throttled: Number(r.api_throttled) }));
    // Two runs of every stream: the eight replica streams and the four API-only ones.
    t.is(runs.length, 2 * STREAMS.length);
    t.true(runs.every((r) => r.api_calls !== null && r.api_calls > 0 && r.api_retries === 0 && r.api_throttled === 0), JSON.stringify(runs));
    t.is(first.reduce((n, r) => n + (r.api?.calls ?? 0), 0) + second.reduce((n, r) => n + (r.api?.calls ?? 0), 0), runs.reduce((n, r) => n + Number(r.api_calls), 0));
  });
}

test('a replica load leaves the API columns of etl_run empty', async (t) => {
  const f = await emulated(t, { orders: 40, storeSeed: 3 });
  const wh = await freshUrl(t, 'SQLite', 'replica');
  if (!f || !wh) return;
  const runs = await run(contextFor(t, f.url, wh), { streams: ['orders'] });
  t.is(runs[0]!.api, undefined);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  const rows = await rawRows<{ c: unknown }>(db, db.dialect, 'select api_calls as c from etl_run');
  t.deepEqual(rows.map((r) => r.c), [null]);
});
