// Replica-shaped rows from API answers: the columns of each ali1688_* table (sources/replica-streams.ts)
// as exact text, naive times in the source zone, and the blob column as the exact span of the answer, so
// that the transforms cannot tell an API row from a replica row. Where the replica holds Cloud Hub's own
// bookkeeping (logistics gmt_create/gmt_modified DATEs, category create/modify_datetime) the API has no
// such value: it is derived from the API's own times, or NULL, as each builder says.
import { SourceError } from '../../lib/errors.js';
import { isObject, type JsonObject, type JsonValue } from '../../transforms/json.js';
import type { SourceRow } from '../../transforms/types.js';
import { rawArrayItems } from './raw-json.js';
import { instantOfBlobTime, naiveDateOf, naiveOfBlobTime } from './times.js';

/** A JSON value as column text: strings as they are, numbers as their exact text, booleans as true/false; else null. */
export function textOf(v: JsonValue | undefined): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** The object at a key (a one-element array around it is unwrapped), or undefined. */
export function objectAt(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  if (isObject(v)) return v;
  if (Array.isArray(v) && v.length === 1 && isObject(v[0])) return v[0];
  return undefined;
}

/** An order as the API serves it: its exact TradeInfo text and parse. */
export interface TradeInfo {
  id: string;
  raw: string;
  body: JsonObject;
}

/** The order's baseInfo, required. */
export function baseInfoOf(o: { raw: string; body: JsonObject }): JsonObject {
  const base = objectAt(o.body, 'baseInfo');
  if (!base) throw new SourceError(`an order from the API has no baseInfo: ${o.raw.slice(0, 120)}`);
  return base;
}

/** ali1688_order: every column from baseInfo, order_datas = the TradeInfo exactly as served. */
export function orderRow(o: TradeInfo, zone: string): SourceRow {
  const b = baseInfoOf(o);
  return {
    order_id: o.id,
    outter_id: textOf(b.outOrderId),
    create_time: naiveOfBlobTime(b.createTime, zone),
    modify_time: naiveOfBlobTime(b.modifyTime, zone),
    pay_time: naiveOfBlobTime(b.payTime, zone),
    all_delivered_time: naiveOfBlobTime(b.allDeliveredTime, zone),
    complete_time: naiveOfBlobTime(b.completeTime, zone),
    status: textOf(b.status),
    seller_member_id: textOf(b.sellerID),
    buyer_member_id: textOf(b.buyerID),
    sum_product_payment: textOf(b.sumProductPayment),
    alipay_trade_id: textOf(b.alipayTradeId),
    order_datas: o.raw,
  };
}

/** The columns a child row carries of its parent order. */
function parentColumns(order: SourceRow): SourceRow {
  return { parent_order_id: order.order_id ?? null, parent_create_time: order.create_time ?? null, parent_modify_time: order.modify_time ?? null };
}

/** The integer part of a decimal text, as the replica's BIGINT quantity column holds it ("12.5" → "12"). */
function integerPart(v: string | null): string | null {
  const m = v === null ? null : /^(-?\d+)(?:\.\d+)?$/.exec(v.trim());
  return m ? m[1]!.replace(/^(-?)0+(?=\d)/, '$1') : null;
}

