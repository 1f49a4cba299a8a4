// Orders through the emulator: getSellerOrderList windows decided at the millisecond against the blobs'
// modifyTime, pages of at most 20, list items without logisticsItems and invoice, get.sellerView serving
// the store's blob byte for byte, ids above 2^53 as bare digits, and the API's business errors.
import test, { type ExecutionContext } from 'ava';
import { testWith } from './helpers.js';
import { rawRows } from '../lib/db.js';
import { blobInstant, parseBlob, TWO_53, type Json } from './generate-helpers.js';
import { apiTime, businessError, emulated, gw, json, type Backend, type Fixture } from './emulator-helpers.js';

interface StoreOrder {
  id: string;
  blob: string;
  create: number;
  modify: number;
  modifyText: string;
}

async function storeOrders(f: Fixture): Promise<StoreOrder[]> {
  const rows = await rawRows<{ order_id: string; order_datas: string }>(f.db, f.db.dialect, 'select order_id, order_datas from ali1688_order');
  return rows.map((r) => {
    const base = (parseBlob(String(r.order_datas)) as Json).baseInfo as Json;
    return { id: String(r.order_id), blob: String(r.order_datas), create: blobInstant(base.createTime as string), modify: blobInstant(base.modifyTime as string), modifyText: base.modifyTime as string };
  });
}

/** The store's answer: orders whose blob modifyTime is in [from, to], newest created first, then larger id first. */
function expected(orders: StoreOrder[], from: number, to: number): string[] {
  return newestFirst(orders.filter((o) => o.modify >= from && o.modify <= to));
}

function newestFirst(orders: StoreOrder[]): string[] {
  return [...orders]
    .sort((a, b) => b.create - a.create || (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0))
    .map((o) => o.id);
}

