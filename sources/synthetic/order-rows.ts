// An order plan as the replica shows it at clock C: the order row with its TradeInfo blob, its lines,
// refunds, invoice, logistics orders and routes. Blobs are written as text by hand so that ids above
// 2^53 keep their digits (the Long twin is the rounded value, the string twin the exact one). Columns
// are in the replica's zone, the JSON in China time (1688's). The JSON carries the personal data real
// blobs carry (contacts, receivers, memos, recipients of invoices, phones in tracking remarks): traps
// that the tests prove never reach the warehouse.
import { DAY, HOUR } from './clock.js';
import { allocate, dec3, lossyLong, obj, str, yuan, yuan4 } from './format.js';
import { CLOSED_BY, extra, invoiceModel, nativeLogistics, stepList, tradeType } from './trade-details.js';
import type { Party } from './parties.js';
import { ORDER_VISIBLE, type LinePlan, type OrderPlan, type ParcelPlan, type Receiver, type RefundPlan } from './order-plan.js';
import type { Row } from './tables.js';
import { CARRIERS, ORDER_STATUS_LABELS, REFUND_REASONS, REFUND_STATUS_UPPER } from './vocabulary.js';
import { lastTouch, type World } from './world.js';

/** Carriers buyers send goods back with. */
const RETURN_CARRIERS = CARRIERS.filter((c) => c.billPrefix !== 'DPK');

export interface OrderRows {
  order: Row;
  lines: Row[];
  refunds: Row[];
  invoice: Row | null;
  logistics: Row[];
  routes: Row[];
}

/** The value of the last [instant, value] entry at or before C. */
function lastAt<T>(entries: ReadonlyArray<readonly [number, T]>, C: number): [number, T] | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]![0] <= C) return entries[i] as [number, T];
  return undefined;
}

function lastTime(times: readonly number[], C: number): number {
  for (let i = times.length - 1; i >= 0; i--) if (times[i]! <= C) return times[i]!;
  return -Infinity;
}

const DONE = new Set(['refundsuccess', 'refundclose']);

/** `,"key":"value"` for a present string, '' for an absent one. */
const opt = (key: string, v: string | null): string => (v === null ? '' : `,"${key}":"${v}"`);

// Contact blocks depend only on the party, so each is written once.
const contactCache = new WeakMap<Party, string>();
function contactJson(b: Party): string {
  let s = contactCache.get(b);
  if (s === undefined) {
    s = `{"name":"${b.name}","mobile":"${b.mobile}","phone":"${b.phone}","companyName":"${b.company}"}`;
    contactCache.set(b, s);
  }
  return s;
}

const receiverJson = (r: Receiver): string =>
  `{"toFullName":"${r.name}","toDivisionCode":"${r.district[1]}","toPost":"${r.city.zip}","toMobile":"${r.mobile}","toPhone":"${r.phone}",` +
  `"toArea":"${r.city.province} ${r.city.city} ${r.district[0]} ${r.address}"}`;

const qtyText = (l: LinePlan): string => String(l.q10 / 10);

interface RefundNow {
  r: RefundPlan;
  step: number;
  status: string;
  t: number;
  paymentFen: number;
  carriageFen: number;
}

function refundNow(r: RefundPlan, C: number): RefundNow | undefined {
  if (r.steps[0]!.t > C) return undefined;
  let i = r.steps.length - 1;
  while (r.steps[i]!.t > C) i--;
  const s = r.steps[i]!;
  const ok = s.status === 'refundsuccess';
  return {
    r,
    step: i,
    status: s.status,
    t: s.t,
    paymentFen: ok ? r.finalFen : s.status === 'refundclose' ? 0 : r.applyFen,
    carriageFen: ok ? r.finalCarriageFen : 0,
  };
}

