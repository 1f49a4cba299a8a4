// Refunds, invoices, logistics, products and categories through the emulator: the store's blob texts
// served byte for byte inside the real envelopes (replica wrappers taken off), and the API's limits.
import test from 'ava';
import { testWith } from './helpers.js';
import { rawRows } from '../lib/db.js';
import { parseBlob, unwrapRefund, type Json } from './generate-helpers.js';
import { apiTime, businessError, emulated, gw, json, pop, type Fixture } from './emulator-helpers.js';

const SUCCESS_END = /,"success":(true|"true")\}$/;

async function rows<T>(f: Fixture, sql: string): Promise<T[]> {
  return rawRows<T>(f.db, f.db.dialect, sql);
}

/** The model's exact text inside a replica refund blob (test-side: by the four wrappers the generator writes). */
function modelText(blob: string): { text: string; wrapper: string } {
  if (blob.startsWith('{"result":')) return { text: blob.slice('{"result":'.length, -1), wrapper: 'result' };
  if (blob.startsWith('{"opOrderRefundModelDetail":[')) return { text: blob.slice('{"opOrderRefundModelDetail":['.length, -2), wrapper: 'array' };
  if (blob.startsWith('{"opOrderRefundModelDetail":')) return { text: blob.slice('{"opOrderRefundModelDetail":'.length, -1), wrapper: 'detail' };
  return { text: blob, wrapper: 'bare' };
}

test('OpQueryOrderRefund serves every refund model byte for byte, whatever wrapper the replica blob has', async (t) => {
  const f = await emulated(t, { orders: 1500, storeSeed: 3 });
  if (!f) return;
  const refunds = await rows<{ refund_id: string; order_refund_data: string }>(f, 'select refund_id, order_refund_data from ali1688_order_refund');
  const wrappers = new Set<string>();
  for (const r of refunds) {
    const { text, wrapper } = modelText(String(r.order_refund_data));
    wrappers.add(wrapper);
    const reply = await gw(f.emu, 'alibaba.trade.refund.OpQueryOrderRefund.sellerView', { refundId: r.refund_id, needTimeOutInfo: 'true', needOrderRefundOperation: 'true' });
    t.is(reply.text.replace(SUCCESS_END, ''), `{"result":{"opOrderRefundModelDetail":${text}}`, r.refund_id);
  }
  t.deepEqual([...wrappers].sort(), ['array', 'bare', 'detail', 'result']);
  // Bare digits find the same refund; without the flags the operation list and time-out are left out.
  const one = refunds.find((r) => String(r.order_refund_data).includes('"gmtTimeOut"'))!;
  const plain = await gw(f.emu, 'alibaba.trade.refund.OpQueryOrderRefund.sellerView', { refundId: one.refund_id.slice(2) });
  const model = ((json(plain).result as Json).opOrderRefundModelDetail as Json);
  t.is(model.refundId, one.refund_id);
  t.false('refundOperationList' in model);
  t.false('gmtTimeOut' in model);
  t.is(businessError(await gw(f.emu, 'alibaba.trade.refund.OpQueryOrderRefund.sellerView', { refundId: 'TQ1' })).code, 'REFUND_NOT_FOUND');
  t.is(businessError(await gw(f.emu, 'alibaba.trade.refund.OpQueryOrderRefund.sellerView', { refundId: 'XY12' })).message.split(':')[0], 'refundId');
});

