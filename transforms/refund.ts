// ali1688_order_refund row (+ order_refund_data, §3.3 OpOrderRefundModel) -> fct_refund and, when the
// blob carries the refund record, the lines it covers in fct_refund_line and its operation history in
// fct_refund_event (who moved it from which status to which; never the operators' login ids or remarks).
//
// Reads: refund_id, status, gmt_create, gmt_modified, gmt_apply, gmt_completed (naive DATETIME, source
// zone), order_id (printed order_ld), buyer_member_id, refund_payment (bigint fen), order_refund_data.
// The order id is always the column: the blob's orderId and orderEntryIdList are Longs above 2^53 with
// no string twin (read losslessly here, but the column is the reference). Other fields: the blob's value
// where it has one, else the column. Every amount is fen -> yuan. The buyer id is hashed (transforms/pii.ts);
// the reasons people write have their phone numbers masked.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { QTY, fenToYuan, formatScaled, readScaled } from './money.js';
import { readGoodsStatus, readRefundStatus } from './enums.js';
import { maskPhones } from './mask.js';
import { buyerColumns } from './pii.js';
import { uniqueRows } from './rows.js';
import { formatUtc, parseInstant, readTimestamp } from './time.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readArray, readBool, readId, readIdList, readInt, readObject, readText, requireId, requireText } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'order_refund_data';

export const transformRefund: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const api = apiZone(ctx);
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

  const modifiedAt = time(r, 'gmtModified', row.gmt_modified, 'gmt_modified', zone, api);
  if (modifiedAt === null) throw new DataError('gmt_modified', `expected the time the refund last changed, found ${found(row.gmt_modified)} (required)`);
  const buyer = (r ? readText(r.buyerMemberId, `${BLOB}.buyerMemberId`, 128) : null) ?? readText(row.buyer_member_id, 'buyer_member_id', 128);
  if (buyer === null) throw new DataError('buyer_member_id', `expected the buyer memberId, found ${found(row.buyer_member_id)} (required)`);
  const buyerCols = buyerColumns(buyer, ctx);

  const refundPaymentInBlob = r !== undefined && !isAbsent(r.refundPayment);
  const onlyKey = r ? firstKey(r, 'onlyRefund', 'isOnlyRefund') : 'onlyRefund';
  const reasonKey = r ? firstKey(r, 'applyReason', 'reason') : 'applyReason';
  const reason = r ? readText(r[reasonKey], `${BLOB}.${reasonKey}`, 512) : null;
  const rejectReason = r ? readText(r.rejectReason, `${BLOB}.rejectReason`, 512) : null;
  const ext = r ? readObject(r.extInfo, `${BLOB}.extInfo`) : undefined;

  const refund: WarehouseRow = {
    refund_id: refundId,
    order_id: orderId,
    status,
    is_after_sales: r ? afterSales(r) : 0,
    apply_amount: r ? fenToYuan(r.applyPayment, `${BLOB}.applyPayment`) : null,
    refund_amount: refundPaymentInBlob ? fenToYuan(r.refundPayment, `${BLOB}.refundPayment`) : fenToYuan(row.refund_payment, 'refund_payment'),
    apply_carriage: r ? fenToYuan(r.applyCarriage, `${BLOB}.applyCarriage`) : null,
    refund_carriage: r ? fenToYuan(r.refundCarriage, `${BLOB}.refundCarriage`) : null,
    reason: reason === null ? null : maskPhones(reason),
    goods_status: r ? readGoodsStatus(r.goodsStatus, `${BLOB}.goodsStatus`) : null,
    buyer_member_id: buyerCols.buyer_member_id,
    applied_at: time(r, 'gmtApply', row.gmt_apply, 'gmt_apply', zone, api),
    completed_at: time(r, 'gmtCompleted', row.gmt_completed, 'gmt_completed', zone, api),
    modified_at: modifiedAt,
    created_at: time(r, 'gmtCreate', row.gmt_create, 'gmt_create', zone, api),
    is_only_refund: r ? readBool(r[onlyKey], `${BLOB}.${onlyKey}`) : null,
    buyer_key: buyerCols.buyer_key,
    dispute_type: r ? disputeType(r) : null,
    apply_reason_id: r ? readInt(r.applyReasonId, `${BLOB}.applyReasonId`) : null,
    reject_reason: rejectReason === null ? null : maskPhones(rejectReason),
    reject_reason_id: r ? readInt(r.rejectReasonId, `${BLOB}.rejectReasonId`) : null,
    reject_count: r ? readInt(r.rejectTimes, `${BLOB}.rejectTimes`) : null,
    timeout_at: r ? readTimestamp(r.gmtTimeOut, `${BLOB}.gmtTimeOut`, api) : null,
    is_seven_day_return: ext ? readBool(ext['7d'], `${BLOB}.extInfo.7d`) : null,
    return_bill_no: r ? readText(r.freightBill, `${BLOB}.freightBill`, 128) : null,
    return_carrier_name: r ? readText(r.buyerLogisticsName, `${BLOB}.buyerLogisticsName`, 128) : null,
  };
  const out: TransformOutput = { fct_refund: [refund] };
  if (r !== undefined) {
    out.fct_refund_line = refundLines(r, refundId, orderId);
    out.fct_refund_event = refundEvents(r, refundId, orderId, api);
  }
  return out;
};