/** Renders every row of an order at clock C (C at or after its creation). */
export function renderOrder(w: World, plan: OrderPlan, C: number): OrderRows {
  const { clock, china, seller } = w;
  const bt = (ms: number) => `"${china.blob(ms, plan.altOffset)}"`;
  const roll = (k: number) => extra(w, plan, k);
  const status = lastAt(plan.status, C)![1];
  const modify = Math.max(lastTime(plan.times, C), lastTouch(w, plan.index, plan.createMs, C) ?? -Infinity);
  const paid = plan.payMs !== null && plan.payMs <= C ? plan.payMs : null;
  const final = plan.finalMs !== null && plan.finalMs <= C ? plan.finalMs : null;
  const parcels = plan.parcels.filter((x) => x.createMs <= C);
  const allDelivered = plan.parcels.length > 0 && parcels.length === plan.parcels.length ? Math.max(...parcels.map((x) => x.createMs)) : null;
  const refunds = plan.refunds.map((r) => refundNow(r, C)).filter((x): x is RefundNow => x !== undefined);
  const inSale = refunds.find((x) => x.r.disputeType === 1);
  const afterSales = refunds.find((x) => x.r.disputeType === 2);

  // Refunded money per line (successful refunds only, allocated over the refund's lines by amount).
  const lineRefund = plan.lines.map(() => 0);
  const returned = plan.lines.map(() => false);
  let orderRefundFen = 0;
  for (const x of refunds) {
    if (x.status !== 'refundsuccess') continue;
    orderRefundFen += x.paymentFen + x.carriageFen;
    const parts = allocate(x.paymentFen, x.r.lines.map((i) => plan.lines[i]!.itemFen));
    x.r.lines.forEach((i, k) => {
      lineRefund[i]! += parts[k]!;
      if (!x.r.onlyRefund) returned[i] = true;
    });
  }

  const parcelStatus = (x: ParcelPlan) => lastAt(x.statuses, C)?.[1];
  const statusTimes = plan.status.map(([t]) => t);
  const lineJson: string[] = [];
  const lines: Row[] = plan.lines.map((l, i) => {
    const parcel = parcels.find((x) => x.lines.includes(l.k));
    const cancelled = parcel !== undefined && parcelStatus(parcel) === 'CANCEL';
    let ls = status;
    if (status === 'waitsellersend' && parcel && !cancelled) ls = parcel.pickupMs <= C ? 'waitbuyerreceive' : 'waitlogisticstakein';
    const logisticsStatus = !parcel || cancelled ? 1 : returned[i] ? 4 : parcel.signMs <= C || ls === 'confirm_goods' || ls === 'success' ? 3 : 2;
    let lineModify = lastTime(statusTimes, C);
    if (parcel) for (const [t, s] of parcel.statuses) if (t <= C && ORDER_VISIBLE.has(s)) lineModify = Math.max(lineModify, t);
    const mine = refunds.filter((x) => x.r.lines.includes(l.k));
    for (const x of mine) for (let k = 0; k <= x.step; k++) lineModify = Math.max(lineModify, x.r.steps[k]!.t);
    const lastRefund = mine[mine.length - 1];
    const lineIn = mine.find((x) => x.r.disputeType === 1);
    const lineAs = mine.find((x) => x.r.disputeType === 2);
    const p = l.product;
    // A product without SKUs: its lines name no SKU.
    const sku = p.noSku ? null : l.sku;
    const json = `{"subItemID":${lossyLong(l.subId)},"subItemIDString":"${l.subId}","productID":${p.id}${sku ? `,"skuID":${sku.id},"specId":"${sku.specId}"` : ''},` +
      `"name":${str(l.title)},"quantity":${qtyText(l)},"quantityFactor":${l.factor},"price":${yuan4(l.price)},"itemAmount":${yuan(l.itemFen)},` +
      `"entryDiscount":${l.entryFen},"refund":${yuan(lineRefund[i]!)},"unit":"${p.unit}","status":"${ls}","statusStr":"${ORDER_STATUS_LABELS[ls] ?? ls}",` +
      `"logisticsStatus":${logisticsStatus}${opt('cargoNumber', sku?.cargo ?? null)}${opt('productCargoNumber', p.cargo)},` +
      `${sku ? `"skuInfos":${sku.infos},` : ''}` +
      `"gmtCreate":${bt(plan.createMs)},"gmtModified":${bt(lineModify)}` +
      `${ls === 'success' && final !== null ? `,"gmtCompleted":${bt(final)}` : ''}` +
      `${ls === 'waitbuyerpay' ? `,"gmtPayExpireTime":"${china.naive(plan.createMs + 72 * HOUR)}"` : ''}` +
      `${lastRefund ? `,"refundStatus":"${REFUND_STATUS_UPPER[lastRefund.status]!}"` : ''}` +
      `${lineIn ? `,"refundId":"TQ${lineIn.r.id}"` : ''}${lineAs ? `,"refundIdForAs":"TQ${lineAs.r.id}"` : ''}}`;
    lineJson.push(json);
    return [
      null, l.subId, plan.id, ls, String(Math.trunc(l.q10 / 10)), p.unit, p.id, p.cargo, sku?.cargo ?? null, sku?.id ?? null,
      lineIn ? `TQ${lineIn.r.id}` : null, lineAs ? `TQ${lineAs.r.id}` : null, dec3(lineRefund[i]!), json,
    ];
  });

  const buyer = plan.buyer;
  const rcv = plan.receiver;
  const inv = plan.invoice;
  const invoiceJson = inv ? invoiceModel(plan, inv, buyer, rcv, lastAt(inv.statuses, C)![1], roll) : undefined;

  const settled = plan.settleMs !== null && plan.settleMs <= C ? plan.settleMs : null;
  const alipayAt = plan.payWay === 'period' ? settled : paid;
  const alipayTradeId = alipayAt === null ? 'UNCREATED' : `${clock.date(alipayAt).replace(/-/g, '')}${plan.alipaySuffix}`;
  const closed = status === 'cancel' || status === 'terminated';
  const tradeTerms = plan.phases.map((ph) => {
    const phPaid = plan.payWay === 'period' ? settled : ph.paidMs !== null && ph.paidMs <= C ? ph.paidMs : null;
    let payStatus: string;
    if (plan.payWay === 'period') payStatus = settled !== null ? '2' : paid !== null ? (closed ? '8' : '12') : closed ? '8' : '1';
    else payStatus = phPaid !== null ? (status === 'cancel' ? '4' : '2') : closed ? '8' : '1';
    return `{"payStatus":"${payStatus}","payWay":"${plan.payWay === 'period' ? '7' : '1'}"${phPaid !== null ? `,"payTime":${bt(phPaid)}` : ''},"phasAmount":${yuan(ph.fen)},"phase":${ph.id}}`;
  });
  const logisticsItem = (x: ParcelPlan) =>
    `{"id":${x.itemsId},"deliveredTime":${bt(x.createMs)},"logisticsCode":"${x.logisticsId}","type":"${x.online ? '1' : '0'}",` +
      `"status":"${parcelStatus(x) === 'CANCEL' ? 'cancel' : 'alreadysend'}","logisticsCompanyId":${x.carrier.companyId},"logisticsCompanyNo":"${x.carrier.code}",` +
      `"logisticsCompanyName":"${x.carrier.name}","logisticsBillNo":"${x.billNo}","subItemIds":"${x.lines.map((i) => plan.lines[i]!.subId).join(',')}",` +
      `"carriage":${yuan(x.carriageFen)}}`;

  const trade = tradeType(plan, roll);
  const steps = plan.payWay === 'steps' ? stepList(plan, C, closed, trade.v3, bt) : '';
  const memos =
    `${opt('buyerMemo', plan.memo)}${roll(3) < 0.05 ? `,"sellerMemo":${str(`已电话确认 ${rcv.mobile}，周末送货`)}` : ''}` +
    `${roll(4) < 0.05 ? `,"remark":${str(`收货人${rcv.name}，电话${rcv.mobile}`)}` : ''}` +
    `${closed && roll(7) < 0.3 ? `,"closeRemark":${str(`${buyer.name}来电要求关闭，回电${buyer.mobile}`)}` : ''}`;
  const baseInfo =
    `{"id":${lossyLong(plan.id)},"idOfStr":"${plan.id}","buyerID":"${buyer.memberId}","sellerID":"${seller.memberId}",` +
    `"status":"${status}","createTime":${bt(plan.createMs)},` +
    `"modifyTime":${bt(modify)}${paid !== null ? `,"payTime":${bt(paid)}` : ''}${allDelivered !== null ? `,"allDeliveredTime":${bt(allDelivered)}` : ''}` +
    `${final !== null ? `,"completeTime":${bt(final)}` : ''},"totalAmount":${yuan(plan.totalFen)},"sumProductPayment":${yuan(plan.sppFen)},` +
    `"shippingFee":${yuan(plan.shippingFen)},"discount":${plan.discountFen},"couponFee":${yuan(plan.couponFen)},"refund":${yuan(orderRefundFen)},` +
    `"refundPayment":${orderRefundFen},"currency":"RMB","alipayTradeId":"${alipayTradeId}","tradeType":"${trade.type}",` +
    `"tradeTypeCode":"${trade.code}","tradeTypeDesc":"${trade.desc}","businessType":"${trade.business}"` +
    `${inSale ? `,"refundStatus":"${inSale.status}"` : ''}${afterSales ? `,"refundStatusForAs":"${afterSales.status}"` : ''}` +
    `${inSale ? `,"refundId":"TQ${inSale.r.id}"` : ''}${closed ? opt('closeReason', plan.closeReason) : ''}` +
    `${closed && plan.closeReason !== null ? `,"closeOperateType":"${CLOSED_BY[plan.closeReason] ?? 'CLOSE_TRADE_BY_SYSTEM'}"` : ''}` +
    `${plan.receivedMs !== null && plan.receivedMs <= C ? `,"receivingTime":${bt(plan.receivedMs)}` : ''}` +
    `${plan.confirmMs !== null && plan.confirmMs <= C ? `,"confirmedTime":${bt(plan.confirmMs)}` : ''}` +
    `${opt('outOrderId', plan.outterId)}${memos}${steps},` +
    `"buyerContact":${contactJson(buyer)},"receiverInfo":${receiverJson(rcv)}}`;
  const orderJson = `{"baseInfo":${baseInfo},"productItems":[${lineJson.join(',')}],"nativeLogistics":${nativeLogistics(rcv)}` +
    `${parcels.length > 0 ? `,"logisticsItems":[${parcels.map(logisticsItem).join(',')}]` : ''}},"tradeTerms":[${tradeTerms.join(',')}]` +
    `${plan.periodDeadline !== null ? `,"orderBizInfo":{"accountPeriodTime":"${china.naive(plan.periodDeadline)}"}` : ''}` +
    `${status === 'success' ? ',"orderRateInfo":{"buyerRateStatus":5,"sellerRateStatus":5}' : ''}` +
    `${invoiceJson !== undefined ? `,"orderInvoiceInfo":${invoiceJson}` : ''}}`;
  const order: Row = [
    null, plan.id, plan.outterId, clock.naive(plan.createMs), clock.naive(modify), paid !== null ? clock.naive(paid) : null,
    allDelivered !== null ? clock.naive(allDelivered) : null, final !== null ? clock.naive(final) : null, status,
    seller.memberId, buyer.memberId, plan.sppColumn === 'amount' ? yuan(plan.sppFen) : plan.sppColumn === 'empty' ? '' : null,
    alipayTradeId, orderJson,
  ];

  return {
    order,
    lines,
    refunds: refunds.map((x) => refundRow(w, plan, x)),
    invoice: inv && invoiceJson ? [null, plan.id, String(inv.type), inv.localId, invoiceJson] : null,
    logistics: parcels.map((x) => logisticsRow(w, plan, x, C, logisticsItem)),
    routes: parcels.filter((x) => x.steps.length >= 2 && x.steps[1]!.t <= C).map((x) => routeRow(w, plan, x, C)),
  };
}

