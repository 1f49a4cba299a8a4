// ali1688_order row (+ order_datas, §3.1 TradeInfo) -> fct_order, its payment phases fct_payment_term and
// the steps of an installment order fct_order_step.
//
// Reads: order_id, outter_id, create_time, modify_time, pay_time, all_delivered_time, complete_time (naive
// DATETIME, source zone), status, seller_member_id, buyer_member_id, sum_product_payment (varchar yuan),
// alipay_trade_id and order_datas (JSON). The blob's value wins where it has one (typed amounts, times
// with offset and milliseconds); the columns fill in. order_datas must hold baseInfo and productItems:
// without them line_count and the amounts are unknowable, so the row is a reject.
// Personal data stays out: the buyer id is hashed (transforms/pii.ts); of the receiver only province,
// city, district and its code are read; contacts, streets, zip codes, phones and memos never are.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { PRICE, QTY, YUAN, checkFits, formatScaled, grossAmount, readFen, readScaled } from './money.js';
import { readCurrency, readOrderStatus, readRefundStatus } from './enums.js';
import { maskPhones } from './mask.js';
import { buyerColumns } from './pii.js';
import { uniqueRows } from './rows.js';
import { formatUtc, localDate, parseInstant, readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { found, isAbsent, readArray, readBool, readId, readInt, readObject, readText, requireId } from './values.js';
import { apiZone, storeZone } from './zones.js';

const BLOB = 'order_datas';
const BASE = 'order_datas.baseInfo';

export const transformOrder: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const api = apiZone(ctx);
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
  // The lines' discounts by the rule fct_order_line uses (price × quantity − itemAmount), summed.
  let lineDiscount: bigint | null = 0n;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const at = `${BLOB}.productItems[${i}]`;
    if (!isObject(item)) throw new DataError(at, `expected an order line object, found ${found(item)}`);
    const amount = readScaled(item.itemAmount, `${at}.itemAmount`, YUAN, 'an amount in yuan');
    itemAmount = amount === null || itemAmount === null ? null : checkFits(itemAmount + amount, `${at}.itemAmount`, 'a sum of amounts');
    const price = readScaled(item.price, `${at}.price`, PRICE, 'a unit price in yuan');
    const quantity = readScaled(item.quantity, `${at}.quantity`, QTY, 'a quantity');
    lineDiscount = lineDiscount === null || amount === null || price === null || quantity === null
      ? null
      : checkFits(lineDiscount + grossAmount(price, quantity, `${at}.price`) - amount, `${at}.itemAmount`, 'a sum of discounts');
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

  // Times: the blob's (explicit offset, milliseconds), else the naive columns. order_date is the store's
  // day of the create_time column, the instant the lines see as parent_create_time, so that an order and
  // its lines always show the same day; the blob's time stands in when the column is empty.
  const createdMs = parseInstant(base.createTime, `${BASE}.createTime`, api);
  const columnCreatedMs = parseInstant(row.create_time, 'create_time', zone);
  const placedMs = columnCreatedMs ?? createdMs;
  if (placedMs === null) throw new DataError(`${BASE}.createTime`, `expected the time the order was placed, found ${found(base.createTime)} (and no create_time column)`);
  const createdAt = formatUtc(createdMs ?? placedMs);
  const orderDate = localDate(storeZone(ctx), placedMs);
  const modifiedAt = time(base.modifyTime, `${BASE}.modifyTime`, row.modify_time, 'modify_time', zone, api);
  if (modifiedAt === null) throw new DataError(`${BASE}.modifyTime`, `expected the time the order last changed, found ${found(base.modifyTime)} (and no modify_time column)`);

  const status = readOrderStatus(isAbsent(base.status) ? row.status : base.status, isAbsent(base.status) ? 'status' : `${BASE}.status`);
  if (status === null) throw new DataError(`${BASE}.status`, `expected an order status, found ${found(base.status)} (required)`);
  const buyer = text(base.buyerID, `${BASE}.buyerID`, row.buyer_member_id, 'buyer_member_id', 128);
  if (buyer === null) throw new DataError('buyer_member_id', `expected the buyer memberId, found ${found(row.buyer_member_id)} (required)`);
  const buyerCols = buyerColumns(buyer, ctx);
  const seller = text(base.sellerID, `${BASE}.sellerID`, row.seller_member_id, 'seller_member_id', 128);
  if (seller === null) throw new DataError('seller_member_id', `expected the seller memberId, found ${found(row.seller_member_id)} (required)`);

  let alipay = text(base.alipayTradeId, `${BASE}.alipayTradeId`, row.alipay_trade_id, 'alipay_trade_id', 128);
  if (alipay !== null && alipay.toUpperCase() === 'UNCREATED') alipay = null;
  const refundStatusKey = isAbsent(base.refundStatus) ? 'refundStatusForAs' : 'refundStatus';
  const bizInfo = readObject(record.orderBizInfo, `${BLOB}.orderBizInfo`);
  const reason = readText(base.closeReason, `${BASE}.closeReason`, 256);

  const order: WarehouseRow = {
    order_id: orderId,
    buyer_member_id: buyerCols.buyer_member_id,
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
    paid_at: time(base.payTime, `${BASE}.payTime`, row.pay_time, 'pay_time', zone, api),
    shipped_at: time(base.allDeliveredTime, `${BASE}.allDeliveredTime`, row.all_delivered_time, 'all_delivered_time', zone, api),
    completed_at: time(base.completeTime, `${BASE}.completeTime`, row.complete_time, 'complete_time', zone, api),
    modified_at: modifiedAt,
    order_date: orderDate,
    item_amount: yuan(itemAmount),
    coupon_fee: yuan(readScaled(base.couponFee, `${BASE}.couponFee`, YUAN, 'an amount in yuan')),
    refund_status: readRefundStatus(base[refundStatusKey], `${BASE}.${refundStatusKey}`),
    outer_order_id: text(base.outOrderId, `${BASE}.outOrderId`, row.outter_id, 'outter_id', 128),
    is_total_mismatch: mismatch,
    buyer_key: buyerCols.buyer_key,
    in_sale_refund_status: readRefundStatus(base.refundStatus, `${BASE}.refundStatus`),
    after_sales_refund_status: readRefundStatus(base.refundStatusForAs, `${BASE}.refundStatusForAs`),
    reported_discount_amount: yuan(discountFen),
    line_discount_amount: yuan(lineDiscount),
    trade_type_code: readText(base.tradeTypeCode, `${BASE}.tradeTypeCode`, 64),
    trade_type_desc: readText(base.tradeTypeDesc, `${BASE}.tradeTypeDesc`, 64),
    business_type: readText(base.businessType, `${BASE}.businessType`, 32),
    close_reason: reason === null ? null : maskPhones(reason),
    closed_by: closedBy(readText(base.closeOperateType, `${BASE}.closeOperateType`, 64)),
    received_at: readTimestamp(base.receivingTime, `${BASE}.receivingTime`, api),
    confirmed_at: readTimestamp(base.confirmedTime, `${BASE}.confirmedTime`, api),
    account_period_due_at: bizInfo ? readTimestamp(bizInfo.accountPeriodTime, `${BLOB}.orderBizInfo.accountPeriodTime`, api) : null,
    ...shipTo(record, base),
  };
  return { fct_order: [order], fct_payment_term: paymentTerms(record, orderId, api), fct_order_step: steps(record, base, orderId, api) };
};