/** disputeType: 1 in-sale, 2 after-sales; any other value is a reject; absent is unknown (null). */
function disputeType(r: JsonObject): number | null {
  const v = readInt(r.disputeType, `${BLOB}.disputeType`);
  if (v !== null && v !== 1 && v !== 2) throw new DataError(`${BLOB}.disputeType`, `expected 1 (in-sale) or 2 (after-sales), found ${found(r.disputeType)}`);
  return v;
}

const ROLES: Readonly<Record<number, string>> = { 1: 'buyer', 2: 'seller', 3: 'system' };

/** A status in the refund vocabulary when it is one, else 1688's text as written (an operation log is open-ended). */
function opStatus(v: JsonObject[string] | undefined, field: string): string | null {
  const text = readText(v, field, 32);
  if (text === null) return null;
  try {
    return readRefundStatus(text, field);
  } catch {
    return text.toLowerCase();
  }
}

/**
 * refundOperationList[] as events in time order (stable; operations without a time last), from 1. Only
 * the time, the statuses and the operator's role are read: login ids, phones and remarks are people's.
 */
function refundEvents(r: JsonObject, refundId: string, orderId: string, zone: string): WarehouseRow[] {
  const path = `${BLOB}.refundOperationList`;
  const ops = readArray(r.refundOperationList ?? r.refundOperationModelList, path).map((op, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(op)) throw new DataError(at, `expected an operation object, found ${found(op)}`);
    const role = readInt(op.operatorRoleId, `${at}.operatorRoleId`);
    return {
      ms: parseInstant(op.gmtCreate ?? op.gmtModified, `${at}.gmtCreate`, zone),
      pos: i,
      row: {
        refund_id: refundId,
        event_seq: 0,
        order_id: orderId,
        operation_id: readId(op.id, `${at}.id`),
        event_at: null as string | null,
        status_before: opStatus(op.beforeOperateStatus, `${at}.beforeOperateStatus`),
        status_after: opStatus(op.afterOperateStatus, `${at}.afterOperateStatus`),
        operator_role: role === null ? null : ROLES[role] ?? String(role),
        operator_role_id: role,
      },
    };
  });
  ops.sort((a, b) => (a.ms === b.ms ? a.pos - b.pos : a.ms === null ? 1 : b.ms === null ? -1 : a.ms - b.ms));
  return ops.map((o, i) => ({ ...o.row, event_seq: i + 1, event_at: o.ms === null ? null : formatUtc(o.ms) }));
}

/** Refund ids match on their digits: the Guide writes bare digits, the API "TQ" + digits. */
function sameRefund(v: JsonObject[string] | undefined, refundId: string): boolean {
  if (typeof v !== 'string' || v.trim() === '') return false;
  const a = v.replace(/\D/g, '');
  return a !== '' && a === refundId.replace(/\D/g, '');
}

function time(r: JsonObject | undefined, key: string, column: string | null | undefined, columnField: string, zone: string, api: string): string | null {
  return (r ? readTimestamp(r[key], `${BLOB}.${key}`, api) : null) ?? readTimestamp(column, columnField, zone);
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
