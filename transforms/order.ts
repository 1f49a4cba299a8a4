// ali1688_order row (+ order_datas, §3.1 TradeInfo) -> fct_order and its payment phases fct_payment_term.
//
// Reads: order_id, outter_id, create_time, modify_time, pay_time, all_delivered_time, complete_time (naive
// DATETIME, source zone), status, seller_member_id, buyer_member_id, sum_product_payment (varchar yuan),
// alipay_trade_id and order_datas (JSON). The blob's value wins where it has one (typed amounts, times
// with offset and milliseconds); the columns fill in. order_datas must hold baseInfo and productItems:
// without them line_count and the amounts are unknowable, so the row is a reject.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { YUAN, checkFits, formatScaled, readFen, readScaled } from './money.js';
import { readCurrency, readOrderStatus, readRefundStatus } from './enums.js';
import { uniqueRows } from './rows.js';
import { formatUtc, localDate, parseInstant, readLocalDate, readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, isAbsent, readArray, readId, readText, requireId } from './values.js';

const BLOB = 'order_datas';
const BASE = 'order_datas.baseInfo';

export const transformOrder: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const columnId = readId(row.order_id, 'order_id');
  const record = selectRecord(unwrap(parseBlob(row.order_datas, BLOB), ['result']), BLOB, `order ${columnId ?? ''}`.trim(), (o) =>
    isObject(o.baseInfo) && columnId !== null && readId(o.baseInfo.idOfStr, `${BASE}.idOfStr`) === columnId,
  );
  if (record === undefined) throw new DataError(BLOB, `expected the order as JSON (baseInfo, productItems), found ${found(row.order_datas)}`);
  const base = unwrap(record.baseInfo, []);
  if (!isObject(base)) throw new DataError(BASE, `expected an object, found ${found(record.baseInfo)} (required)`);

  // The column is the row's identity; idOfStr must agree with it. The Long `id` is a rounded double: unused.
  const idOfStr = readId(base.idOfStr, `${BASE}.idOfStr`);
  if (columnId !== null && idOfStr !== null && idOfStr !== columnId) {
    throw new DataError(`${BASE}.idOfStr`, `expected the order_id column ${columnId}, found ${found(base.idOfStr)}`);
  }
  const orderId = columnId ?? idOfStr;
  if (orderId === null) throw new DataError('order_id', `expected an id (decimal digits), found ${found(row.order_id)} (required)`);

  // Lines: line_count and item_amount.
  if (isAbsent(record.productItems)) throw new DataError(`${BLOB}.productItems`, `expected an array of order lines, found ${found(record.productItems)} (required)`);
  const items = readArray(record.productItems, `${BLOB}.productItems`);
  let itemAmount: bigint | null = 0n;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const at = `${BLOB}.productItems[${i}]`;
    if (!isObject(item)) throw new DataError(at, `expected an order line object, found ${found(item)}`);
    const amount = readScaled(item.itemAmount, `${at}.itemAmount`, YUAN, 'an amount in yuan');
    itemAmount = amount === null || itemAmount === null ? null : checkFits(itemAmount + amount, `${at}.itemAmount`, 'a sum of amounts');
  }

  const total = readScaled(base.totalAmount, `${BASE}.totalAmount`, YUAN, 'an amount in yuan');
  const shipping = readScaled(base.shippingFee, `${BASE}.shippingFee`, YUAN, 'an amount in yuan');
  const sumProductPayment = isAbsent(base.sumProductPayment)
    ? readScaled(row.sum_product_payment, 'sum_product_payment', YUAN, 'an amount in yuan')
    : readScaled(base.sumProductPayment, `${BASE}.sumProductPayment`, YUAN, 'an amount in yuan');
  const discountFen = readFen(base.discount, `${BASE}.discount`);
  const discount =
    discountFen !== null
      ? discountFen
      : sumProductPayment !== null && itemAmount !== null
        ? checkFits(sumProductPayment - itemAmount, `${BASE}.sumProductPayment`, 'a discount')
        : null;
  const mismatch = total !== null && itemAmount !== null && total !== itemAmount + (shipping ?? 0n) ? 1 : 0;

  // Times: the blob's (explicit offset, milliseconds), else the naive columns.
  const createdMs = parseInstant(base.createTime, `${BASE}.createTime`, zone);
  let createdAt: string;
  let orderDate: string;
  if (createdMs !== null) {
    createdAt = formatUtc(createdMs);
    orderDate = localDate(zone, createdMs);
  } else {
    const fromColumn = readTimestamp(row.create_time, 'create_time', zone);
    const day = readLocalDate(row.create_time, 'create_time');
    if (fromColumn === null || day === null) throw new DataError(`${BASE}.createTime`, `expected the time the order was placed, found ${found(base.createTime)} (and no create_time column)`);
    createdAt = fromColumn;
    orderDate = day;
  }
  const modifiedAt = time(base.modifyTime, `${BASE}.modifyTime`, row.modify_time, 'modify_time', zone);
  if (modifiedAt === null) throw new DataError(`${BASE}.modifyTime`, `expected the time the order last changed, found ${found(base.modifyTime)} (and no modify_time column)`);

  const status = readOrderStatus(isAbsent(base.status) ? row.status : base.status, isAbsent(base.status) ? 'status' : `${BASE}.status`);
  if (status === null) throw new DataError(`${BASE}.status`, `expected an order status, found ${found(base.status)} (required)`);
  const buyer = text(base.buyerID, `${BASE}.buyerID`, row.buyer_member_id, 'buyer_member_id', 128);
  if (buyer === null) throw new DataError('buyer_member_id', `expected the buyer memberId, found ${found(row.buyer_member_id)} (required)`);
  const seller = text(base.sellerID, `${BASE}.sellerID`, row.seller_member_id, 'seller_member_id', 128);
  if (seller === null) throw new DataError('seller_member_id', `expected the seller memberId, found ${found(row.seller_member_id)} (required)`);

  let alipay = text(base.alipayTradeId, `${BASE}.alipayTradeId`, row.alipay_trade_id, 'alipay_trade_id', 128);
  if (alipay !== null && alipay.toUpperCase() === 'UNCREATED') alipay = null;
  const refundStatusKey = isAbsent(base.refundStatus) ? 'refundStatusForAs' : 'refundStatus';

  const order: WarehouseRow = {
    order_id: orderId,
    buyer_member_id: buyer,
    seller_member_id: seller,
    status,
    total_amount: yuan(total),
    sum_product_payment: yuan(sumProductPayment),
    shipping_fee: yuan(shipping),
    discount_amount: yuan(discount),
    refund_amount: yuan(readScaled(base.refund, `${BASE}.refund`, YUAN, 'an amount in yuan')),
    currency: readCurrency(base.currency, `${BASE}.currency`),
    trade_type: readText(base.tradeType, `${BASE}.tradeType`, 16),
    alipay_trade_id: alipay,
    line_count: items.length,
    created_at: createdAt,
    paid_at: time(base.payTime, `${BASE}.payTime`, row.pay_time, 'pay_time', zone),
    shipped_at: time(base.allDeliveredTime, `${BASE}.allDeliveredTime`, row.all_delivered_time, 'all_delivered_time', zone),
    completed_at: time(base.completeTime, `${BASE}.completeTime`, row.complete_time, 'complete_time', zone),
    modified_at: modifiedAt,
    order_date: orderDate,
    item_amount: yuan(itemAmount),
    coupon_fee: yuan(readScaled(base.couponFee, `${BASE}.couponFee`, YUAN, 'an amount in yuan')),
    refund_status: readRefundStatus(base[refundStatusKey], `${BASE}.${refundStatusKey}`),
    outer_order_id: text(base.outOrderId, `${BASE}.outOrderId`, row.outter_id, 'outter_id', 128),
    is_total_mismatch: mismatch,
  };
  return { fct_order: [order], fct_payment_term: paymentTerms(record, orderId, zone) };
};