const CLOSED_BY: Readonly<Record<string, string>> = {
  CLOSE_TRADE_BY_BUYER: 'buyer',
  CLOSE_TRADE_BY_SELLER: 'seller',
  CLOSE_TRADE_BY_SYSTEM: 'system',
  CLOSE_TRADE_BY_BOPS: 'platform',
  CLOSE_TRADE_BY_CREADIT: 'complaint',
  CLOSE_TRADE_BY_CREDIT: 'complaint',
};

/** closeOperateType as a word; an unknown code is kept as 1688 wrote it. */
function closedBy(code: string | null): string | null {
  return code === null ? null : CLOSED_BY[code.toUpperCase()] ?? code;
}

/**
 * Where the order ships to, down to the district and its code: nativeLogistics (province, city, area,
 * areaCode), the code else from receiverInfo.toDivisionCode. Nothing else of the receiver is read.
 */
function shipTo(record: JsonObject, base: JsonObject): WarehouseRow {
  const path = `${BLOB}.nativeLogistics`;
  const nl = readObject(record.nativeLogistics, path);
  const receiver = readObject(base.receiverInfo, `${BASE}.receiverInfo`);
  const codeKey = nl && !isAbsent(nl.areaCode) ? `${path}.areaCode` : `${BASE}.receiverInfo.toDivisionCode`;
  const code = readText(nl && !isAbsent(nl.areaCode) ? nl.areaCode : receiver?.toDivisionCode, codeKey, 32);
  // A 9- or 12-digit town code begins with its district's 6 digits.
  if (code !== null && !/^\d{6}(?:\d{3}|\d{6})?$/.test(code)) throw new DataError(codeKey, `expected a 6-digit administrative area code, found ${found(code)}`);
  return {
    ship_to_province: nl ? readText(nl.province, `${path}.province`, 64) : null,
    ship_to_city: nl ? readText(nl.city, `${path}.city`, 64) : null,
    ship_to_district: nl ? readText(nl.area, `${path}.area`, 64) : null,
    ship_to_district_code: code === null ? null : code.slice(0, 6),
  };
}