async function pageAll(f: Fixture, params: Record<string, string>, pageSize: number): Promise<{ ids: string[]; totals: number[]; texts: string[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  const texts: string[] = [];
  for (let page = 1; ; page++) {
    const r = await gw(f.emu, 'alibaba.trade.getSellerOrderList', { ...params, page: String(page), pageSize: String(pageSize) });
    if (r.status !== 200) throw new Error(r.text);
    const body = json(r);
    const items = body.result as Json[];
    totals.push(Number((body.totalRecord as { text: string }).text));
    texts.push(r.text);
    for (const it of items) ids.push((it.baseInfo as Json).idOfStr as string);
    if (items.length < pageSize) return { ids, totals, texts };
  }
}

async function windowPaging(t: ExecutionContext, backend: Backend): Promise<void> {
  const f = await emulated(t, { backend, orders: 400, storeSeed: 11 });
  if (!f) return;
  const orders = await storeOrders(f);
  const byModify = [...orders].sort((a, b) => a.modify - b.modify);
  // Bounds on two orders' exact modify instants (inclusive at the millisecond), written at other offsets.
  // Bound orders whose milliseconds are neither 000 nor 999, so that only their blob decides them.
  const inner = (o: StoreOrder) => o.modify % 1000 !== 0 && o.modify % 1000 !== 999;
  const lo = byModify.slice(Math.floor(orders.length * 0.3)).find(inner)!;
  const hi = byModify.slice(Math.floor(orders.length * 0.7)).find(inner)!;
  const want = expected(orders, lo.modify, hi.modify);
  t.true(want.length > 60, `window holds ${want.length} orders`);
  t.true(want.includes(lo.id) && want.includes(hi.id));
  const params = { modifyStartTime: apiTime(lo.modify, -420), modifyEndTime: apiTime(hi.modify, 0) };
  const got = await pageAll(f, params, 20);
  t.deepEqual(got.ids, want);
  t.true(got.totals.every((n) => n === want.length));
  const odd = await pageAll(f, params, 7);
  t.deepEqual(odd.ids, want);
  // One millisecond less at either end leaves the boundary order out.
  const narrower = await pageAll(f, { modifyStartTime: apiTime(lo.modify + 1), modifyEndTime: apiTime(hi.modify - 1) }, 20);
  t.deepEqual(narrower.ids, expected(orders, lo.modify + 1, hi.modify - 1));
  t.false(narrower.ids.includes(lo.id) || narrower.ids.includes(hi.id));
}

test('a modify window pages through exactly the orders whose blob modifyTime lies in it (SQLite)', (t) => windowPaging(t, 'SQLite'));
testWith('MariaDB')('a modify window pages through exactly the orders whose blob modifyTime lies in it (MariaDB)', (t) => windowPaging(t, 'MariaDB'));

test('orderStatus and a create window filter the list on the blob, as the store says', async (t) => {
  const f = await emulated(t, { orders: 300, storeSeed: 12 });
  if (!f) return;
  const orders = await storeOrders(f);
  const statusOf = new Map(orders.map((o) => [o.id, ((parseBlob(o.blob) as Json).baseInfo as Json).status as string]));
  const all = await pageAll(f, { orderStatus: 'success' }, 20);
  t.deepEqual(all.ids, expected(orders, -Infinity, Infinity).filter((id) => statusOf.get(id) === 'success'));
  t.true(all.ids.length > 0);
  const creates = orders.map((o) => o.create).sort((a, b) => a - b);
  const from = creates[50]!;
  const to = creates[120]!;
  const byCreate = await pageAll(f, { createStartTime: apiTime(from, 540), createEndTime: apiTime(to) }, 20);
  t.deepEqual(byCreate.ids, newestFirst(orders.filter((o) => o.create >= from && o.create <= to)));
  t.true(byCreate.ids.length >= 71);
});

test('pageSize 21, a malformed time, an unknown status and a reversed window are refused naming the parameter', async (t) => {
  const f = await emulated(t, { orders: 60 });
  if (!f) return;
  const cases: Array<[Record<string, string>, string]> = [
    [{ pageSize: '21' }, 'pageSize'],
    [{ page: '0' }, 'page'],
    [{ modifyStartTime: '2024-05-01 00:00:00' }, 'modifyStartTime'],
    [{ modifyEndTime: '20240501000000000' }, 'modifyEndTime'],
    [{ createStartTime: '20240231000000000+0800' }, 'createStartTime'],
    [{ orderStatus: 'waitlogisticstakein' }, 'orderStatus'],
    [{ modifyStartTime: '20240510000000000+0800', modifyEndTime: '20240501000000000+0800' }, 'modifyStartTime'],
  ];
  for (const [params, name] of cases) {
    const r = await gw(f.emu, 'alibaba.trade.getSellerOrderList', params);
    t.is(r.status, 200, name);
    const e = businessError(r);
    t.is(e.code, 'PARAM_ERROR', name);
    t.true(e.message.startsWith(`${name}:`), e.message);
  }
});

test('list items are the order blobs without nativeLogistics.logisticsItems and orderInvoiceInfo, every other byte kept', async (t) => {
  const f = await emulated(t, { orders: 300, storeSeed: 13 });
  if (!f) return;
  const byId = new Map((await storeOrders(f)).map((o) => [o.id, o.blob]));
  let withItems = 0;
  let withInvoice = 0;
  const { texts } = await pageAll(f, {}, 20);
  for (const text of texts) {
    for (const item of json({ status: 200, text }).result as Json[]) {
      const id = (item.baseInfo as Json).idOfStr as string;
      const stored = parseBlob(byId.get(id)!) as Json;
      const native = stored.nativeLogistics as Json;
      if ('logisticsItems' in native) withItems++;
      if ('orderInvoiceInfo' in stored) withInvoice++;
      t.false('logisticsItems' in (item.nativeLogistics as Json), id);
      t.false('orderInvoiceInfo' in item, id);
      const { orderInvoiceInfo: _i, ...rest } = stored;
      const { logisticsItems: _l, ...nativeRest } = native;
      t.deepEqual(item, { ...rest, nativeLogistics: nativeRest }, id);
      // The members kept are the store's exact text.
      const blob = byId.get(id)!;
      t.true(text.includes(blob.slice(0, blob.indexOf(',"nativeLogistics"'))), id);
    }
  }
  t.true(withItems > 50 && withInvoice > 20, `${withItems} orders with logistics items, ${withInvoice} with an invoice`);
});

test('get.sellerView serves every order blob byte for byte, ids above 2^53 as bare digits', async (t) => {
  const f = await emulated(t, { orders: 200, storeSeed: 14 });
  if (!f) return;
  let bigIds = 0;
  for (const o of await storeOrders(f)) {
    const r = await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: o.id, webSite: '1688' });
    t.is(r.status, 200);
    t.regex(r.text, /,"success":(true|"true")\}$/);
    t.is(r.text.slice('{"result":'.length, r.text.lastIndexOf(',"success":')), o.blob, o.id);
    // Every 18-19 digit number of the answer is bare, and those above 2^53 are the store's digits.
    for (const m of r.text.matchAll(/"(phase|id|subItemID)":(\d{16,19})[,}]/g)) {
      if (BigInt(m[2]!) > TWO_53) {
        bigIds++;
        t.true(o.blob.includes(`"${m[1]}":${m[2]}`));
      }
    }
  }
  t.true(bigIds > 400, `${bigIds} ids above 2^53 checked`);
});

test('success comes as true and as "true", and an unknown order is a business error with stringified errorMessage', async (t) => {
  const f = await emulated(t, { orders: 60 });
  if (!f) return;
  const [o] = await storeOrders(f);
  const flags = new Set<string>();
  for (let i = 0; i < 4; i++) flags.add(/"success":(true|"true")\}$/.exec((await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: o!.id })).text)![1]!);
  t.deepEqual([...flags].sort(), ['"true"', 'true']);
  const r = await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: '240599999999999991' });
  t.is(r.status, 200);
  const raw = JSON.parse(r.text) as Record<string, unknown>;
  t.is(typeof raw.errorMessage, 'string');
  t.deepEqual(businessError(r), { code: 'ORDER_NOT_FOUND', message: 'no order 240599999999999991 in this store' });
  t.is(businessError(await gw(f.emu, 'alibaba.trade.get.sellerView', { orderId: 'abc' })).code, 'PARAM_ERROR');
  t.is(f.emu.stats.byOperation['alibaba.trade.get.sellerView']?.['business-error'], 2);
  t.is(f.emu.stats.byOperation['alibaba.trade.get.sellerView']?.ok, 4);
});
