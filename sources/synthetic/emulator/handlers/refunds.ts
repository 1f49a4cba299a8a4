// Refunds and invoices, seller view: the in-sale refunds of an order (summaries), one refund's
// OpOrderRefundModel (the store's exact text, unwrapped from whatever wrapper the replica blob has), and
// an order's OrderInvoiceModel.
import { BUSINESS } from '../../../api/gateway-codes.js';
import { answer, BusinessError, paramError } from '../envelope.js';
import { arrayElements, memberString, memberText, objectMembers, rebuildObject } from '../json-text.js';
import type { Call } from '../operation.js';
import { flag, requireId } from '../params.js';

/** The OpOrderRefundModel inside a replica blob: bare, {"result":…}, {"opOrderRefundModelDetail":…} or a one-element array. */
export function refundModel(blob: string): string {
  let text = blob.trim();
  for (;;) {
    if (text.startsWith('[')) {
      const els = arrayElements(text);
      if (els.length !== 1) return text;
      text = text.slice(els[0]![0], els[0]![1]);
    } else if (text.startsWith('{')) {
      const ms = objectMembers(text);
      if (ms.length !== 1 || (ms[0]!.key !== 'result' && ms[0]!.key !== 'opOrderRefundModelDetail')) return text;
      text = text.slice(ms[0]!.valueStart, ms[0]!.valueEnd);
    } else {
      return text;
    }
  }
}

/** Members a summary of the batch query keeps, in the model's own order. */
const SUMMARY_KEYS = new Set([
  'id', 'refundId', 'orderId', 'orderEntryIdList', 'status', 'disputeType', 'goodsStatus', 'applyPayment', 'refundPayment', 'applyCarriage',
  'refundCarriage', 'canRefundPayment', 'frozenFund', 'applyReason', 'gmtApply', 'gmtCreate', 'gmtModified', 'gmtCompleted', 'gmtTimeOut',
  'buyerMemberId', 'sellerMemberId',
]);
/** The batch query spells the booleans with an `is` prefix (source-shapes §3.3). */
const IS_KEYS: Record<string, string> = {
  onlyRefund: 'isOnlyRefund', goodsReceived: 'isGoodsReceived', refundGoods: 'isRefundGoods',
  isOnlyRefund: 'isOnlyRefund', isGoodsReceived: 'isGoodsReceived', isRefundGoods: 'isRefundGoods',
};

function summary(model: string): string {
  const parts: string[] = [];
  for (const m of objectMembers(model)) {
    const value = model.slice(m.valueStart, m.valueEnd);
    if (SUMMARY_KEYS.has(m.key)) parts.push(`${JSON.stringify(m.key)}:${value}`);
    else if (IS_KEYS[m.key]) parts.push(`${JSON.stringify(IS_KEYS[m.key])}:${value}`);
  }
  return `{${parts.join(',')}}`;
}

/** queryType: 1 refunds in progress, 3 refunds that succeeded; the query finds no other (closed) refund. */
const QUERY_TYPES: Record<string, (status: string) => boolean> = {
  1: (s) => s !== 'refundsuccess' && s !== 'refundclose',
  3: (s) => s === 'refundsuccess',
};

/**
 * alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView (orderId, queryType):
 * {"result":{"opOrderRefundModels":[summary…],"totalCount":N,"currentPageNum":1},"success":…}, the
 * order's in-sale refunds only (disputeType 1): after-sales refunds are not listed, as on the real API.
 */
export async function listOrderRefunds(call: Call): Promise<string> {
  const orderId = requireId(call.params, 'orderId');
  const qt = call.params.queryType;
  if (qt === undefined || qt === '') throw paramError('queryType', 'required (1: refunds in progress, 3: refunds that succeeded)');
  const keep = QUERY_TYPES[qt];
  if (!keep) throw paramError('queryType', `expected 1 (in progress) or 3 (succeeded), got ${JSON.stringify(qt.slice(0, 40))}`);
  const order = await call.store.order(orderId);
  if (!order) throw new BusinessError(BUSINESS.orderNotFound, `no order ${orderId} in this store`);
  const models: string[] = [];
  for (const r of await call.store.refundsOfOrder(order)) {
    const model = refundModel(r.blob);
    if ((memberText(model, 'disputeType') ?? '').replace(/"/g, '') !== '1') continue;
    if (!keep(memberString(model, 'status') ?? '')) continue;
    models.push(summary(model));
  }
  return answer(call.seq, [['result', `{"opOrderRefundModels":[${models.join(',')}],"totalCount":${models.length},"currentPageNum":1}`]]);
}

/**
 * alibaba.trade.refund.OpQueryOrderRefund.sellerView (refundId "TQ…" or its bare digits,
 * needTimeOutInfo, needOrderRefundOperation): {"result":{"opOrderRefundModelDetail":<model>},"success":…}.
 * With both flags true the model is the store's exact text; without needOrderRefundOperation it comes
 * without refundOperationList, without needTimeOutInfo without gmtTimeOut (as the flags say).
 */
export async function getOrderRefund(call: Call): Promise<string> {
  const raw = call.params.refundId;
  if (raw === undefined || raw === '') throw paramError('refundId', 'required');
  const m = /^(?:TQ)?(\d{1,30})$/.exec(raw);
  if (!m) throw paramError('refundId', `expected TQ followed by digits, got ${JSON.stringify(raw.slice(0, 40))}`);
  const wantOps = flag(call.params, 'needOrderRefundOperation');
  const wantTimeout = flag(call.params, 'needTimeOutInfo');
  const blob = await call.store.refund(`TQ${m[1]}`);
  if (blob === undefined) throw new BusinessError(BUSINESS.refundNotFound, `no refund TQ${m[1]} in this store`);
  let model = refundModel(blob);
  const omit = new Set<string>();
  if (!wantOps) omit.add('refundOperationList');
  if (!wantTimeout) omit.add('gmtTimeOut');
  if (objectMembers(model).some((x) => omit.has(x.key))) model = rebuildObject(model, { omit });
  return answer(call.seq, [['result', `{"opOrderRefundModelDetail":${model}}`]]);
}

/** alibaba.invoice.get (orderId): {"result":<OrderInvoiceModel, exact text>,"success":…}; an order has at most one. */
export async function getInvoice(call: Call): Promise<string> {
  const orderId = requireId(call.params, 'orderId');
  const [invoice] = await call.store.invoicesOfOrder(orderId);
  if (invoice === undefined) throw new BusinessError(BUSINESS.invoiceNotFound, `order ${orderId} has no invoice in this store`);
  return answer(call.seq, [['result', invoice]]);
}