/**
 * The steps of an installment order: baseInfo.newStepOrderList (交易4.0: payFee, paidFee, gmtPay) when it
 * lists any, else stepOrderList (交易3.0: actualPayFee, payTime); either may also sit beside baseInfo.
 */
function steps(record: JsonObject, base: JsonObject, orderId: string, zone: string): WarehouseRow[] {
  for (const key of ['newStepOrderList', 'stepOrderList'] as const) {
    const inBase = !isAbsent(base[key]);
    const path = inBase ? `${BASE}.${key}` : `${BLOB}.${key}`;
    const list = readArray(inBase ? base[key] : record[key], path);
    if (list.length === 0) continue;
    const isNew = key === 'newStepOrderList';
    const rows = list.map((step, i): WarehouseRow => {
      const at = `${path}[${i}]`;
      if (!isObject(step)) throw new DataError(at, `expected a step object, found ${found(step)}`);
      const no = readInt(step.stepNo, `${at}.stepNo`);
      if (no === null) throw new DataError(`${at}.stepNo`, `expected a step number, found ${found(step.stepNo)} (required)`);
      const dueKey = isNew || isAbsent(step.actualPayFee) ? 'payFee' : 'actualPayFee';
      const statusKey = isNew ? 'payStatus' : 'stepPayStatus';
      return {
        order_id: orderId,
        step_no: no,
        step_name: readText(step.stepName, `${at}.stepName`, 128),
        pay_status: readText(step[statusKey], `${at}.${statusKey}`, 8),
        due_amount: yuan(readScaled(step[dueKey], `${at}.${dueKey}`, YUAN, 'an amount in yuan')),
        paid_amount: isNew ? yuan(readScaled(step.paidFee, `${at}.paidFee`, YUAN, 'an amount in yuan')) : null,
        postage_amount: yuan(readScaled(step.postFee, `${at}.postFee`, YUAN, 'an amount in yuan')),
        paid_at: readTimestamp(isNew ? step.gmtPay : step.payTime, `${at}.${isNew ? 'gmtPay' : 'payTime'}`, zone),
        is_last_step: readBool(step.lastStep, `${at}.lastStep`),
        step_source: key,
      };
    });
    return uniqueRows(rows, ['step_no'], path);
  }
  return [];
}

function yuan(v: bigint | null): string | null {
  return v === null ? null : formatScaled(v, YUAN);
}

/** The blob's text if it has one, else the column's. */
function text(blobValue: JsonObject[string] | undefined, blobField: string, column: string | null | undefined, columnField: string, max: number): string | null {
  return readText(blobValue, blobField, max) ?? readText(column, columnField, max);
}

/** The blob's time (offset-less forms in 1688's zone), else the column's (naive, in the source zone). */
function time(blobValue: JsonObject[string] | undefined, blobField: string, column: string | null | undefined, columnField: string, zone: string, api: string): string | null {
  return readTimestamp(blobValue, blobField, api) ?? readTimestamp(column, columnField, zone);
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