for (const [backend, orderIdColumns] of [['SQLite', false], ['SQLite', true], ['MariaDB', false]] as const) {
  testWith(backend)(`the batch refund query lists an order's in-sale refunds only, as summaries in fen (${backend}, order id column ${orderIdColumns ? 'order_id' : 'order_ld'})`, async (t) => {
    const f = await emulated(t, { backend, orders: 1200, storeSeed: 4, orderIdColumns });
    if (!f) return;
    const col = orderIdColumns ? 'order_id' : 'order_ld';
    const refunds = await rows<{ refund_id: string; oid: unknown; order_refund_data: string }>(f, `select refund_id, ${col} as oid, order_refund_data from ali1688_order_refund`);
    const byOrder = new Map<string, Json[]>();
    for (const r of refunds) {
      const list = byOrder.get(String(r.oid)) ?? [];
      list.push(unwrapRefund(parseBlob(String(r.order_refund_data))));
      byOrder.set(String(r.oid), list);
    }
    let afterSalesHidden = 0;
    let listed = 0;
    for (const [orderId, models] of byOrder) {
      for (const [qt, keep] of [['1', (s: string) => s !== 'refundsuccess' && s !== 'refundclose'], ['3', (s: string) => s === 'refundsuccess']] as const) {
        const reply = await gw(f.emu, 'alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView', { orderId, queryType: qt });
        t.regex(reply.text, SUCCESS_END);
        const result = json(reply).result as Json;
        const got = (result.opOrderRefundModels as Json[]).map((m) => m.refundId as string);
        const want = models.filter((m) => (m.disputeType as { text: string }).text === '1' && keep(m.status as string)).map((m) => m.refundId as string);
        t.deepEqual(got, want, `${orderId} queryType ${qt}`);
        t.is((result.totalCount as { text: string }).text, String(want.length));
        listed += got.length;
        for (const s of result.opOrderRefundModels as Json[]) {
          t.regex(s.refundId as string, /^TQ\d+$/);
          t.regex((s.refundPayment as { text: string }).text, /^\d+$/);
          t.true('isOnlyRefund' in s && !('onlyRefund' in s));
          t.regex(reply.text, new RegExp(`"orderId":${orderId}[,}]`));
        }
      }
      if (models.some((m) => (m.disputeType as { text: string }).text === '2')) afterSalesHidden++;
    }
    t.true(listed > 10 && afterSalesHidden > 3, `${listed} listed, ${afterSalesHidden} orders with an after-sales refund`);
    t.is(businessError(await gw(f.emu, 'alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView', { orderId: [...byOrder.keys()][0]! })).message.split(':')[0], 'queryType');
  });
}

for (const backend of ['SQLite', 'MariaDB'] as const) {
testWith(backend)(`alibaba.invoice.get serves each order's invoice byte for byte; an order without one is INVOICE_NOT_FOUND (${backend})`, async (t) => {
  const f = await emulated(t, { backend, orders: 300, storeSeed: 5 });
  if (!f) return;
  const invoices = await rows<{ oid: unknown; invoice_data: string }>(f, 'select order_Id as oid, invoice_data from ali1688_invoice');
  t.true(invoices.length > 30);
  for (const inv of invoices) {
    const reply = await gw(f.emu, 'alibaba.invoice.get', { orderId: String(inv.oid) });
    t.is(reply.text.replace(SUCCESS_END, ''), `{"result":${inv.invoice_data}`);
  }
  const invoiced = new Set(invoices.map((i) => String(i.oid)));
  const bare = (await rows<{ order_id: string }>(f, 'select order_id from ali1688_order')).find((o) => !invoiced.has(o.order_id))!;
  t.is(businessError(await gw(f.emu, 'alibaba.invoice.get', { orderId: bare.order_id })).code, 'INVOICE_NOT_FOUND');
});
}