const OP_REMARKS: Record<string, string> = {
  waitselleragree: '买家申请退款，等待卖家处理',
  waitbuyermodify: '卖家拒绝退款申请，请买家修改',
  waitbuyersend: '卖家同意退货，等待买家退货',
  waitsellerreceive: '买家已退货，等待卖家确认收货',
  refundsuccess: '退款成功',
  refundclose: '退款关闭',
};

function refundRow(w: World, plan: OrderPlan, x: RefundNow): Row {
  const { clock, china, seller } = w;
  const bt = (ms: number) => `"${china.blob(ms, plan.altOffset)}"`;
  const roll = (k: number) => extra(w, plan, 16 + k * 2 + x.r.disputeType);
  const r = x.r;
  const shown = r.steps.slice(0, x.step + 1);
  const refusals = shown.filter((s) => s.status === 'waitbuyermodify').length;
  // The buyer sent the goods back once the seller waits to receive them: a waybill and its carrier.
  const returned = shown.some((s) => s.status === 'waitsellerreceive');
  const carrier = RETURN_CARRIERS[Math.floor(roll(1) * RETURN_CARRIERS.length)]!;
  const reasonIndex = REFUND_REASONS.indexOf(r.reason);
  const tq = `TQ${r.id}`;
  const done = DONE.has(x.status);
  const apply = r.steps[0]!.t;
  const lines = r.lines.map((i) => plan.lines[i]!);
  const ops = r.steps.slice(0, x.step + 1).map((s, j) =>
    obj([
      ['id', `4${r.opSeed}${String(j + 1).padStart(2, '0')}${r.id.slice(-9)}`],
      ['refundId', `"${tq}"`],
      ['operatorRoleId', String(s.role)],
      ['operatorLoginId', `"${s.role === 1 ? plan.buyer.loginId : s.role === 2 ? seller.loginId : 'system'}"`],
      ['beforeOperateStatus', j === 0 ? 'null' : `"${r.steps[j - 1]!.status}"`],
      ['afterOperateStatus', `"${s.status}"`],
      ['gmtCreate', bt(s.t)],
      // People write these: a few carry the buyer's name and phone (never loaded).
      ['remark', s.role === 1 && j === 0 && roll(2) < 0.2 ? str(`${plan.buyer.name}申请退款，请回电${plan.buyer.mobile}`) : `"${OP_REMARKS[s.status] ?? s.status}"`],
    ]),
  );
  const model = obj([
    ['id', r.id],
    ['refundId', `"${tq}"`],
    ['orderId', plan.id],
    ['orderEntryIdList', `[${lines.map((l) => l.subId).join(',')}]`],
    ['orderEntryCountMap', obj(lines.map((l) => [l.subId, qtyText(l)] as const))],
    ['status', `"${x.status}"`],
    ['disputeType', String(r.disputeType)],
    ['goodsStatus', String(r.goodsStatus)],
    ['applyPayment', String(r.applyFen)],
    ['refundPayment', String(x.paymentFen)],
    ['canRefundPayment', String(lines.reduce((a, l) => a + l.itemFen, 0))],
    ['applyCarriage', String(r.applyCarriageFen)],
    ['refundCarriage', String(x.carriageFen)],
    ['frozenFund', done ? '0' : String(r.applyFen)],
    ['applyReason', `"${r.reason}"`],
    ['applyReasonId', reasonIndex < 0 ? undefined : String(20_001 + reasonIndex)],
    ['rejectReason', refusals > 0 ? str(roll(3) < 0.3 ? '商品已签收且无质量问题，如有疑问请致电 0579-85551234' : '退款金额与协商不一致，请修改') : undefined],
    ['rejectReasonId', refusals > 0 ? '301' : undefined],
    ['rejectTimes', refusals > 0 ? String(refusals) : undefined],
    ['freightBill', returned ? `"${carrier.billPrefix}${String(Math.floor(roll(4) * 1e9)).padStart(9, '0')}${r.id.slice(-4)}"` : undefined],
    ['buyerLogisticsName', returned ? `"${carrier.name}"` : undefined],
    [r.isKeys ? 'isOnlyRefund' : 'onlyRefund', String(r.onlyRefund)],
    [r.isKeys ? 'isGoodsReceived' : 'goodsReceived', String(r.goodsStatus !== 1)],
    [r.isKeys ? 'isRefundGoods' : 'refundGoods', String(!r.onlyRefund)],
    ['gmtApply', bt(apply)],
    ['gmtCreate', bt(apply)],
    ['gmtModified', bt(x.t)],
    ['gmtCompleted', done ? bt(x.t) : undefined],
    ['gmtTimeOut', done ? undefined : bt(x.t + 5 * DAY)],
    ['buyerMemberId', `"${plan.buyer.memberId}"`],
    ['sellerMemberId', `"${seller.memberId}"`],
    ['extInfo', obj([['payMode', `"${plan.payWay === 'period' ? 'accountPeriod' : 'alipay'}"`], ['7d', r.reason === '七天无理由退货' || roll(5) < 0.6 ? '"true"' : '"false"']])],
    ['refundOperationList', `[${ops.join(',')}]`],
  ]);
  const blob = r.wrapper === 0 ? model : r.wrapper === 1 ? `{"result":${model}}` : r.wrapper === 2 ? `{"opOrderRefundModelDetail":${model}}` : `{"opOrderRefundModelDetail":[${model}]}`;
  return [
    null, tq, x.status, clock.naive(apply), clock.naive(x.t), clock.naive(apply), done ? clock.naive(x.t) : null, plan.id,
    plan.buyer.memberId, String(x.paymentFen), blob,
  ];
}