/** A decimal text at 3 decimals, as the replica's decimal(10,3) refund column holds it ("12.3" → "12.300"). */
function decimal3(v: string | null): string | null {
  const m = v === null ? null : /^(-?\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return null;
  const frac = m[2] ?? '';
  return frac.length > 3 ? `${m[1]}.${frac}` : `${m[1]}.${frac.padEnd(3, '0')}`;
}

/** A span of the answer; never a re-serialised value. */
function exact(span: string | undefined, what: string): string {
  if (span === undefined) throw new SourceError(`${what}: no exact text in the answer`);
  return span;
}

/** ali1688_order_line: one row per productItems entry, order_line_data = the entry exactly as served. */
export function lineRows(o: TradeInfo, order: SourceRow): SourceRow[] {
  const items = Array.isArray(o.body.productItems) ? o.body.productItems : [];
  const spans = items.length === 0 ? [] : (rawArrayItems(o.raw, ['productItems']) ?? []);
  const parent = parentColumns(order);
  return items.map((item, i): SourceRow => {
    const it = isObject(item) ? item : {};
    return {
      sub_item_id: textOf(it.subItemIDString) ?? textOf(it.subItemID),
      order_id: o.id,
      status: textOf(it.status),
      quantity: integerPart(textOf(it.quantity)),
      unit: textOf(it.unit),
      product_id: textOf(it.productID),
      product_cargo_number: textOf(it.productCargoNumber),
      cargo_number: textOf(it.cargoNumber),
      sku_id: textOf(it.skuID) ?? textOf(it.skuId),
      refund_id: textOf(it.refundId),
      refund_id_for_as: textOf(it.refundIdForAs),
      refund: decimal3(textOf(it.refund)),
      order_line_data: exact(spans[i], `order ${o.id}: productItems[${i}]`),
      ...parent,
    };
  });
}

/** ali1688_invoice from alibaba.invoice.get's OrderInvoiceModel (exact text and parse). */
export function invoiceRow(order: SourceRow, raw: string, model: JsonObject): SourceRow {
  return {
    order_id: order.order_id ?? null,
    invoice_type: textOf(model.invoiceType),
    local_invoice_id: textOf(model.localInvoiceId),
    invoice_data: raw,
    ...parentColumns(order),
  };
}

/** The OpOrderRefundModel inside OpQueryOrderRefund's result ({opOrderRefundModelDetail: model or [model]}). */
export function refundModelOf(result: JsonObject): JsonObject | undefined {
  return objectAt(result, 'opOrderRefundModelDetail') ?? (isObject(result) && 'refundId' in result ? result : undefined);
}

/** ali1688_order_refund: columns from the model, order_refund_data = the call's result exactly as served. */
export function refundRow(orderId: string | null, raw: string, model: JsonObject, zone: string): SourceRow {
  const id = textOf(model.refundId) ?? (textOf(model.id) === null ? null : `TQ${textOf(model.id)}`);
  return {
    refund_id: id,
    status: textOf(model.status),
    gmt_create: naiveOfBlobTime(model.gmtCreate, zone),
    gmt_modified: naiveOfBlobTime(model.gmtModified, zone),
    gmt_apply: naiveOfBlobTime(model.gmtApply, zone),
    gmt_completed: naiveOfBlobTime(model.gmtCompleted, zone),
    // The model's orderId is a Long above 2^53 with no string twin: the order's own id when known, else its exact digits.
    order_id: orderId ?? textOf(model.orderId),
    buyer_member_id: textOf(model.buyerMemberId),
    refund_payment: textOf(model.refundPayment),
    order_refund_data: raw,
  };
}

/** The distinct instants of a logisticsTrace entry's steps (traceNodeList, else logisticsSteps), ascending. */
export function traceInstants(trace: JsonObject | undefined, zone: string): number[] {
  if (!trace) return [];
  const nodes = Array.isArray(trace.traceNodeList) && trace.traceNodeList.length > 0 ? trace.traceNodeList : Array.isArray(trace.logisticsSteps) ? trace.logisticsSteps : [];
  const out = new Set<number>();
  for (const s of nodes) {
    const at = isObject(s) ? instantOfBlobTime(s.acceptTime, zone) : null;
    if (at !== null) out.add(at);
  }
  return [...out].sort((a, b) => a - b);
}

/** The logistics order's id in either key set (§3.5: logisticsId; a logisticsItems entry: logisticsCode). */
export function logisticsIdOf(o: JsonObject): string | null {
  return textOf(o.logisticsId) ?? textOf(o.logisticsCode);
}

/**
 * ali1688_logistics_order: logistic_order_datas = the getLogisticsInfos element exactly as served. The
 * replica's gmt_create/gmt_modified are Cloud Hub's row dates, which the API does not have: created is
 * the local day the parcel was sent (gmtSystemSend, or deliveredTime), modified the local day its status
 * was last set as far as the tracking shows (a carrier's scans set it: ACCEPT at the first step, TRANSPORT
 * at the second, SIGN and UNSIGN at the last; WAITACCEPT when sent), else the latest of sending and the steps.
 */
export function shipmentRow(orderId: string, raw: string, o: JsonObject, steps: number[], zone: string): SourceRow {
  const sent = instantOfBlobTime(o.gmtSystemSend ?? o.deliveredTime, zone);
  const status = (textOf(o.status) ?? '').trim().toUpperCase();
  const last = steps.length > 0 ? steps[steps.length - 1]! : null;
  let modified: number | null;
  if (status === 'WAITACCEPT') modified = sent;
  else if (status === 'ACCEPT') modified = steps[0] ?? sent;
  else if (status === 'TRANSPORT') modified = steps[1] ?? last ?? sent;
  else if (status === 'SIGN' || status === 'UNSIGN') modified = last ?? sent;
  else modified = Math.max(sent ?? -Infinity, last ?? -Infinity);
  const day = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : naiveDateOf(ms, zone));
  return {
    logistic_id: logisticsIdOf(o),
    logistics_bill_no: textOf(o.logisticsBillNo),
    order_id: orderId,
    gmt_create: day(sent),
    gmt_modified: day(modified) ?? day(sent),
    logistic_order_datas: raw,
  };
}

