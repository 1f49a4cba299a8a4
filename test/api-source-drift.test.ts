// Page drift: orders modified while a getSellerOrderList window is paged leave it and shift later pages
// forward. A plain pager loses the orders that shift onto a page it has already read; the lister notices
// the window changing, reads it again in smaller windows, and loses nothing: the moved orders lie after
// the window and the next run loads them.
import test from 'ava';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { DEFAULT_RUN, runStreams } from '../jobs/run.js';
import { openSink } from '../jobs/engine/sink.js';
import { startEmulator } from '../jobs/emulate-api.js';
import { createApiClient } from '../sources/api/client.js';
import { isObject } from '../transforms/json.js';
import { formatApiTime } from '../sources/api/times.js';
import { emulated } from './emulator-helpers.js';
import { target } from './helpers.js';
import { apiContext, apiReader, apiTarget } from './api-source-helpers.js';
import { freshUrl } from './stream-helpers.js';

const ZONE = 'Asia/Shanghai';

test('orders moved while their window is paged are neither lost nor double-counted: the window is re-read, the moved orders come with the next run', async (t) => {
  const f = await emulated(t, { orders: 200, storeSeed: 23, drift: true });
  const wh = await freshUrl(t, 'SQLite', 'drift');
  if (!f || !wh) return;
  const ctx = apiContext(t, f.emu.gatewayUrl, wh);
  const reader = apiReader(t, f.emu.gatewayUrl);
  const { sink, release } = await openSink(ctx);
  t.teardown(release);
  const session = { reader, sink, release: async () => undefined };
  const first = await runStreams(ctx, { streams: ['orders'], mode: 'incremental', ...DEFAULT_RUN }, session);
  t.is(first[0]!.status, 'succeeded');

  const listing = reader.listing();
  t.true(listing.drifted > 0, `the lister saw windows change while paged: ${JSON.stringify(listing)}`);
  const moved = f.emu.drift!.ids();
  t.true(moved.length > 0);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  const loaded = async () => new Set((await rawRows<{ id: unknown }>(db, db.dialect, 'select order_id as id from fct_order')).map((r) => String(r.id)));
  const all = (await rawRows<{ id: unknown }>(f.db, f.db.dialect, 'select order_id as id from ali1688_order')).map((r) => String(r.id));
  const afterFirst = await loaded();
  // Everything but the moved orders (now modified a second before the store's clock, after the window) is in.
  t.deepEqual(all.filter((id) => !afterFirst.has(id)).sort(), all.filter((id) => moved.includes(id) && !afterFirst.has(id)).sort());
  t.true(moved.some((id) => !afterFirst.has(id)), 'some moved orders left the window before they were read');

  // The next run's window reaches the moved orders' new time: every order is in, each once.
  const second = await runStreams(ctx, { streams: ['orders'], mode: 'incremental', ...DEFAULT_RUN, safetyLagMs: 0 }, session);
  t.is(second[0]!.status, 'succeeded');
  const afterSecond = await loaded();
  t.deepEqual([...afterSecond].sort(), [...all].sort());
});

test('a plain pager over the same drifting window loses orders that never left it', async (t) => {
  const f = await emulated(t, { orders: 200, storeSeed: 23 });
  if (!f) return;
  const emu = await startEmulator({ store: f.url, drift: true });
  t.teardown(() => emu.close());
  const client = createApiClient(apiTarget(emu.gatewayUrl), createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => client.close());
  const now = Date.parse('2024-05-31T00:00:00+08:00');
  const from = Date.parse('2024-04-01T00:00:00+08:00');
  const window = { modifyStartTime: formatApiTime(from, ZONE), modifyEndTime: formatApiTime(now - 61_000, ZONE) };
  const seen = new Set<string>();
  let total = Infinity;
  for (let page = 1; (page - 1) * 20 < total; page++) {
    const r = await client.call('alibaba.trade.getSellerOrderList', { ...window, page, pageSize: 20 });
    const body = r.body as Record<string, unknown>;
    if (page === 1) total = Number(body.totalRecord);
    for (const o of body.result as unknown[]) if (isObject(o) && isObject(o.baseInfo)) seen.add(String(o.baseInfo.idOfStr));
  }
  // What the window holds once paging is over: every order but those the drift moved after it.
  const moved = new Set(emu.drift!.ids());
  t.true(moved.size > 0);
  const stillThere = (await rawRows<{ id: unknown; m: unknown }>(f.db, f.db.dialect, 'select order_id as id, modify_time as m from ali1688_order'))
    .map((r) => String(r.id))
    .filter((id) => !moved.has(id));
  const lost = stillThere.filter((id) => !seen.has(id));
  t.true(lost.length > 0, 'orders shifted onto a page already read were never seen');
  t.log(`of ${stillThere.length} orders that stayed in the window a plain pager saw ${stillThere.length - lost.length}: ${lost.length} lost`);
});