function logisticsRow(w: World, plan: OrderPlan, x: ParcelPlan, C: number, asItem: (x: ParcelPlan) => string): Row {
  const { clock, china, seller } = w;
  const [changed, status] = lastAt(x.statuses, C)!;
  const lines = x.lines.map((i) => plan.lines[i]!);
  const goods = lines.map((l) => `{"tradeOrderId":${plan.id},"tradeOrderItemId":${l.subId},"quantity":${x.qtyAsNumber ? qtyText(l) : `"${qtyText(l)}"`}}`);
  const blob = x.itemsShape
    ? asItem(x)
    : `{"logisticsId":"${x.logisticsId}","logisticsBillNo":"${x.billNo}","orderEntryIds":"${lines.map((l) => l.subId).join(',')}","status":"${status}",` +
      `"logisticsCompanyId":"${x.carrier.companyId}","logisticsCompanyName":"${x.carrier.name}",` +
      `"gmtSystemSend":"${china.blob(x.createMs, plan.altOffset)}","logisticsOrderGoods":[${goods.join(',')}],"sender":${senderJson(seller)},"receiver":${receiverPartyJson(plan.receiver)}}`;
  return [null, x.logisticsId, x.billNo, plan.id, clock.date(x.createMs), clock.date(changed), blob];
}