/**
 * ali1688_logistics_route: logistic_route_datas = the logisticsTrace element exactly as served. Cloud Hub
 * writes a route once it has two steps: created is the local day of its second distinct step, modified of
 * its last (the replica's own dates, derived).
 */
export function routeRow(orderId: string, raw: string, trace: JsonObject, zone: string): SourceRow {
  const steps = traceInstants(trace, zone);
  const day = (ms: number | undefined) => (ms === undefined ? null : naiveDateOf(ms, zone));
  return {
    logistic_id: textOf(trace.logisticsId),
    logistics_bill_no: textOf(trace.logisticsBillNo),
    order_id: orderId,
    gmt_create: day(steps[1] ?? steps[0]),
    gmt_modified: day(steps[steps.length - 1]),
    logistic_route_datas: raw,
  };
}

/** ali1688_product from alibaba.product.get: columns from productInfo and its sibling times, product_datas = the answer. */
export function productRow(productId: string, raw: string, body: JsonObject, zone: string): SourceRow {
  const info = objectAt(body, 'productInfo') ?? {};
  const skus = Array.isArray(info.skuInfos) ? info.skuInfos : [];
  const cargos = skus.map((s) => (isObject(s) ? textOf(s.cargoNumber) : null)).filter((c): c is string => c !== null && c !== '');
  const time = (key: string) => naiveOfBlobTime(body[key] ?? info[key], zone);
  return {
    product_id: textOf(info.productID) ?? productId,
    quality_level: textOf(info.qualityLevel),
    subject: textOf(info.subject),
    category_id: textOf(info.categoryID) ?? textOf(info.categoryId),
    category_name: textOf(info.categoryName),
    product_cargo_number: textOf(info.productCargoNumber),
    sku_cargo_numbers: cargos.length > 0 ? cargos.join(',') : null,
    status: textOf(info.status),
    create_time: time('createTime'),
    last_update_time: time('lastUpdateTime'),
    last_repost_time: time('lastRepostTime'),
    approved_time: time('approvedTime'),
    expire_time: time('expireTime'),
    product_datas: raw,
  };
}

/** A category of the tree as alibaba.category.get describes it, with its ancestors (root first). */
export interface CategoryNode {
  id: string;
  name: string;
  level: number;
  isLeaf: boolean;
  /** The category and its ancestors from level 1 down to itself. */
  path: Array<{ id: string; name: string }>;
}

/**
 * ali1688_category: the levels from the walk down the tree, attributes = alibaba.category.attribute.get's
 * result for a leaf ('' for other categories). The API has no category times: create_datetime and
 * modify_datetime (Cloud Hub's bookkeeping) are NULL, and user_category_* (the store's own category of a
 * Cloud Hub row) are not served by category.get either.
 */
export function categoryRow(node: CategoryNode, attributes: string): SourceRow {
  const at = (i: number) => node.path[i];
  return {
    category_id: node.id,
    category_name: node.name,
    is_leaf: node.isLeaf ? 'Y' : 'N',
    attributes,
    category_level: String(node.level),
    category1_id: at(0)?.id ?? null,
    category2_id: at(1)?.id ?? null,
    category3_id: at(2)?.id ?? null,
    category1_name: at(0)?.name ?? null,
    category2_name: at(1)?.name ?? null,
    category3_name: at(2)?.name ?? null,
    user_category_id: null,
    user_category_name: null,
    create_datetime: null,
    modify_datetime: null,
  };
}
