// Column order of the eight replica tables as the generator writes them (it matches sql/source/*.sql),
// and the table of the objects only the 1688 API serves (api-objects.ts).
// A row is an array of exact texts in this order; `int` columns hold decimal digits (64-bit exact).

export type TableKey = 'category' | 'product' | 'order' | 'order_line' | 'order_refund' | 'invoice' | 'logistics_order' | 'logistics_route';

export const TABLE_KEYS: readonly TableKey[] = ['category', 'product', 'order', 'order_line', 'order_refund', 'invoice', 'logistics_order', 'logistics_route'];

export type ColumnKind = 'int' | 'text';

export interface TableSpec {
  key: TableKey;
  name: string;
  columns: string[];
  kinds: ColumnKind[];
  /** Index of the natural key column (what identifies a row across runs; invoices: the order id, one per order). */
  naturalKey: number;
}

/** One row: column values in TableSpec order; index 0 is the surrogate `id`, filled in by the writer. */
export type Row = Array<string | null>;

/** The printed spellings of the two order-id columns, or `order_id` for both. */
export interface OrderIdColumns {
  refundOrderCol: string;
  invoiceOrderCol: string;
}

export const PRINTED_COLUMNS: OrderIdColumns = { refundOrderCol: 'order_ld', invoiceOrderCol: 'order_Id' };
export const PLAIN_COLUMNS: OrderIdColumns = { refundOrderCol: 'order_id', invoiceOrderCol: 'order_id' };

type Spec = ReadonlyArray<readonly [string, ColumnKind]>;

const SPECS: Record<TableKey, { name: string; columns: (c: OrderIdColumns) => Spec; naturalKey: number }> = {
  category: {
    name: 'ali1688_category',
    naturalKey: 3,
    columns: () => [
      ['id', 'int'], ['create_datetime', 'text'], ['modify_datetime', 'text'], ['category_id', 'int'], ['category_name', 'text'],
      ['is_leaf', 'text'], ['attributes', 'text'], ['category_level', 'int'], ['category1_id', 'int'], ['category2_id', 'int'],
      ['category3_id', 'int'], ['category1_name', 'text'], ['category2_name', 'text'], ['category3_name', 'text'],
      ['user_category_id', 'text'], ['user_category_name', 'text'],
    ],
  },
  product: {
    name: 'ali1688_product',
    naturalKey: 1,
    columns: () => [
      ['id', 'int'], ['product_id', 'int'], ['quality_level', 'int'], ['subject', 'text'], ['category_id', 'int'], ['category_name', 'text'],
      ['product_cargo_number', 'text'], ['sku_cargo_numbers', 'text'], ['status', 'text'], ['create_time', 'text'],
      ['last_update_time', 'text'], ['last_repost_time', 'text'], ['approved_time', 'text'], ['expire_time', 'text'], ['product_datas', 'text'],
    ],
  },
  order: {
    name: 'ali1688_order',
    naturalKey: 1,
    columns: () => [
      ['id', 'int'], ['order_id', 'text'], ['outter_id', 'text'], ['create_time', 'text'], ['modify_time', 'text'], ['pay_time', 'text'],
      ['all_delivered_time', 'text'], ['complete_time', 'text'], ['status', 'text'], ['seller_member_id', 'text'],
      ['buyer_member_id', 'text'], ['sum_product_payment', 'text'], ['alipay_trade_id', 'text'], ['order_datas', 'text'],
    ],
  },
  order_line: {
    name: 'ali1688_order_line',
    naturalKey: 1,
    columns: () => [
      ['id', 'int'], ['sub_item_id', 'int'], ['order_id', 'int'], ['status', 'text'], ['quantity', 'int'], ['unit', 'text'],
      ['product_id', 'int'], ['product_cargo_number', 'text'], ['cargo_number', 'text'], ['sku_id', 'int'], ['refund_id', 'text'],
      ['refund_id_for_as', 'text'], ['refund', 'text'], ['order_line_data', 'text'],
    ],
  },
  order_refund: {
    name: 'ali1688_order_refund',
    naturalKey: 1,
    columns: (c) => [
      ['id', 'int'], ['refund_id', 'text'], ['status', 'text'], ['gmt_create', 'text'], ['gmt_modified', 'text'], ['gmt_apply', 'text'],
      ['gmt_completed', 'text'], [c.refundOrderCol, 'int'], ['buyer_member_id', 'text'], ['refund_payment', 'int'], ['order_refund_data', 'text'],
    ],
  },
  invoice: {
    name: 'ali1688_invoice',
    naturalKey: 1,
    columns: (c) => [['id', 'int'], [c.invoiceOrderCol, 'int'], ['invoice_type', 'int'], ['local_invoice_id', 'int'], ['invoice_data', 'text']],
  },
  logistics_order: {
    name: 'ali1688_logistics_order',
    naturalKey: 1,
    columns: () => [
      ['id', 'int'], ['logistic_id', 'text'], ['logistics_bill_no', 'text'], ['order_id', 'text'], ['gmt_create', 'text'], ['gmt_modified', 'text'],
      ['logistic_order_datas', 'text'],
    ],
  },
  logistics_route: {
    name: 'ali1688_logistics_route',
    naturalKey: 1,
    columns: () => [
      ['id', 'int'], ['logistic_id', 'text'], ['logistics_bill_no', 'text'], ['order_id', 'text'], ['gmt_create', 'text'], ['gmt_modified', 'text'],
      ['logistic_route_datas', 'text'],
    ],
  },
};

/** The eight table specs, with the chosen spelling of the refund and invoice order-id columns. */
export function sourceTables(cols: OrderIdColumns = PRINTED_COLUMNS): Record<TableKey, TableSpec> {
  const out = {} as Record<TableKey, TableSpec>;
  for (const key of TABLE_KEYS) {
    const s = SPECS[key];
    const spec = s.columns(cols);
    out[key] = {
      key,
      name: s.name,
      columns: spec.map(([n]) => n),
      kinds: spec.map(([, k]) => k),
      naturalKey: s.naturalKey,
    };
  }
  return out;
}

/**
 * The seller's API-only objects (freight templates, ship-from addresses, store categories), one row per
 * object with its exact JSON text; not a replica table, so it is no TableKey (see api-objects.ts).
 */
export const API_OBJECT_TABLE = 'hub_etl_api_object';
export const API_OBJECT_COLUMNS = ['kind', 'object_id', 'parent_id', 'position', 'json', 'modified_at'] as const;