const senderCache = new WeakMap<Party, string>();
function senderJson(p: Party): string {
  let s = senderCache.get(p);
  if (s === undefined) {
    s = `{"senderName":"${p.name}","senderMobile":"${p.mobile}","senderProvince":"${p.city.province}","senderCity":"${p.city.city}",` +
      `"senderCounty":"${p.district[0]}","senderAddress":"${p.address}"}`;
    senderCache.set(p, s);
  }
  return s;
}

// Only the buyers' own addresses (shared by many orders) are cached: one WeakMap entry per order would
// cost every garbage collection more than the formatting saves.
const receiverCache = new WeakMap<Receiver, string>();
function receiverPartyJson(r: Receiver): string {
  let s = r.shared ? receiverCache.get(r) : undefined;
  if (s === undefined) {
    s =
      `{"receiverName":"${r.name}","receiverMobile":"${r.mobile}","receiverProvince":"${r.city.province}","receiverCity":"${r.city.city}",` +
      `"receiverCounty":"${r.district[0]}","receiverAddress":"${r.address}"}`;
    if (r.shared) receiverCache.set(r, s);
  }
  return s;
}

const ACTIONS: Record<string, string> = { got: 'GOT', depart: 'DEPARTURE', hubIn: 'ARRIVAL', hubOut: 'DEPARTURE', arrive: 'ARRIVAL', delivering: 'SENT_SCAN', failed: 'FAILED', signed: 'SIGNED' };

