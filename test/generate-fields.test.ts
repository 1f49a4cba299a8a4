// The generated store carries what warehouse version 8 loads and the personal data it must keep out:
// trade types, closing, receipt, installment steps, product attributes and stock without SKUs, refund
// histories and returns, carriers' codes, the invoice model's keys, and the traps (phones and names in
// tracking remarks, individual invoice titles, addresses, memos). 1688's JSON is China time whatever the
// replica's zone.
import test from 'ava';
import { blobInstant, gen, naiveIn, num, offsetOf, openStore, parseBlob, readStore, unwrapRefund, type Json, type Store } from './generate-helpers.js';
import { tempSqliteUrl } from './helpers.js';

const blob = (text: string | null | undefined): Json => parseBlob(text!) as Json;
const obj = (v: unknown): Json => v as Json;
const arr = (v: unknown): Json[] => (v ?? []) as Json[];
const str = (v: unknown): string => v as string;

async function store(t: Parameters<typeof tempSqliteUrl>[0], orders: number, seed: number, sourceTz?: string): Promise<Store> {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders, seed }, sourceTz);
  return readStore(await openStore(t, url));
}

test('orders carry trade types, closing, receipt, account periods and both kinds of installment steps', async (t) => {
  const s = await store(t, 3000, 31);
  const bases = s.ali1688_order.map((o) => ({ o, b: blob(o.order_datas) })).map(({ o, b }) => ({ o, b, base: obj(b.baseInfo) }));
  t.deepEqual([...new Set(bases.map((x) => str(x.base.tradeTypeCode)))].sort(), ['assureTrade', 'period', 'stepPay']);
  t.true(bases.every((x) => typeof x.base.tradeTypeDesc === 'string' && typeof x.base.businessType === 'string'));
  t.true(bases.some((x) => x.base.businessType === 'ws') && bases.some((x) => x.base.businessType === 'cn'));
  const closed = bases.filter((x) => x.o.status === 'cancel' || x.o.status === 'terminated');
  t.true(closed.length > 0 && closed.every((x) => typeof x.base.closeReason === 'string' && /^CLOSE_TRADE_BY_/.test(str(x.base.closeOperateType))));
  t.true(closed.some((x) => x.base.closeOperateType === 'CLOSE_TRADE_BY_BUYER') && closed.some((x) => x.base.closeOperateType === 'CLOSE_TRADE_BY_SYSTEM'));
  t.true(bases.filter((x) => x.o.status === 'success').every((x) => typeof x.base.receivingTime === 'string'), 'completed orders were received');
  t.true(bases.some((x) => typeof x.base.confirmedTime === 'string'));
  t.true(bases.some((x) => typeof obj(x.b.orderBizInfo ?? {}).accountPeriodTime === 'string'));
  const v4 = bases.filter((x) => arr(x.base.newStepOrderList).length > 0);
  const v3 = bases.filter((x) => arr(x.base.stepOrderList).length > 0);
  t.true(v4.length > 0 && v3.length > 0, `${v4.length} 交易4.0 and ${v3.length} 交易3.0 installment orders`);
  for (const x of [...v4, ...v3]) {
    const steps = arr(x.base.newStepOrderList ?? x.base.stepOrderList);
    t.is(steps.length, arr(x.b.tradeTerms).length, 'one step per payment phase');
    const fee = (st: Json) => num(st.payFee !== undefined && x.base.newStepOrderList ? st.payFee : st.actualPayFee, 'fee');
    const total = steps.reduce((a, st) => a + Math.round(Number(fee(st)) * 100), 0);
    t.is(total, Math.round(Number(num(x.base.totalAmount, 'totalAmount')) * 100), 'the steps ask for the total');
  }
  t.true(v3.every((x) => x.base.tradeType === '7') && v4.every((x) => x.base.tradeType === '50060'));
});

test('products list attributes, a unit weight and a freight template; products without SKUs keep their stock in saleInfo', async (t) => {
  const s = await store(t, 1000, 32);
  const infos = s.ali1688_product.filter((p) => p.product_datas !== null).map((p) => ({ p, info: obj(blob(p.product_datas).productInfo) }));
  t.true(infos.every(({ info }) => arr(info.attributes).some((a) => a.attributeName === '品牌')));
  t.true(infos.every(({ info }) => obj(info.shippingInfo).freightTemplateID !== undefined && obj(info.shippingInfo).unitWeight !== undefined));
  const noSku = infos.filter(({ info }) => info.skuInfos === undefined);
  t.true(noSku.length > 0, 'products without SKUs');
  for (const { p, info } of noSku) {
    t.is(p.sku_cargo_numbers, null);
    t.regex(num(obj(info.saleInfo).amountOnSale, 'amountOnSale'), /^\d+\.0$/);
  }
  const noSkuIds = new Set(noSku.map(({ p }) => p.product_id));
  const lines = s.ali1688_order_line.filter((l) => noSkuIds.has(l.product_id));
  t.true(lines.length > 0, 'orders for products without SKUs');
  for (const l of lines) {
    t.is(l.sku_id, null);
    t.false('skuID' in blob(l.order_line_data));
  }
});