test('logistics infos and traces serve the store\'s blobs byte for byte; an order not shipped is 500_2', async (t) => {
  const f = await emulated(t, { orders: 250, storeSeed: 6 });
  if (!f) return;
  const orders = await rows<{ order_id: string }>(f, 'select order_id from ali1688_order order by id');
  const logistics = await rows<{ order_id: string; logistic_id: string; logistic_order_datas: string }>(f, 'select order_id, logistic_id, logistic_order_datas from ali1688_logistics_order order by id');
  const routes = await rows<{ order_id: string; logistic_id: string; logistic_route_datas: string }>(f, 'select order_id, logistic_id, logistic_route_datas from ali1688_logistics_route order by id');
  let notShipped = 0;
  for (const { order_id: id } of orders) {
    const want = logistics.filter((l) => l.order_id === id).map((l) => l.logistic_order_datas);
    const infos = await gw(f.emu, 'alibaba.trade.getLogisticsInfos.sellerView', { orderId: id, webSite: '1688', fields: 'company,name,sender,receiver,sendgood' });
    if (want.length === 0) {
      notShipped++;
      t.is(businessError(infos).code, '500_2');
    } else {
      t.is(infos.text.replace(SUCCESS_END, ''), `{"result":[${want.join(',')}]`);
    }
    const wantTrace = routes.filter((l) => l.order_id === id);
    const trace = await gw(f.emu, 'alibaba.trade.getLogisticsTraceInfo.sellerView', { orderId: id });
    if (wantTrace.length === 0) t.is(businessError(trace).code, '500_2');
    else t.is(trace.text.replace(SUCCESS_END, ''), `{"logisticsTrace":[${wantTrace.map((r) => r.logistic_route_datas).join(',')}]`);
  }
  t.true(notShipped > 5 && logistics.length > 150);
  const one = routes[0]!;
  const byId = await gw(f.emu, 'alibaba.trade.getLogisticsTraceInfo.sellerView', { orderId: one.order_id, logisticsId: one.logistic_id });
  t.is(byId.text.replace(SUCCESS_END, ''), `{"logisticsTrace":[${one.logistic_route_datas}]`);
  t.is(businessError(await gw(f.emu, 'alibaba.trade.getLogisticsTraceInfo.sellerView', { orderId: one.order_id, logisticsId: 'BX0' })).code, '500_2');
  t.is(businessError(await gw(f.emu, 'alibaba.trade.getLogisticsInfos.sellerView', { orderId: '240501999999999991' })).code, 'ORDER_NOT_FOUND');
});

test('alibaba.product.get is the store\'s product_datas byte for byte, or built from the columns when a row has none', async (t) => {
  const f = await emulated(t, { orders: 900, storeSeed: 8 });
  if (!f) return;
  const products = await rows<Record<string, unknown>>(f, 'select product_id, subject, status, category_id, last_update_time, product_datas from ali1688_product');
  let built = 0;
  for (const p of products) {
    const reply = await gw(f.emu, 'alibaba.product.get', { productID: String(p.product_id), webSite: '1688' });
    t.is(reply.status, 200);
    if (p.product_datas !== null) {
      t.is(reply.text, String(p.product_datas));
      continue;
    }
    built++;
    const body = json(reply);
    const info = body.productInfo as Json;
    t.is((info.productID as { text: string }).text, String(p.product_id));
    t.is(info.subject, p.subject);
    t.is(info.status, p.status);
    t.is((info.categoryID as { text: string }).text, String(p.category_id));
    t.false('skuInfos' in info);
    t.is(body.lastUpdateTime, `${String(p.last_update_time).replace(/\D/g, '')}000+0800`);
    t.is(body.errMsg, null);
  }
  t.true(built >= 1, `${built} products without a blob`);
  t.is(businessError(await gw(f.emu, 'alibaba.product.get', { productID: '1' })).code, 'PRODUCT_NOT_FOUND');
});

