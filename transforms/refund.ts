// ali1688_order_refund row (+ order_refund_data, §3.3 OpOrderRefundModel) -> fct_refund and, when the
// blob carries the refund record, the lines it covers in fct_refund_line.
//
// Reads: refund_id, status, gmt_create, gmt_modified, gmt_apply, gmt_completed (naive DATETIME, source
// zone), order_id (printed order_ld), buyer_member_id, refund_payment (bigint fen), order_refund_data.
// The order id is always the column: the blob's orderId and orderEntryIdList are Longs above 2^53 with
// no string twin (read losslessly here, but the column is the reference). Other fields: the blob's value
// where it has one, else the column. Every amount is fen -> yuan.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { QTY, fenToYuan, formatScaled, readScaled } from './money.js';
import { readGoodsStatus, readRefundStatus } from './enums.js';
import { uniqueRows } from './rows.js';
import { readTimestamp } from './time.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readBool, readIdList, readInt, readText, requireId, requireText } from './values.js';

const BLOB = 'order_refund_data';

export const transformRefund: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const refundId = requireText(row.refund_id, 'refund_id', 64);
  const orderId = requireId(row.order_id, 'order_id');
  const r = selectRecord(
    unwrap(parseBlob(row.order_refund_data, BLOB), ['result', 'opOrderRefundModelDetail', 'opOrderRefundModels']),
    BLOB,
    `refund ${refundId}`,
    (o) => sameRefund(o.refundId, refundId) || sameRefund(o.id, refundId),
  );
  if (r !== undefined && !isAbsent(r.refundId) && !sameRefund(r.refundId, refundId)) {
    throw new DataError(`${BLOB}.refundId`, `expected the refund_id column ${refundId}, found ${found(r.refundId)}`);
  }

  const statusInBlob = r !== undefined && !isAbsent(r.status);
  const status = statusInBlob ? readRefundStatus(r.status, `${BLOB}.status`) : readRefundStatus(row.status, 'status');
  if (status === null) throw new DataError('status', `expected a refund status, found ${found(row.status)} (required)`);

  const modifiedAt = time(r, 'gmtModified', row.gmt_modified, 'gmt_modified', zone);
  if (modifiedAt === null) throw new DataError('gmt_modified', `expected the time the refund last changed, found ${found(row.gmt_modified)} (required)`);
  const buyer = (r ? readText(r.buyerMemberId, `${BLOB}.buyerMemberId`, 128) : null) ?? readText(row.buyer_member_id, 'buyer_member_id', 128);
  if (buyer === null) throw new DataError('buyer_member_id', `expected the buyer memberId, found ${found(row.buyer_member_id)} (required)`);

  const refundPaymentInBlob = r !== undefined && !isAbsent(r.refundPayment);
  const onlyKey = r ? firstKey(r, 'onlyRefund', 'isOnlyRefund') : 'onlyRefund';
  const reasonKey = r ? firstKey(r, 'applyReason', 'reason') : 'applyReason';

  const refund: WarehouseRow = {
    refund_id: refundId,
    order_id: orderId,
    status,
    is_after_sales: r ? afterSales(r) : 0,
    apply_amount: r ? fenToYuan(r.applyPayment, `${BLOB}.applyPayment`) : null,
    refund_amount: refundPaymentInBlob ? fenToYuan(r.refundPayment, `${BLOB}.refundPayment`) : fenToYuan(row.refund_payment, 'refund_payment'),
    apply_carriage: r ? fenToYuan(r.applyCarriage, `${BLOB}.applyCarriage`) : null,
    refund_carriage: r ? fenToYuan(r.refundCarriage, `${BLOB}.refundCarriage`) : null,
    reason: r ? readText(r[reasonKey], `${BLOB}.${reasonKey}`, 512) : null,
    goods_status: r ? readGoodsStatus(r.goodsStatus, `${BLOB}.goodsStatus`) : null,
    buyer_member_id: buyer,
    applied_at: time(r, 'gmtApply', row.gmt_apply, 'gmt_apply', zone),
    completed_at: time(r, 'gmtCompleted', row.gmt_completed, 'gmt_completed', zone),
    modified_at: modifiedAt,
    created_at: time(r, 'gmtCreate', row.gmt_create, 'gmt_create', zone),
    is_only_refund: r ? readBool(r[onlyKey], `${BLOB}.${onlyKey}`) : null,
  };
  const out: TransformOutput = { fct_refund: [refund] };
  if (r !== undefined) out.fct_refund_line = refundLines(r, refundId, orderId);
  return out;
};

/** Refund ids match on their digits: the Guide writes bare digits, the API "TQ" + digits. */
function sameRefund(v: JsonObject[string] | undefined, refundId: string): boolean {
  if (typeof v !== 'string' || v.trim() === '') return false;
  const a = v.replace(/\D/g, '');
  return a !== '' && a === refundId.replace(/\D/g, '');
}

function time(r: JsonObject | undefined, key: string, column: string | null | undefined, columnField: string, zone: string): string | null {
  return (r ? readTimestamp(r[key], `${BLOB}.${key}`, zone) : null) ?? readTimestamp(column, columnField, zone);
}

/** disputeType 2 is after-sales, 1 in-sale; without it, an explicit after-sales flag if the record has one. */
function afterSales(r: JsonObject): 0 | 1 {
  const dispute = readInt(r.disputeType, `${BLOB}.disputeType`);
  if (dispute !== null) return dispute === 2 ? 1 : 0;
  const key = firstKey(r, 'afterSales', 'isAfterSales', 'afterSale');
  return readBool(r[key], `${BLOB}.${key}`) ?? 0;
}

/** orderEntryCountMap (sub id -> quantity), plus any orderEntryIdList entries it lacks (quantity unknown). */
function refundLines(r: JsonObject, refundId: string, orderId: string): WarehouseRow[] {
  const rows: WarehouseRow[] = [];
  const mapPath = `${BLOB}.orderEntryCountMap`;
  const counts = r.orderEntryCountMap;
  if (!isAbsent(counts)) {
    if (!isObject(counts)) throw new DataError(mapPath, `expected an object of sub-order id to quantity, found ${found(counts)}`);
    for (const key of Object.keys(counts)) {
      const at = `${mapPath}.${key}`;
      const subItemId = requireId(key, at);
      const qty = readScaled(counts[key], at, QTY, 'a quantity');
      rows.push({ refund_id: refundId, order_id: orderId, sub_item_id: subItemId, quantity: qty === null ? null : formatScaled(qty, QTY) });
    }
  }
  const inMap = new Set(rows.map((x) => x.sub_item_id));
  for (const subItemId of readIdList(r.orderEntryIdList, `${BLOB}.orderEntryIdList`)) {
    if (inMap.has(subItemId)) continue;
    inMap.add(subItemId);
    rows.push({ refund_id: refundId, order_id: orderId, sub_item_id: subItemId, quantity: null });
  }
  return uniqueRows(rows, ['sub_item_id'], mapPath);
}
