// Where each stream lives in the replica: its table, the columns read, the cursor column and, for
// tables without a modify time, the parent table that stands in for one. Declared as data, read by
// sources/replica-reader.ts; the engine knows only the stream names.
import type { CursorKind } from './source.js';

export interface ReplicaStream {
  table: string;
  /** Columns read (order_id stands for order_ld / order_Id where the Guide prints them so). */
  columns: string[];
  /** Column whose value keys a unit (the parent's key for child streams), and how it is typed. */
  unitKey: string;
  unitKeyType: 'int' | 'text';
  /** How the table's order id column is typed, where it has one (VARCHAR in some tables, BIGINT in others: §1.1). */
  orderIdType?: 'int' | 'text';
  cursor: { kind: CursorKind; column: string };
  /** For parent-cursor streams: the parent table, its key and cursor, the columns passed as parent_<name>. */
  parent?: { table: string; key: string; cursor: string; columns: string[]; childColumn: string };
}

const ORDER_PARENT = { table: 'ali1688_order', key: 'order_id', cursor: 'modify_time', columns: ['order_id', 'create_time', 'modify_time'], childColumn: 'order_id' };

export const REPLICA_STREAMS: Readonly<Record<string, ReplicaStream>> = {
  categories: {
    table: 'ali1688_category',
    columns: ['category_id', 'category_name', 'is_leaf', 'attributes', 'category_level', 'category1_id', 'category2_id', 'category3_id',
      'category1_name', 'category2_name', 'category3_name', 'user_category_id', 'user_category_name', 'create_datetime', 'modify_datetime'],
    unitKey: 'category_id',
    unitKeyType: 'int',
    cursor: { kind: 'text', column: 'modify_datetime' },
  },
  products: {
    table: 'ali1688_product',
    columns: ['product_id', 'quality_level', 'subject', 'category_id', 'category_name', 'product_cargo_number', 'sku_cargo_numbers', 'status',
      'create_time', 'last_update_time', 'last_repost_time', 'approved_time', 'expire_time', 'product_datas'],
    unitKey: 'product_id',
    unitKeyType: 'int',
    cursor: { kind: 'datetime', column: 'last_update_time' },
  },
  orders: {
    table: 'ali1688_order',
    columns: ['order_id', 'outter_id', 'create_time', 'modify_time', 'pay_time', 'all_delivered_time', 'complete_time', 'status',
      'seller_member_id', 'buyer_member_id', 'sum_product_payment', 'alipay_trade_id', 'order_datas'],
    unitKey: 'order_id',
    unitKeyType: 'text',
    orderIdType: 'text',
    cursor: { kind: 'datetime', column: 'modify_time' },
  },
  order_lines: {
    table: 'ali1688_order_line',
    columns: ['sub_item_id', 'order_id', 'status', 'quantity', 'unit', 'product_id', 'product_cargo_number', 'cargo_number', 'sku_id',
      'refund_id', 'refund_id_for_as', 'refund', 'order_line_data'],
    unitKey: 'order_id',
    unitKeyType: 'int',
    orderIdType: 'int',
    cursor: { kind: 'parent', column: 'modify_time' },
    parent: ORDER_PARENT,
  },
  invoices: {
    table: 'ali1688_invoice',
    columns: ['order_id', 'invoice_type', 'local_invoice_id', 'invoice_data'],
    unitKey: 'order_id',
    unitKeyType: 'int',
    orderIdType: 'int',
    cursor: { kind: 'parent', column: 'modify_time' },
    parent: ORDER_PARENT,
  },
  refunds: {
    table: 'ali1688_order_refund',
    columns: ['refund_id', 'status', 'gmt_create', 'gmt_modified', 'gmt_apply', 'gmt_completed', 'order_id', 'buyer_member_id', 'refund_payment', 'order_refund_data'],
    unitKey: 'refund_id',
    unitKeyType: 'text',
    orderIdType: 'int',
    cursor: { kind: 'datetime', column: 'gmt_modified' },
  },
  shipments: {
    table: 'ali1688_logistics_order',
    columns: ['logistic_id', 'logistics_bill_no', 'order_id', 'gmt_create', 'gmt_modified', 'logistic_order_datas'],
    unitKey: 'logistic_id',
    unitKeyType: 'text',
    orderIdType: 'text',
    cursor: { kind: 'date', column: 'gmt_modified' },
  },
  shipment_events: {
    table: 'ali1688_logistics_route',
    columns: ['logistic_id', 'logistics_bill_no', 'order_id', 'gmt_create', 'gmt_modified', 'logistic_route_datas'],
    unitKey: 'logistic_id',
    unitKeyType: 'text',
    orderIdType: 'text',
    cursor: { kind: 'date', column: 'gmt_modified' },
  },
};
