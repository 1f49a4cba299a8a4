// The emulator's deliberate trouble: the rate limit, faults chosen from a seed (the same seed gives the
// same faults), and drift moving orders out of a window while a client pages through it.
import test from 'ava';
import { startEmulator } from '../jobs/emulate-api.js';
import { rawRows } from '../lib/db.js';
import { blobInstant, parseBlob, type Json } from './generate-helpers.js';
import { apiTime, emulated, errorCode, gw, json, pop, type Reply } from './emulator-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('more than N calls in one second get HTTP 429 gw.QosAppFrequencyLimit (POP: Throttling.User)', async (t) => {
  const f = await emulated(t, { orders: 60, rateLimit: 5 });
  if (!f) return;
  const burst = await Promise.all(Array.from({ length: 12 }, () => gw(f.emu, 'currentTime')));
  t.is(burst.filter((r) => r.status === 200).length, 5);
  const limited = burst.filter((r) => r.status === 429);
  t.is(limited.length, 7);
  t.true(limited.every((r) => errorCode(r) === 'gw.QosAppFrequencyLimit'));
  await sleep(1100);
  const pops = await Promise.all(Array.from({ length: 7 }, () => pop(f.emu, 'GetCurrentTime')));
  t.is(pops.filter((r) => r.status === 200).length, 5);
  t.true(pops.filter((r) => r.status === 429).every((r) => JSON.parse(r.text).Code === 'Throttling.User'));
  t.is(f.emu.stats.byOperation.currentTime?.['gw.QosAppFrequencyLimit'], 7);
  t.is(f.emu.stats.byOperation.currentTime?.['Throttling.User'], 2);
});

/** What a call met: ok, or the kind of fault. */
function kindOf(r: Reply, ms: number): string {
  if (r.status === 200) {
    try {
      JSON.parse(r.text);
      return 'ok';
    } catch {
      return 'truncated';
    }
  }
  const code = errorCode(r);
  if (r.status === 504 && code === 'gw.ISPInvokeTimeout') return ms >= 140 ? 'timeout' : 'timeout-too-early';
  return `${r.status} ${code}`;
}

test('a fault rate yields 500, 503, timeouts and truncated JSON, the same ones for the same seed', async (t) => {
  const f = await emulated(t, { orders: 60, faultRate: 0.5, seed: 42, faultDelayMs: 150 });
  if (!f) return;
  const run = async (emu: typeof f.emu) => {
    const kinds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const r = await gw(emu, 'alibaba.category.get', { categoryID: '0' });
      kinds.push(kindOf(r, performance.now() - t0));
    }
    return kinds;
  };
  const first = await run(f.emu);
  t.deepEqual([...new Set(first)].sort(), ['500 gw.InternalError', '503 gw.InternalError', 'ok', 'timeout', 'truncated']);
  const ok = first.filter((k) => k === 'ok').length;
  t.true(ok >= 8 && ok <= 22, `${ok} of 30 calls succeeded at a fault rate of 0.5`);
  const stats = f.emu.stats.byOperation['alibaba.category.get']!;
  t.is(stats['fault:truncated'], first.filter((k) => k === 'truncated').length);
  t.is(stats['fault:timeout'], first.filter((k) => k === 'timeout').length);

  const again = await startEmulator({ store: f.url, faultRate: 0.5, seed: 42, faultDelayMs: 150 });
  t.teardown(() => again.close());
  t.deepEqual(await run(again), first);
  const other = await startEmulator({ store: f.url, faultRate: 0.5, seed: 43, faultDelayMs: 150 });
  t.teardown(() => other.close());
  t.notDeepEqual(await run(other), first);
});

test('drift moves orders out of a window while it is paged: later pages shift and totalRecord shrinks', async (t) => {
  const f = await emulated(t, { orders: 400, storeSeed: 15, drift: true, driftOrders: 3 });
  if (!f) return;
  const clock = blobInstant((json(await gw(f.emu, 'currentTime')).result as string));
  // A window ending a day before the simulated clock: the moved orders land after it.
  const window = { modifyStartTime: apiTime(clock - 20 * 86_400_000), modifyEndTime: apiTime(clock - 86_400_000) };
  const page = async (n: number) => json(await gw(f.emu, 'alibaba.trade.getSellerOrderList', { ...window, page: String(n), pageSize: '20' }));
  const ids = (b: Json) => (b.result as Json[]).map((o) => (o.baseInfo as Json).idOfStr as string);
  const total = (b: Json) => Number((b.totalRecord as { text: string }).text);

  // What the window holds before any drift, read by a client that pages to the end without drift.
  const before: string[] = [];
  const p1 = await page(1);
  before.push(...ids(p1));
  const t1 = total(p1);
  t.true(t1 > 60);
  const p2 = await page(2);
  t.is(total(p2), t1 - 3);
  t.is(f.emu.drift?.moved, 3);
  const moved = before.slice(0, 3);
  // Page 2 starts three rows after where page 1 would have continued: a client paging on skips three orders.
  const plain = await startEmulator({ store: f.url });
  t.teardown(() => plain.close());
  const baseline: string[] = [];
  for (let n = 1; n <= 3; n++) baseline.push(...ids(json(await gw(plain, 'alibaba.trade.getSellerOrderList', { ...window, page: String(n), pageSize: '20' }))));
  t.deepEqual(before, baseline.slice(0, 20));
  t.deepEqual(ids(p2), baseline.slice(23, 43));
  const p3 = await page(3);
  t.is(total(p3), t1 - 3, 'a window drifts once');
  const all = [...before, ...ids(p2), ...ids(p3)];
  t.is(new Set(all).size, all.length);
  for (const id of moved) t.false([...ids(p2), ...ids(p3)].includes(id));

  // get.sellerView serves the moved time, every other byte of the blob unchanged.
  const id = moved[0]!;
  const [row] = await rawRows<{ order_datas: string }>(f.db, f.db.dialect, 'select order_datas from ali1688_order where order_id = ?', [id]);
  const stored = String(row!.order_datas);
  const served = (await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: id })).text.replace(/,"success":(true|"true")\}$/, '').slice('{"result":'.length);
  const oldTime = ((parseBlob(stored) as Json).baseInfo as Json).modifyTime as string;
  const newTime = ((parseBlob(served) as Json).baseInfo as Json).modifyTime as string;
  t.is(blobInstant(newTime), clock - 1000);
  t.is(newTime.slice(-5), oldTime.slice(-5));
  t.is(served, stored.replace(`"modifyTime":"${oldTime}"`, `"modifyTime":"${newTime}"`));

  // A window reaching the clock now holds the moved orders.
  const recent = json(await gw(f.emu, 'alibaba.trade.getSellerOrderList', { modifyStartTime: apiTime(clock - 2000), modifyEndTime: apiTime(clock) }));
  for (const m of moved) t.true(ids(recent).includes(m), m);
});