test('refunds carry their history, reason ids, refusals, returns and the 7-day flag', async (t) => {
  const s = await store(t, 3000, 33);
  const models = s.ali1688_order_refund.map((r) => unwrapRefund(blob(r.order_refund_data)));
  t.true(models.every((m) => arr(m.refundOperationList).length >= 1 && m.applyReasonId !== undefined));
  t.true(models.some((m) => m.rejectReason !== undefined && num(m.rejectTimes, 'rejectTimes') !== '0'), 'a refused refund');
  t.true(models.some((m) => typeof m.freightBill === 'string' && typeof m.buyerLogisticsName === 'string'), 'goods sent back');
  const flags = new Set(models.map((m) => obj(m.extInfo)['7d']));
  t.deepEqual([...flags].sort(), ['false', 'true']);
  t.true(models.some((m) => arr(m.refundOperationList).some((op) => /1[3-9]\d{9}/.test(str(op.remark)))), 'an operation remark with a phone (never loaded)');
});

test('invoices use the OrderInvoiceModel keys, some to individuals, some with the older key names', async (t) => {
  const s = await store(t, 3000, 34);
  const invoices = s.ali1688_invoice.map((i) => ({ type: i.invoice_type, m: blob(i.invoice_data) }));
  const personal = invoices.filter((i) => i.m.taxpayerIdentify === undefined);
  t.true(personal.length > 0 && personal.every((i) => i.type === '0'), 'individuals get plain invoices without a taxpayer id');
  const vat = invoices.filter((i) => i.type === '1');
  t.true(vat.some((i) => typeof i.m.registerBank === 'string' && typeof i.m.registerAccountId === 'string' && typeof i.m.registerStreet === 'string' && typeof i.m.registerCode === 'string'));
  t.true(vat.some((i) => typeof i.m.bankName === 'string' && typeof i.m.registerAddress === 'string'), 'the older key names');
  t.true(invoices.every((i) => ['receiveName', 'receiveMobile', 'receivePhone', 'receivePost', 'receiveCode', 'receiveCodeText', 'receiveStreet'].every((k) => typeof i.m[k] === 'string')));
});

test('tracking remarks carry phones (whole, masked, landlines) and signers\' names; shipments carry carriage, send type and the carrier code', async (t) => {
  const s = await store(t, 2000, 35);
  const remarks = s.ali1688_logistics_route.flatMap((r) => {
    const b = blob(r.logistic_route_datas);
    return arr(b.logisticsSteps ?? b.traceNodeList).map((x) => str(x.remark));
  });
  t.true(remarks.some((r) => /（1[3-9]\d{9}）/.test(r)), 'a courier\'s mobile');
  t.true(remarks.some((r) => /1[3-9]\d\*{4}\d{4}/.test(r)), 'a partly masked mobile');
  t.true(remarks.some((r) => /0\d{3}-\d{8}/.test(r)), 'a landline');
  const names = new Set(s.ali1688_order.map((o) => str(obj(obj(blob(o.order_datas).baseInfo).receiverInfo).toFullName)));
  t.true(remarks.some((r) => [...names].some((n) => r.includes(`签收人：${n}`))), 'a receiver signing by name');
  const items = s.ali1688_logistics_order.map((l) => blob(l.logistic_order_datas)).filter((b) => 'logisticsCode' in b);
  t.true(items.length > 0 && items.every((b) => typeof b.logisticsCompanyNo === 'string' && b.carriage !== undefined && typeof b.type === 'string'));
  const native = s.ali1688_order.map((o) => obj(blob(o.order_datas).nativeLogistics));
  t.true(native.every((nl) => /^\d{6}$/.test(str(nl.areaCode)) && typeof nl.contactPerson === 'string' && typeof nl.address === 'string'));
});

test('a replica kept in UTC: columns in UTC, 1688\'s JSON in China time (offset +0800, and acceptTime without one)', async (t) => {
  const s = await store(t, 300, 36, 'UTC');
  for (const o of s.ali1688_order) {
    const base = obj(blob(o.order_datas).baseInfo);
    const created = str(base.createTime);
    if (offsetOf(created) !== '+0800') continue; // the few orders written at another offset
    t.is(o.create_time ?? null, naiveIn(blobInstant(created), 'UTC'));
  }
  const offsets = new Set(s.ali1688_order.map((o) => offsetOf(str(obj(blob(o.order_datas).baseInfo).createTime))));
  t.true(offsets.has('+0800'), 'China time, not the replica\'s UTC');
  // Each route's last acceptTime is China time: its day is gmt_modified's day in China, not in UTC.
  let differ = 0;
  for (const r of s.ali1688_logistics_route) {
    const b = blob(r.logistic_route_datas);
    const last = arr(b.logisticsSteps ?? b.traceNodeList).map((x) => str(x.acceptTime)).sort().pop()!;
    const asChina = Date.parse(`${last.replace(' ', 'T')}+08:00`);
    t.is<unknown, unknown>(naiveIn(asChina, 'UTC', 'yyyy-MM-dd'), r.gmt_modified);
    if (last.slice(0, 10) !== r.gmt_modified) differ++;
  }
  t.true(differ > 0, 'some steps fall on another day in China than in UTC');
});
