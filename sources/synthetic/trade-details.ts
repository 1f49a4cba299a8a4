// Parts of an order's TradeInfo added with warehouse version 8, rendered for order-rows.ts: the trade
// type and kind of order, installment steps (交易4.0 and 3.0), nativeLogistics with the receiver's
// address, and the OrderInvoiceModel. Their choices draw from Stream.Extra, apart from the order's plan.
import type { Party } from './parties.js';
import { obj, yuan } from './format.js';
import type { InvoicePlan, OrderPlan, Receiver } from './order-plan.js';
import type { World } from './world.js';
import { hashUnit, Stream } from './random.js';

/** A uniform number for (order, k), from a stream apart from the plan's: earlier draws keep their values. */
export function extra(w: World, plan: OrderPlan, k: number): number {
  return hashUnit(w.seed, Stream.Extra, plan.index * 32 + k);
}

/** Who closed an order, by its close reason (closeOperateType). */
export const CLOSED_BY: Record<string, string> = {
  买家取消订单: 'CLOSE_TRADE_BY_BUYER',
  '超时未付款，交易自动关闭': 'CLOSE_TRADE_BY_SYSTEM',
  交易终止: 'CLOSE_TRADE_BY_SELLER',
  '退款成功，交易关闭': 'CLOSE_TRADE_BY_SYSTEM',
};

export interface Trade { type: string; code: string; desc: string; business: string; v3: boolean }

/** tradeType (50060 is the 交易4.0 flow), the way of trading the buyer chose, and the kind of order. */
export function tradeType(plan: OrderPlan, roll: (k: number) => number): Trade {
  const business = plan.totalFen >= 500_000 ? 'ws' : roll(5) < 0.03 ? 'yp' : 'cn';
  if (plan.payWay === 'period') return { type: '50060', code: 'period', desc: '账期交易', business, v3: false };
  if (plan.payWay === 'steps') {
    // Some installment orders come from the older 交易3.0 flow: tradeType 7 and a stepOrderList.
    const v3 = roll(6) < 0.4;
    return { type: v3 ? '7' : '50060', code: 'stepPay', desc: '分阶段付款', business, v3 };
  }
  return { type: '50060', code: 'assureTrade', desc: '担保交易', business, v3: false };
}

/** The steps of an installment order: newStepOrderList (交易4.0) or stepOrderList (交易3.0); shipping in the first step. */
export function stepList(plan: OrderPlan, C: number, closed: boolean, v3: boolean, bt: (ms: number) => string): string {
  const n = plan.phases.length;
  const names = n === 2 ? ['首款', '尾款'] : ['首款', '中期款', '尾款'];
  let start: number | null = plan.createMs;
  let waiting = false;
  const items = plan.phases.map((ph, i) => {
    const paid = ph.paidMs !== null && ph.paidMs <= C ? ph.paidMs : null;
    const post = i === 0 ? plan.shippingFen : 0;
    const started = start !== null && start <= C ? start : null;
    const payStatus = paid !== null ? '2' : closed ? '8' : '1';
    const stepStatus = paid !== null ? 'success' : closed ? (started === null ? 'inactiveandcancel' : 'cancel') : waiting || started === null ? 'waitactivate' : 'waitbuyerpay';
    if (paid === null) waiting = true;
    start = paid;
    const common = { no: i + 1, last: i === n - 1, name: names[i]! };
    return v3
      ? obj([
          ['stepOrderId', ph.id], ['stepOrderStatus', `"${stepStatus}"`], ['stepPayStatus', payStatus], ['stepNo', String(common.no)],
          ['lastStep', String(common.last)], ['hasDisbursed', String(paid !== null && common.last)], ['payFee', yuan(ph.fen - post)],
          ['actualPayFee', yuan(ph.fen)], ['discountFee', '0'], ['itemDiscountFee', '0'], ['postFee', yuan(post)], ['adjustFee', '0'],
          ['gmtCreate', bt(plan.createMs)], ['enterTime', started === null ? undefined : bt(started)], ['payTime', paid === null ? undefined : bt(paid)],
          ['stepName', `"${common.name}"`],
        ])
      : obj([
          ['gmtStart', started === null ? undefined : bt(started)], ['gmtPay', paid === null ? undefined : bt(paid)],
          ['gmtEnd', paid === null ? undefined : bt(paid)], ['stepNo', String(common.no)], ['lastStep', String(common.last)],
          ['stepName', `"${common.name}"`], ['activeStatus', started === null ? '0' : '1'], ['payStatus', payStatus],
          ['payFee', yuan(ph.fen)], ['paidFee', yuan(paid === null ? 0 : ph.fen)], ['goodsFee', yuan(ph.fen - post)], ['adjustFee', '0'],
          ['discountFee', '0'], ['postFee', yuan(post)], ['paidPostFee', yuan(paid === null ? 0 : post)],
        ]);
  });
  return `,"stepPayAll":false,"${v3 ? 'stepOrderList' : 'newStepOrderList'}":[${items.join(',')}]`;
}

/** nativeLogistics as the API writes it: the receiver's whole address, name and phones (personal data), the area code. */
export function nativeLogistics(r: Receiver): string {
  return `{"province":"${r.city.province}","city":"${r.city.city}","area":"${r.district[0]}","areaCode":"${r.district[1]}",` +
    `"address":"${r.address}","contactPerson":"${r.name}","mobile":"${r.mobile}","telephone":"${r.phone}","zip":"${r.city.zip}"`;
}

/**
 * OrderInvoiceModel (alibaba.invoice.get): the title and taxpayer id, the company's register* fields for a
 * VAT invoice, the recipient's receive* fields. A plain invoice to an individual carries the person's name
 * as its title and no taxpayer id. A few invoices use the older key names (registerAddress, bankName, bankAccount).
 */
export function invoiceModel(plan: OrderPlan, inv: InvoicePlan, buyer: Party, rcv: Receiver, status: string, roll: (k: number) => number): string {
  const personal = inv.type === 0 && roll(1) < 0.35;
  const legacy = roll(2) < 0.1;
  const area = `${buyer.city.province}${buyer.city.city}${buyer.district[0]}`;
  const register = inv.type === 0
    ? ''
    : legacy
      ? `,"registerPhone":"${buyer.phone}","registerAddress":"${buyer.city.city}${buyer.district[0]}${buyer.address}","bankName":"${buyer.bank}","bankAccount":"${buyer.bankAccount}"`
      : `,"registerCode":"${buyer.district[1]}","registerCodeText":"${area}","registerStreet":"${buyer.address}","registerPhone":"${buyer.phone}",` +
        `"registerBank":"${buyer.bank}","registerAccountId":"${buyer.bankAccount}"`;
  return `{"orderId":${plan.id},"localInvoiceId":${inv.localId},"invoiceType":${inv.blobType},"invoiceCompanyName":"${personal ? rcv.name : buyer.company}",` +
    `${personal ? '' : `"taxpayerIdentify":"${buyer.taxId}",`}"amount":${plan.totalFen},"status":"${status}","receiveName":"${rcv.name}",` +
    `"receiveMobile":"${rcv.mobile}","receivePhone":"${rcv.phone}","receivePost":"${rcv.city.zip}","receiveCode":"${rcv.district[1]}",` +
    `"receiveCodeText":"${rcv.city.province}${rcv.city.city}${rcv.district[0]}","receiveStreet":"${rcv.address}"` +
    `${inv.type === 0 ? `,"receiveEmail":"${inv.email}"` : ''}${register}}`;
}