test('alibaba.product.list.get pages a last-update window, most recent first', async (t) => {
  const f = await emulated(t, { orders: 900, storeSeed: 9 });
  if (!f) return;
  const products = await rows<{ product_id: unknown; product_datas: string | null }>(f, 'select product_id, product_datas from ali1688_product where product_datas is not null');
  const times = products.map((p) => ({ id: String(p.product_id), text: (parseBlob(p.product_datas!) as Json).lastUpdateTime as string }));
  const { blobInstant } = await import('./generate-helpers.js');
  const sorted = times.map((x) => ({ ...x, ms: blobInstant(x.text) })).sort((a, b) => a.ms - b.ms);
  const from = sorted[Math.floor(sorted.length / 4)]!;
  const to = sorted[Math.floor((sorted.length * 3) / 4)]!;
  const want = sorted.filter((x) => x.ms >= from.ms && x.ms <= to.ms).sort((a, b) => b.ms - a.ms || (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const got: Json[] = [];
  for (let page = 1; ; page++) {
    const reply = await gw(f.emu, 'alibaba.product.list.get', { page: String(page), pageSize: '20', modifyStartTime: apiTime(from.ms), modifyEndTime: apiTime(to.ms, -300) });
    const pr = (json(reply).result as Json).pageResult as Json;
    t.is((pr.totalRecord as { text: string }).text, String(want.length));
    got.push(...(pr.resultList as Json[]));
    if ((pr.resultList as Json[]).length < 20) break;
  }
  t.deepEqual(got.map((p) => (p.productID as { text: string }).text), want.map((x) => x.id));
  t.deepEqual(got.map((p) => p.lastUpdateTime), want.map((x) => x.text));
  t.deepEqual(Object.keys(got[0]!).sort(), ['categoryID', 'lastUpdateTime', 'productID', 'status', 'subject']);
  t.true(want.length > 20);
  t.is(businessError(await gw(f.emu, 'alibaba.product.list.get', { pageSize: '50' })).message.split(':')[0], 'pageSize');
});

test('alibaba.category.get walks the tree from root 0 and keeps the API\'s "succes" spelling', async (t) => {
  const f = await emulated(t, { orders: 60 });
  if (!f) return;
  const cats = await rows<Record<string, unknown>>(f, 'select category_id, category_name, category_level, is_leaf, category1_id, category2_id from ali1688_category');
  const root = await gw(f.emu, 'alibaba.category.get', { categoryID: '0' });
  t.regex(root.text, /,"succes":(true|"true")\}$/);
  const rootInfo = (json(root).categoryInfo as Json[])[0]!;
  t.deepEqual((rootInfo.childIDs as Array<{ text: string }>).map((x) => x.text).sort(), cats.filter((c) => String(c.category_level) === '1').map((c) => String(c.category_id)).sort());
  const mid = cats.find((c) => String(c.category_level) === '2')!;
  const info = (json(await gw(f.emu, 'alibaba.category.get', { categoryID: String(mid.category_id) })).categoryInfo as Json[])[0]!;
  t.is(info.name, mid.category_name);
  t.is(info.isLeaf, String(mid.is_leaf) === 'Y');
  t.deepEqual((info.parentIDs as Array<{ text: string }>).map((x) => x.text), [String(mid.category1_id)]);
  t.deepEqual((info.childIDs as Array<{ text: string }>).map((x) => x.text).sort(), cats.filter((c) => String(c.category2_id) === String(mid.category_id) && String(c.category_level) === '3').map((c) => String(c.category_id)).sort());
  t.is(businessError(await gw(f.emu, 'alibaba.category.get', { categoryID: '999999' })).code, 'CATEGORY_NOT_FOUND');
});

test('alibaba.category.attribute.get serves a leaf\'s attributes text with the success flag, and an empty list for other categories', async (t) => {
  const f = await emulated(t, { orders: 60 });
  if (!f) return;
  const cats = await rows<{ category_id: unknown; is_leaf: string; attributes: string }>(f, 'select category_id, is_leaf, attributes from ali1688_category');
  for (const c of cats) {
    const reply = await gw(f.emu, 'alibaba.category.attribute.get', { categoryID: String(c.category_id), webSite: '1688' });
    if (c.is_leaf === 'Y') {
      t.is(reply.text.replace(SUCCESS_END, '}'), c.attributes);
    } else {
      t.regex(reply.text, /^\{"attributes":\[\],"attributeLevelMapStr":"\{\}","errorMsg":null,"success":(true|"true")\}$/);
    }
  }
  t.true(cats.some((c) => c.is_leaf === 'Y') && cats.some((c) => c.is_leaf === 'N'));
  // Over POP the same answer comes with RequestId appended.
  const leaf = cats.find((c) => c.is_leaf === 'Y')!;
  const p = await pop(f.emu, 'GetCategoryAttributes', { categoryID: String(leaf.category_id) });
  t.true(p.text.startsWith(leaf.attributes.slice(0, -1)));
  t.regex(p.text, /,"success":(true|"true"),"RequestId":"[0-9A-F-]{36}"\}$/);
});