function yuan(v: bigint | null): string | null {
  return v === null ? null : formatScaled(v, YUAN);
}

/** The blob's text if it has one, else the column's. */
function text(blobValue: JsonObject[string] | undefined, blobField: string, column: string | null | undefined, columnField: string, max: number): string | null {
  return readText(blobValue, blobField, max) ?? readText(column, columnField, max);
}

function time(blobValue: JsonObject[string] | undefined, blobField: string, column: string | null | undefined, columnField: string, zone: string): string | null {
  return readTimestamp(blobValue, blobField, zone) ?? readTimestamp(column, columnField, zone);
}

/** tradeTerms[] -> one row per phase; [] when the order lists none. */
function paymentTerms(record: JsonObject, orderId: string, zone: string): WarehouseRow[] {
  const path = `${BLOB}.tradeTerms`;
  const terms = readArray(record.tradeTerms, path).map((term, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(term)) throw new DataError(at, `expected a payment term object, found ${found(term)}`);
    const amountKey = isAbsent(term.phasAmount) && !isAbsent(term.phaseAmount) ? 'phaseAmount' : 'phasAmount';
    return {
      order_id: orderId,
      phase: requireId(term.phase, `${at}.phase`),
      amount: yuan(readScaled(term[amountKey], `${at}.${amountKey}`, YUAN, 'an amount in yuan')),
      pay_status: readText(term.payStatus, `${at}.payStatus`, 8),
      pay_way: readText(term.payWay, `${at}.payWay`, 8),
      paid_at: readTimestamp(term.payTime, `${at}.payTime`, zone),
    };
  });
  return uniqueRows(terms, ['phase'], path);
}