function routeRow(w: World, plan: OrderPlan, x: ParcelPlan, C: number): Row {
  const { clock, china, seller } = w;
  const roll = (k: number) => extra(w, plan, 24 + x.p * 4 + k);
  // Phones as carriers write them: whole, partly masked (139****1234), or a station's landline.
  const phone = roll(0) < 0.15 ? `${x.courierPhone.slice(0, 3)}****${x.courierPhone.slice(-4)}` : x.courierPhone;
  // Whoever signed: a role (本人, 门卫, …) or, on some parcels, the receiver by name.
  const signer = roll(1) < 0.3 ? plan.receiver.name : x.signer;
  const hubOf = (city: string) => `${city.replace(/市$/, '')}转运中心`;
  const origin = seller.district[0];
  const dest = plan.receiver.city.city;
  const hub = x.hub.city;
  const remark = (kind: string): [string, string] => {
    switch (kind) {
      case 'got': return [`【${origin}】${x.carrier.name}已揽收，揽收员：${x.courier}`, seller.district[1]];
      case 'depart': return [`【${origin}】快件已发往 ${hubOf(seller.city.city)}`, seller.district[1]];
      case 'hubIn': return [`【${hub}】快件已到达 ${hubOf(hub)}`, x.hub.districts[0]![1]];
      case 'hubOut': return [`【${hub}】快件已从 ${hubOf(hub)} 发出，下一站 ${hubOf(dest)}`, x.hub.districts[0]![1]];
      case 'arrive': return [`【${dest}】快件已到达 ${hubOf(dest)}${roll(2) < 0.2 ? `，网点电话：0${571 + x.p}-8${String(Math.floor(roll(3) * 1e7)).padStart(7, '0')}` : ''}`, plan.receiver.district[1]];
      case 'delivering': return [`【${dest}】${x.courier}（${phone}）派件中`, plan.receiver.district[1]];
      case 'failed': return [`【${dest}】快件派送不成功（收件人不在），待再次派送`, plan.receiver.district[1]];
      default: return [`【${dest}】已签收，签收人：${signer}，感谢使用${x.carrier.name}`, plan.receiver.district[1]];
    }
  };
  const shown = x.steps.filter((s) => s.t <= C);
  const order = shown.map((_, i) => i);
  if (x.route === 'swap' && order.length >= 3) [order[1], order[2]] = [order[2]!, order[1]!];
  if (x.route === 'dup') order.splice(2, 0, 1);
  const items = order.map((i) => {
    const s = shown[i]!;
    const [text, area] = remark(s.kind);
    return x.route === 'trace'
      ? `{"action":"${ACTIONS[s.kind]!}","areaCode":"${area}","acceptTime":"${china.naive(s.t)}","remark":"${text}"}`
      : `{"acceptTime":"${china.naive(s.t)}","remark":"${text}"}`;
  });
  const blob = `{"logisticsId":"${x.logisticsId}","logisticsBillNo":"${x.billNo}","orderId":${plan.id},"${x.route === 'trace' ? 'traceNodeList' : 'logisticsSteps'}":[${items.join(',')}]}`;
  return [null, x.logisticsId, x.billNo, plan.id, clock.date(x.steps[1]!.t), clock.date(shown[shown.length - 1]!.t), blob];
}

