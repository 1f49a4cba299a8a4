// The generated store follows the Cloud Hub source shapes on SQLite and MariaDB: every blob parses
// losslessly, ids above 2^53 stay exact, money keeps its units and invariants, columns and blobs agree.
import test, { type ExecutionContext } from 'ava';
import {
  BLOB_TIME, blobInstant, DATE, fen, gen, NAIVE_TIME, naiveIn, Num, num, offsetOf, openStore, parseBlob, readStore, TWO_53, TWO_63, unwrapRefund,
  type Json, type Store,
} from './generate-helpers.js';
import { needMysql, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';

const ZONE = 'Asia/Shanghai';

type Backend = 'SQLite' | 'MariaDB';

async function store(t: ExecutionContext, backend: Backend, orders: number, seed: number): Promise<Store | undefined> {
  let url: string;
  if (backend === 'MariaDB') {
    if (!(await needMysql(t))) return undefined;
    url = await tempMysqlDb(t, 'hubgen');
  } else {
    url = tempSqliteUrl(t);
  }
  await gen(t, url, { orders, seed });
  return readStore(await openStore(t, url));
}

const blob = (text: string | null | undefined, what: string): Json => {
  if (text === null || text === undefined) throw new Error(`${what}: no blob`);
  return parseBlob(text) as Json;
};
const obj = (v: unknown): Json => v as Json;
const arr = (v: unknown): Json[] => v as Json[];
const str = (v: unknown): string => v as string;

for (const backend of ['SQLite', 'MariaDB'] as const) {
  testWith(backend)(`every blob parses losslessly and stays under 60,000 bytes (${backend})`, async (t) => {
    const s = await store(t, backend, 800, 21);
    if (!s) return;
    const blobCols: Record<string, string> = {
      ali1688_category: 'attributes', ali1688_product: 'product_datas', ali1688_order: 'order_datas', ali1688_order_line: 'order_line_data',
      ali1688_order_refund: 'order_refund_data', ali1688_invoice: 'invoice_data', ali1688_logistics_order: 'logistic_order_datas', ali1688_logistics_route: 'logistic_route_datas',
    };
    for (const [table, col] of Object.entries(blobCols)) {
      const rows = s[table as keyof Store];
      t.true(rows.length > 0, `${table} has rows`);
      for (const r of rows) {
        const v = r[col];
        if (v === null || v === undefined || ['', '[]', '{}', 'null'].includes(v)) continue;
        t.notThrows(() => parseBlob(v), `${table} ${r.id}`);
        t.true(Buffer.byteLength(v) < 60_000, `${table} ${r.id} is ${Buffer.byteLength(v)} bytes`);
      }
    }
  });

  testWith(backend)(`ids above 2^53 stay exact in columns and blobs, the Long twin is the rounded one (${backend})`, async (t) => {
    const s = await store(t, backend, 800, 22);
    if (!s) return;
    const subIds = new Map<string, Set<string>>();
    for (const o of s.ali1688_order) {
      const base = obj(blob(o.order_datas, 'order').baseInfo);
      const id = o.order_id!;
      t.regex(id, /^\d{18}$/);
      t.true(BigInt(id) > TWO_53 && BigInt(id) < TWO_63);
      t.is<unknown, unknown>(base.idOfStr, id);
      t.is(num(base.id, 'baseInfo.id'), String(Number(id)));
      t.not(num(base.id, 'baseInfo.id'), id);
      subIds.set(id, new Set());
    }
    for (const l of s.ali1688_order_line) {
      const line = blob(l.order_line_data, 'line');
      t.regex(l.sub_item_id!, /^\d{18}$/);
      t.is<unknown, unknown>(line.subItemIDString, l.sub_item_id);
      t.is(num(line.subItemID, 'subItemID'), String(Number(l.sub_item_id)));
      t.not(num(line.subItemID, 'subItemID'), l.sub_item_id);
      t.is(num(line.productID, 'productID'), l.product_id!);
      t.regex(l.product_id!, /^\d{12}$/);
      // A product without SKUs: its lines name none, in the blob and in the column.
      if (line.skuID === undefined) t.is(l.sku_id, null);
      else {
        t.is(num(line.skuID, 'skuID'), l.sku_id!);
        t.regex(l.sku_id!, /^\d{13}$/);
      }
      subIds.get(l.order_id!)!.add(l.sub_item_id!);
    }
    for (const r of s.ali1688_order_refund) {
      const m = unwrapRefund(blob(r.order_refund_data, 'refund'));
      t.is(num(m.orderId, 'orderId'), r.order_ld!, 'refund orderId carries the exact digits');
      for (const e of arr(m.orderEntryIdList)) t.true(subIds.get(r.order_ld!)!.has(num(e, 'orderEntryIdList')));
      t.is(`TQ${num(m.id, 'id')}`, r.refund_id!);
    }
    for (const i of s.ali1688_invoice) t.is(num(blob(i.invoice_data, 'invoice').orderId, 'orderId'), i.order_id!);
    for (const r of s.ali1688_logistics_route) t.is(num(blob(r.logistic_route_datas, 'route').orderId, 'orderId'), r.order_id!);
    for (const l of s.ali1688_logistics_order) {
      const b = blob(l.logistic_order_datas, 'logistics');
      for (const g of arr(b.logisticsOrderGoods ?? [])) {
        t.is(num(g.tradeOrderId, 'tradeOrderId'), l.order_id!);
        t.true(subIds.get(l.order_id!)!.has(num(g.tradeOrderItemId, 'tradeOrderItemId')));
      }
    }
    for (const o of s.ali1688_order) {
      for (const term of arr(blob(o.order_datas, 'order').tradeTerms)) t.regex(num(term.phase, 'phase'), /^\d{18}$/);
    }
  });

  testWith(backend)(`amounts keep their units and the order invariants hold exactly (${backend})`, async (t) => {
    const s = await store(t, backend, 800, 23);
    if (!s) return;
    const linesOf = groupBy(s.ali1688_order_line, 'order_id');
    const refundsOf = groupBy(s.ali1688_order_refund, 'order_ld');
    let discounted = 0;
    for (const o of s.ali1688_order) {
      const b = blob(o.order_datas, 'order');
      const base = obj(b.baseInfo);
      const items = arr(b.productItems);
      const lines = linesOf.get(o.order_id!) ?? [];
      t.is(items.length, lines.length);
      let itemSum = 0n;
      let gross5 = 0n; // 1e-5 yuan: price (<= 4 decimals) x quantity (<= 1 decimal)
      let entrySum = 0n;
      for (const it of items) {
        const item = fen(num(it.itemAmount, 'itemAmount'));
        itemSum += item;
        const price = num(it.price, 'price');
        const qty = num(it.quantity, 'quantity');
        t.notThrows(() => fen(price, 4), `price ${price} has at most 4 decimals`);
        const g = fen(price, 4) * fen(qty, 1);
        gross5 += g;
        const entry = BigInt(num(it.entryDiscount, 'entryDiscount'));
        entrySum += entry;
        if (entry !== 0n) {
          discounted++;
          t.not(item * 1000n, g, 'a discounted line pays something else than price x quantity');
        }
      }
      const spp = fen(num(base.sumProductPayment, 'sumProductPayment'));
      t.is(spp, (gross5 + 500n) / 1000n, `sumProductPayment of ${o.order_id} = sum of price x quantity rounded to fen`);
      t.is(fen(num(base.totalAmount, 'totalAmount')), itemSum + fen(num(base.shippingFee, 'shippingFee')), `totalAmount of ${o.order_id}`);
      t.is(BigInt(num(base.discount, 'discount')), spp - itemSum, `discount of ${o.order_id} is fen`);
      t.is(entrySum, spp - itemSum, 'line entryDiscount (fen) adds up to the order discount');
      if (o.sum_product_payment !== null && o.sum_product_payment !== '') t.is(fen(o.sum_product_payment!), spp);
      t.is<unknown, unknown>(base.currency, 'RMB');
      // Refunds: fen in the refund model and its column, yuan in the order and line blobs.
      let refunded = 0n;
      for (const r of refundsOf.get(o.order_id!) ?? []) {
        const m = unwrapRefund(blob(r.order_refund_data, 'refund'));
        t.regex(num(m.refundPayment, 'refundPayment'), /^\d+$/);
        t.is(num(m.refundPayment, 'refundPayment'), r.refund_payment!);
        t.true(BigInt(r.refund_payment!) <= BigInt(num(m.applyPayment, 'applyPayment')));
        if (r.status === 'refundsuccess') refunded += BigInt(r.refund_payment!) + BigInt(num(m.refundCarriage, 'refundCarriage'));
      }
      t.is(fen(num(base.refund, 'refund')), refunded, `baseInfo.refund of ${o.order_id} in yuan`);
      t.is(BigInt(num(base.refundPayment, 'refundPayment')), refunded, 'baseInfo.refundPayment in fen');
      let lineRefunds = 0n;
      for (const l of lines) {
        t.is(fen(l.refund!), fen(num(blob(l.order_line_data, 'line').refund, 'line refund')), 'line refund column (decimal(10,3) yuan) = blob');
        lineRefunds += fen(l.refund!);
      }
      t.true(lineRefunds <= refunded);
      const terms = arr(b.tradeTerms);
      t.is(terms.reduce((a, x) => a + fen(num(x.phasAmount, 'phasAmount')), 0n), fen(num(base.totalAmount, 'totalAmount')), 'tradeTerms phases sum to totalAmount');
    }
    t.true(discounted > 0);
  });

  testWith(backend)(`time columns and blob times describe the same instants in their formats (${backend})`, async (t) => {
    const s = await store(t, backend, 800, 24);
    if (!s) return;
    const offsets = new Set<string>();
    const same = (col: string | null | undefined, blobTime: unknown, what: string) => {
      if (blobTime === undefined || blobTime === null) {
        t.is(col ?? null, null, `${what}: column set without blob time`);
        return;
      }
      t.regex(str(blobTime), BLOB_TIME, what);
      t.is(col, naiveIn(blobInstant(str(blobTime)), ZONE), what);
    };
    for (const o of s.ali1688_order) {
      const base = obj(blob(o.order_datas, 'order').baseInfo);
      offsets.add(offsetOf(str(base.createTime)));
      same(o.create_time, base.createTime, `create_time ${o.order_id}`);
      same(o.modify_time, base.modifyTime, `modify_time ${o.order_id}`);
      same(o.pay_time, base.payTime, `pay_time ${o.order_id}`);
      same(o.all_delivered_time, base.allDeliveredTime, `all_delivered_time ${o.order_id}`);
      same(o.complete_time, base.completeTime, `complete_time ${o.order_id}`);
      for (const it of arr(blob(o.order_datas, 'order').productItems)) {
        t.is<unknown, unknown>(it.gmtCreate, base.createTime);
        t.true(blobInstant(str(it.gmtModified)) <= blobInstant(str(base.modifyTime)), 'a line never changes after its order');
      }
    }
    t.true(offsets.has('+0800'));
    t.true([...offsets].some((o) => o !== '+0800'), 'some orders write their blob times at another offset');
    for (const r of s.ali1688_order_refund) {
      const m = unwrapRefund(blob(r.order_refund_data, 'refund'));
      same(r.gmt_create, m.gmtCreate, 'refund gmt_create');
      same(r.gmt_modified, m.gmtModified, 'refund gmt_modified');
      same(r.gmt_apply, m.gmtApply, 'refund gmt_apply');
      same(r.gmt_completed, m.gmtCompleted, 'refund gmt_completed');
    }
    for (const l of s.ali1688_logistics_order) {
      t.regex(l.gmt_create!, DATE);
      t.regex(l.gmt_modified!, DATE);
      t.true(l.gmt_modified! >= l.gmt_create!);
      const b = blob(l.logistic_order_datas, 'logistics');
      const sent = str(b.gmtSystemSend ?? b.deliveredTime);
      t.regex(sent, BLOB_TIME);
      t.is(l.gmt_create, naiveIn(blobInstant(sent), ZONE, 'yyyy-MM-dd'));
    }
    for (const r of s.ali1688_logistics_route) {
      const b = blob(r.logistic_route_datas, 'route');
      const steps = arr(b.logisticsSteps ?? b.traceNodeList);
      t.true(steps.length >= 2 && steps.length <= 8, `${steps.length} steps`);
      for (const st of steps) t.regex(str(st.acceptTime), NAIVE_TIME);
      const last = steps.map((x) => str(x.acceptTime)).sort().pop()!;
      t.is(r.gmt_modified, last.slice(0, 10));
    }
    for (const p of s.ali1688_product) {
      if (p.product_datas === null) continue;
      const b = blob(p.product_datas, 'product');
      same(p.create_time, b.createTime, 'product create_time');
      same(p.last_update_time, b.lastUpdateTime, 'product last_update_time');
      same(p.last_repost_time, b.lastRepostTime, 'product last_repost_time');
      same(p.approved_time, b.approvedTime, 'product approved_time');
      same(p.expire_time, b.expireTime, 'product expire_time');
    }
    for (const c of s.ali1688_category) {
      t.true(NAIVE_TIME.test(c.create_datetime!) || BLOB_TIME.test(c.create_datetime!), c.create_datetime!);
      t.true(NAIVE_TIME.test(c.modify_datetime!) || BLOB_TIME.test(c.modify_datetime!), c.modify_datetime!);
    }
  });

  testWith(backend)(`order lines, invoices, refunds and shipments agree with their order blob (${backend})`, async (t) => {
    const s = await store(t, backend, 800, 25);
    if (!s) return;
    const linesOf = groupBy(s.ali1688_order_line, 'order_id');
    const invoiceOf = groupBy(s.ali1688_invoice, 'order_id');
    const refundsOf = groupBy(s.ali1688_order_refund, 'order_ld');
    const shipments = new Map(s.ali1688_logistics_order.map((l) => [l.logistic_id!, l]));
    let invoiced = 0;
    for (const o of s.ali1688_order) {
      const text = o.order_datas!;
      const b = blob(text, 'order');
      const base = obj(b.baseInfo);
      t.is<unknown, unknown>(base.status, o.status);
      t.is<unknown, unknown>(base.buyerID, o.buyer_member_id);
      t.is<unknown, unknown>(base.sellerID, o.seller_member_id);
      t.is<unknown, unknown>(base.alipayTradeId, o.alipay_trade_id);
      if (o.pay_time === null) t.is(o.alipay_trade_id, 'UNCREATED');
      const lines = linesOf.get(o.order_id!) ?? [];
      const items = arr(b.productItems);
      t.deepEqual(items.map((i) => i.subItemIDString), lines.map((l) => l.sub_item_id), 'lines in blob order');
      for (const l of lines) {
        t.true(text.includes(l.order_line_data!), 'productItems holds each line blob verbatim');
        const it = blob(l.order_line_data, 'line');
        t.is<unknown, unknown>(l.status, it.status);
        t.is(l.quantity, String(Math.trunc(Number(num(it.quantity, 'quantity')))));
        t.is<unknown, unknown>(l.unit, it.unit);
        t.is(l.cargo_number ?? undefined, it.cargoNumber as string | undefined);
        t.is(l.product_cargo_number ?? undefined, it.productCargoNumber as string | undefined);
        t.is(l.refund_id ?? undefined, it.refundId as string | undefined);
        t.is(l.refund_id_for_as ?? undefined, it.refundIdForAs as string | undefined);
        if (it.refundStatus !== undefined) t.regex(str(it.refundStatus), /^[A-Z_]+$/);
      }
      const inv = invoiceOf.get(o.order_id!) ?? [];
      if (inv.length > 0) {
        invoiced++;
        t.is(inv.length, 1);
        t.true(text.includes(`"orderInvoiceInfo":${inv[0]!.invoice_data}`), 'the order embeds its invoice');
        const ib = blob(inv[0]!.invoice_data, 'invoice');
        const type = num(ib.invoiceType, 'invoiceType');
        t.true(['0', '1'].includes(inv[0]!.invoice_type!));
        t.true(type === inv[0]!.invoice_type || type === '9');
        t.is(num(ib.localInvoiceId, 'localInvoiceId'), inv[0]!.local_invoice_id!);
        t.is(BigInt(num(ib.amount, 'amount')), fen(num(base.totalAmount, 'totalAmount')), 'invoice amount in fen');
        if (ib.taxpayerIdentify === undefined) {
          // A plain invoice to a person: the title is the name, with no taxpayer id.
          t.is(inv[0]!.invoice_type, '0');
          t.notRegex(str(ib.invoiceCompanyName), /公司/);
        } else {
          t.regex(str(ib.taxpayerIdentify), /^91\d{6}[0-9A-Z]{10}$/);
          t.regex(str(ib.invoiceCompanyName), /有限公司$/);
        }
      } else {
        t.false('orderInvoiceInfo' in b);
      }
      for (const r of refundsOf.get(o.order_id!) ?? []) {
        const m = unwrapRefund(blob(r.order_refund_data, 'refund'));
        t.is(r.buyer_member_id, o.buyer_member_id);
        t.is<unknown, unknown>(m.status, r.status);
        t.regex(r.refund_id!, /^TQ\d+$/);
        const key = num(m.disputeType, 'disputeType') === '1' ? 'refund_id' : 'refund_id_for_as';
        const covered = arr(m.orderEntryIdList).map((e) => num(e, 'entry'));
        for (const l of lines) t.is(l[key] === r.refund_id, covered.includes(l.sub_item_id!), `${key} of ${l.sub_item_id}`);
        t.true('onlyRefund' in m || 'isOnlyRefund' in m);
        t.true('goodsReceived' in m || 'isGoodsReceived' in m);
      }
      for (const li of arr(obj(b.nativeLogistics).logisticsItems ?? [])) {
        const row = shipments.get(str(li.logisticsCode));
        t.truthy(row, `logistics order ${str(li.logisticsCode)}`);
        t.is(row?.order_id, o.order_id);
        t.is<unknown, unknown>(row?.logistics_bill_no, li.logisticsBillNo);
        for (const sub of str(li.subItemIds).split(',')) t.true(lines.some((l) => l.sub_item_id === sub));
      }
    }
    t.true(invoiced > 0);
  });
}

test('blobs take every documented variant in a larger store (SQLite)', async (t) => {
  const s = await store(t, 'SQLite', 3000, 26);
  if (!s) return;
  const statuses = new Set(s.ali1688_order.map((o) => o.status));
  for (const st of ['waitbuyerpay', 'waitsellersend', 'waitlogisticstakein', 'waitbuyerreceive', 'signinsuccess', 'confirm_goods', 'success', 'cancel', 'terminated']) {
    t.true(statuses.has(st), `an order in ${st}`);
  }
  const orders = s.ali1688_order.map((o) => blob(o.order_datas, 'order'));
  const terms = orders.flatMap((b) => arr(b.tradeTerms));
  t.true(terms.some((x) => x.payWay === '7' && x.payStatus === '12'), 'account-period order awaiting settlement');
  t.true(orders.some((b) => arr(b.tradeTerms).length >= 2), 'installments');
  t.true(orders.some((b) => BigInt(num(obj(b.baseInfo).discount, 'discount')) < 0n), 'a seller price increase (negative discount)');
  t.true(s.ali1688_order.some((o) => o.sum_product_payment === ''));
  t.true(s.ali1688_order.some((o) => o.sum_product_payment === null));
  const lines = s.ali1688_order_line.map((l) => blob(l.order_line_data, 'line'));
  t.true(lines.some((l) => num(l.quantityFactor, 'quantityFactor') === '10' && num(l.quantity, 'quantity').includes('.')), 'fractional quantity');
  t.true(s.ali1688_order_line.some((l) => l.refund_id !== null) && s.ali1688_order_line.some((l) => l.refund_id_for_as !== null));
  t.true(lines.some((l) => l.refundStatus === 'REFUND_CLOSED'));
  const refunds = s.ali1688_order_refund.map((r) => blob(r.order_refund_data, 'refund'));
  t.true(refunds.some((r) => 'result' in r), '{"result":…}');
  t.true(refunds.some((r) => !Array.isArray(r.opOrderRefundModelDetail) && r.opOrderRefundModelDetail !== undefined), 'opOrderRefundModelDetail object');
  t.true(refunds.some((r) => Array.isArray(r.opOrderRefundModelDetail)), 'opOrderRefundModelDetail array');
  t.true(refunds.some((r) => 'isOnlyRefund' in unwrapRefund(r)) && refunds.some((r) => 'onlyRefund' in unwrapRefund(r)));
  t.deepEqual([...new Set(refunds.map((r) => num(unwrapRefund(r).disputeType, 'disputeType')))].sort(), ['1', '2']);
  for (const st of ['waitselleragree', 'refundsuccess', 'refundclose']) t.true(s.ali1688_order_refund.some((r) => r.status === st), `a refund in ${st}`);
  const invoices = s.ali1688_invoice.map((i) => blob(i.invoice_data, 'invoice'));
  t.true(invoices.some((i) => num(i.invoiceType, 'invoiceType') === '9'));
  t.deepEqual([...new Set(s.ali1688_invoice.map((i) => i.invoice_type))].sort(), ['0', '1']);
  const shipments = s.ali1688_logistics_order.map((l) => blob(l.logistic_order_datas, 'logistics'));
  t.true(shipments.some((b) => 'logisticsCode' in b), 'a logistics blob in the logisticsItems key set');
  t.true(shipments.some((b) => b.status === 'WAITACCEPT') && shipments.some((b) => b.status === 'SIGN'));
  t.true(s.ali1688_logistics_order.some((l) => l.logistic_id!.startsWith('LP')) && s.ali1688_logistics_order.some((l) => l.logistic_id!.startsWith('BX')));
  const routes = s.ali1688_logistics_route.map((r) => blob(r.logistic_route_datas, 'route'));
  t.true(routes.some((r) => 'traceNodeList' in r));
  t.true(routes.some((r) => {
    const times = arr(r.logisticsSteps ?? []).map((x) => str(x.acceptTime));
    return times.some((x, i) => i > 0 && x < times[i - 1]!);
  }), 'steps out of order');
  t.true(routes.some((r) => {
    const keys = arr(r.logisticsSteps ?? []).map((x) => `${str(x.acceptTime)}${str(x.remark)}`);
    return new Set(keys).size < keys.length;
  }), 'a duplicated step');
  // Products: statuses, pricing, SKU counts, missing blobs.
  const pstatus = new Set(s.ali1688_product.map((p) => p.status));
  for (const st of ['published', 'modified', 'member expired', 'auto expired', 'member deleted']) t.true(pstatus.has(st), `a product ${st}`);
  t.true(s.ali1688_product.some((p) => p.product_datas === null));
  const products = s.ali1688_product.filter((p) => p.product_datas !== null).map((p) => obj(blob(p.product_datas, 'product').productInfo));
  const quote = new Set(products.map((p) => num(obj(p.saleInfo).quoteType, 'quoteType')));
  t.deepEqual([...quote].sort(), ['0', '1']);
  const skuCounts = products.map((p) => arr(p.skuInfos ?? []).length);
  t.true(Math.min(...skuCounts) === 0 && skuCounts.includes(1) && Math.max(...skuCounts) >= 50 && Math.max(...skuCounts) <= 100);
  t.true(products.every((p) => p.skuInfos !== undefined || num(obj(p.saleInfo).quoteType, 'quoteType') === '0'), 'products without SKUs are priced by volume');
  t.true(products.some((p) => arr(p.skuInfos ?? []).some((k) => k.price instanceof Num && /\.\d{3,4}$/.test(k.price.text))), 'prices with 3-4 decimals');
  for (const p of products) {
    if (num(obj(p.saleInfo).quoteType, 'quoteType') === '0') {
      const ranges = arr(obj(p.saleInfo).priceRanges);
      t.true(ranges.length >= 2 && ranges.length <= 4);
    }
  }
  for (const p of s.ali1688_product) {
    if (p.product_datas === null) continue;
    const info = obj(blob(p.product_datas, 'product').productInfo);
    const cargos = arr(info.skuInfos ?? []).map((k) => k.cargoNumber).filter((c) => c !== undefined);
    t.is(p.sku_cargo_numbers, cargos.length > 0 ? cargos.join(',') : null);
  }
  // Categories: three levels, two-level leaves, attributes blob only on leaves.
  const leaves = s.ali1688_category.filter((c) => c.is_leaf === 'Y');
  t.true(leaves.some((c) => c.category_level === '2' && c.category3_id === null));
  t.true(s.ali1688_category.some((c) => c.category1_name === '五金、工具' && c.category2_name === '电动工具' && c.category3_name === '电动扳手'));
  for (const c of leaves) t.true(arr(blob(c.attributes, 'attributes').attributes).length > 0);
  for (const c of s.ali1688_category.filter((x) => x.is_leaf === 'N')) t.true(['', '[]', '{}', 'null'].includes(c.attributes!));
  // Many rows share one modify second (the nightly batch).
  const perSecond = new Map<string, number>();
  for (const o of s.ali1688_order) perSecond.set(o.modify_time!, (perSecond.get(o.modify_time!) ?? 0) + 1);
  t.true(Math.max(...perSecond.values()) >= 20, `the busiest modify second has ${Math.max(...perSecond.values())} orders`);
});

function groupBy(rows: Array<Record<string, string | null>>, key: string): Map<string, Array<Record<string, string | null>>> {
  const out = new Map<string, Array<Record<string, string | null>>>();
  for (const r of rows) {
    const k = r[key]!;
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}
