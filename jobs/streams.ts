// Every replicated table is one stream, declared here as data and served by the one engine (jobs/engine.ts).
import type { Transform } from '../transforms/types.js';
import { transformCategory } from '../transforms/category.js';
import { transformInvoice } from '../transforms/invoice.js';
import { transformOrder } from '../transforms/order.js';
import { transformOrderLine } from '../transforms/order-line.js';
import { transformProduct } from '../transforms/product.js';
import { transformRefund } from '../transforms/refund.js';
import { transformShipment } from '../transforms/shipment.js';
import { transformShipmentEvents } from '../transforms/shipment-events.js';

/**
 * How a stream finds what changed:
 * - datetime: a DATETIME column, read in [watermark − lookback, source now − safety lag)
 * - date: a DATE column (day precision): the whole last day is re-read (>=), up to today inclusive
 * - text: a varchar time of unknown format: the (small) table is scanned whole and fingerprints
 *   decide what changed
 * - parent: the table has no modify time: read the parent orders whose modify_time moved, then all
 *   their child rows, so that an order's set of lines is loaded whole
 */
export type CursorKind = 'datetime' | 'date' | 'text' | 'parent';

export interface StreamDef {
  name: string;
  /** Source table. */
  table: string;
  /** Columns read from the source table (order_id stands for order_ld / order_Id where printed so). */
  columns: string[];
  /** Column whose value keys a unit (the parent for child streams) and names it in etl_row_state. */
  unitKey: string;
  /** Column keying one source row, named in etl_reject; equal to unitKey for one-row units. */
  rowKey: (row: Record<string, string | null>) => string;
  cursor: { kind: CursorKind; column: string };
  /** For parent-cursor streams: the parent table, its cursor and the columns passed as parent_<name>. */
  parent?: { table: string; key: string; cursor: string; columns: string[]; childColumn: string };
  transform: Transform;
  /** Warehouse tables the transform fills; the first holds one row per unit where the unit is one row. */
  targets: string[];
  /** Bump when the transform's output changes, so that re-read rows are written again. */
  version: number;
}

const ORDER_PARENT = { table: 'ali1688_order', key: 'order_id', cursor: 'modify_time', columns: ['order_id', 'create_time', 'modify_time'], childColumn: 'order_id' };

export const STREAMS: StreamDef[] = [
  {
    name: 'categories',
    table: 'ali1688_category',
    columns: ['category_id', 'category_name', 'is_leaf', 'attributes', 'category_level', 'category1_id', 'category2_id', 'category3_id',
      'category1_name', 'category2_name', 'category3_name', 'user_category_id', 'user_category_name', 'create_datetime', 'modify_datetime'],
    unitKey: 'category_id',
    rowKey: (r) => r.category_id ?? '',
    cursor: { kind: 'text', column: 'modify_datetime' },
    transform: transformCategory,
    targets: ['dim_category'],
    version: 1,
  },
  {
    name: 'products',
    table: 'ali1688_product',
    columns: ['product_id', 'quality_level', 'subject', 'category_id', 'category_name', 'product_cargo_number', 'sku_cargo_numbers', 'status',
      'create_time', 'last_update_time', 'last_repost_time', 'approved_time', 'expire_time', 'product_datas'],
    unitKey: 'product_id',
    rowKey: (r) => r.product_id ?? '',
    cursor: { kind: 'datetime', column: 'last_update_time' },
    transform: transformProduct,
    targets: ['dim_product', 'dim_sku', 'dim_product_price_tier'],
    version: 1,
  },
  {
    name: 'orders',
    table: 'ali1688_order',
    columns: ['order_id', 'outter_id', 'create_time', 'modify_time', 'pay_time', 'all_delivered_time', 'complete_time', 'status',
      'seller_member_id', 'buyer_member_id', 'sum_product_payment', 'alipay_trade_id', 'order_datas'],
    unitKey: 'order_id',
    rowKey: (r) => r.order_id ?? '',
    cursor: { kind: 'datetime', column: 'modify_time' },
    transform: transformOrder,
    targets: ['fct_order', 'fct_payment_term'],
    version: 1,
  },
  {
    name: 'order_lines',
    table: 'ali1688_order_line',
    columns: ['sub_item_id', 'order_id', 'status', 'quantity', 'unit', 'product_id', 'product_cargo_number', 'cargo_number', 'sku_id',
      'refund_id', 'refund_id_for_as', 'refund', 'order_line_data'],
    unitKey: 'order_id',
    rowKey: (r) => r.sub_item_id ?? '',
    cursor: { kind: 'parent', column: 'modify_time' },
    parent: ORDER_PARENT,
    transform: transformOrderLine,
    targets: ['fct_order_line'],
    version: 1,
  },
  {
    name: 'invoices',
    table: 'ali1688_invoice',
    columns: ['order_id', 'invoice_type', 'local_invoice_id', 'invoice_data'],
    unitKey: 'order_id',
    rowKey: (r) => `${r.order_id ?? ''}:${r.local_invoice_id ?? ''}`,
    cursor: { kind: 'parent', column: 'modify_time' },
    parent: ORDER_PARENT,
    transform: transformInvoice,
    targets: ['fct_invoice'],
    version: 1,
  },
  {
    name: 'refunds',
    table: 'ali1688_order_refund',
    columns: ['refund_id', 'status', 'gmt_create', 'gmt_modified', 'gmt_apply', 'gmt_completed', 'order_id', 'buyer_member_id', 'refund_payment', 'order_refund_data'],
    unitKey: 'refund_id',
    rowKey: (r) => r.refund_id ?? '',
    cursor: { kind: 'datetime', column: 'gmt_modified' },
    transform: transformRefund,
    targets: ['fct_refund', 'fct_refund_line'],
    version: 1,
  },
  {
    name: 'shipments',
    table: 'ali1688_logistics_order',
    columns: ['logistic_id', 'logistics_bill_no', 'order_id', 'gmt_create', 'gmt_modified', 'logistic_order_datas'],
    unitKey: 'logistic_id',
    rowKey: (r) => r.logistic_id ?? '',
    cursor: { kind: 'date', column: 'gmt_modified' },
    transform: transformShipment,
    targets: ['fct_shipment', 'fct_shipment_line'],
    version: 1,
  },
  {
    name: 'shipment_events',
    table: 'ali1688_logistics_route',
    columns: ['logistic_id', 'logistics_bill_no', 'order_id', 'gmt_create', 'gmt_modified', 'logistic_route_datas'],
    unitKey: 'logistic_id',
    rowKey: (r) => r.logistic_id ?? '',
    cursor: { kind: 'date', column: 'gmt_modified' },
    transform: transformShipmentEvents,
    targets: ['fct_shipment_event'],
    version: 1,
  },
];

export const STREAM_NAMES = STREAMS.map((s) => s.name);

export function streamNamed(name: string): StreamDef | undefined {
  return STREAMS.find((s) => s.name === name);
}
