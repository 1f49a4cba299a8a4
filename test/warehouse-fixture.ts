// A small warehouse planted directly, for the export and view tests: values the generated store lacks
// (ids at the BIGINT limit, text with quotes, commas, line breaks and emoji, NULL next to "", a negative net,
// steps in the wrong order, buyers differing only by case or a trailing space, SKU-less lines).
import type { Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { physicalColumns, tableNamed, type WarehouseRow } from '../sql/warehouse/tables.js';
import { NASTY } from './csv-read.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

export const IDS = {
  o1: '240517803316129437',
  o2: '9223372036854775807',
  o3: '240517803316129999',
  o4: '240518000000000001',
  o5: '240601000000000005',
  o6: '240601000000000006',
  p1: '601234567890',
  p2: '9007199254740993',
  s1: '9007199254740995',
  s2: '9223372036854775806',
};

function full(table: string, values: WarehouseRow): WarehouseRow {
  const row: WarehouseRow = {};
  for (const c of physicalColumns(tableNamed(table))) row[c.name] = null;
  return { ...row, _source_version: '2024-06-02 10:00:00', _run_id: '1', _loaded_at: '2024-06-02 02:00:00.000', ...values };
}

const order = (id: string, date: string, buyer: string, o: Partial<WarehouseRow>): WarehouseRow => full('fct_order', {
  order_id: id, buyer_member_id: buyer, seller_member_id: 'b2b-卖家', status: 'success', currency: 'CNY', line_count: 1,
  created_at: `${date} 01:00:00.000`, modified_at: `${date} 09:00:00.000`, order_date: date, is_total_mismatch: 0,
  shipping_fee: '0.00', refund_amount: '0.00', ...o,
});

let sub = 0n;
const line = (orderId: string, date: string, product: string, sku: string | null, quantity: string, amount: string, refund: string | null, name: string | null = '电动扳手'): WarehouseRow => full('fct_order_line', {
  order_id: orderId, sub_item_id: String(240517803316200000n + ++sub), product_id: product, sku_id: sku, quantity, line_amount: amount,
  refund_amount: refund, order_date: date, product_name: name, sku_attributes: '颜色:红色;规格:20V', unit: '件', unit_price: '12.3450',
  logistics_status: 2, created_at: `${date} 01:00:00.000`, modified_at: `${date} 09:00:00.000`,
});

export function fixtureRows(): Record<string, WarehouseRow[]> {
  sub = 0n;
  const orders = [
    order(IDS.o1, '2024-05-17', 'b2b-张三', {
      shipping_fee: '6.00', created_at: '2024-05-16 16:30:15.123', paid_at: '2024-05-16 16:31:00.900', shipped_at: '2024-05-16 16:31:02.100',
      completed_at: '2024-05-20 01:00:00.000', outer_order_id: '', alipay_trade_id: NASTY[1]!, ship_to_province: '浙江省',
    }),
    // Shipped "before" it was paid: negative durations, truncated toward zero on every database.
    order(IDS.o2, '2024-05-17', 'b2b-张三', { refund_amount: '123.45', paid_at: '2024-05-17 02:00:02.100', shipped_at: '2024-05-17 02:00:00.900', ship_to_province: '广东省' }),
    // Refunds larger than the sale: a negative net.
    order(IDS.o3, '2024-05-18', 'b2b-Buyer,"引号"', { shipping_fee: '12.50', refund_amount: '999.99', paid_at: '2024-05-18 01:05:00.000', status: 'cancel' }),
    order(IDS.o4, '2024-05-18', 'b2b-unpaid', { status: 'waitbuyerpay' }),
    order(IDS.o5, '2024-06-01', 'b2b-abc', { paid_at: '2024-06-01 01:00:00.000', shipping_fee: '0.01', ship_to_province: '浙江省' }),
    order(IDS.o6, '2024-06-01', 'b2b-ABC ', { paid_at: '2024-06-01 01:00:00.001', shipped_at: '2024-06-02 01:00:00.000', completed_at: '2024-06-03 00:59:59.999' }),
  ];
  const lines = [
    line(IDS.o1, '2024-05-17', IDS.p1, IDS.s1, '2.0000', '24.69', '0.000', NASTY[0]),
    line(IDS.o1, '2024-05-17', IDS.p1, IDS.s2, '0.0001', '0.01', '0.010', NASTY[5]),
    line(IDS.o2, '2024-05-17', IDS.p1, IDS.s1, '1.5000', '123456789012345.67', '123.450', NASTY[6]),
    line(IDS.o3, '2024-05-18', IDS.p2, null, '3.0000', '100.00', '999.990', NASTY[3]),
    line(IDS.o4, '2024-05-18', IDS.p1, IDS.s1, '1.0000', '50.00', null, NASTY[2]),
    line(IDS.o5, '2024-06-01', IDS.p2, null, '1.0000', '0.99', null, null),
    line(IDS.o6, '2024-06-01', IDS.p1, IDS.s2, '10.0000', '1000.00', null, NASTY[1]),
  ];
  const refund = (id: string, orderId: string, status: string, modifiedAt: string, reason: string | null) => full('fct_refund', {
    refund_id: id, order_id: orderId, status, is_after_sales: 0, buyer_member_id: 'b2b-张三', modified_at: modifiedAt, reason, refund_amount: '1.00',
  });
  const refunds = [
    refund('TQ1', IDS.o2, 'refundsuccess', '2024-05-17 23:59:59.999', NASTY[0]!),
    refund('TQ2', IDS.o3, 'refundclose', '2024-05-18 00:00:00.000', ''),
    refund('TQ3', IDS.o1, 'refundsuccess', '2024-05-16 00:00:00.000', null),
    refund('TQ4', IDS.o3, 'refundsuccess', '2024-05-18 12:00:00.000', NASTY[4]!),
  ];
  const rl = (refundId: string, l: WarehouseRow, quantity: string | null) => full('fct_refund_line', { refund_id: refundId, order_id: l.order_id ?? null, sub_item_id: l.sub_item_id ?? null, quantity });
  const refundLines = [rl('TQ1', lines[2]!, '1.0000'), rl('TQ2', lines[3]!, '3.0000'), rl('TQ3', lines[1]!, null), rl('TQ4', lines[3]!, '0.5000')];
  // Names for the views: p1 has a title, a category two levels deep and one SKU with attributes; p2, its
  // SKU-less lines and the SKU s2 are not in the dimensions (the views leave their names empty).
  const products = [full('dim_product', { product_id: IDS.p1, subject: NASTY[1]!, category_id: '1031910', status: 'published', is_deleted: 0, created_at: '2024-05-01 00:00:00.000', modified_at: '2024-05-01 00:00:00.000', status_group: 'active', sku_count: 1 })];
  const skus = [full('dim_sku', { sku_id: IDS.s1, product_id: IDS.p1, sku_attributes: '颜色:红色;规格:20V', modified_at: '2024-05-01 00:00:00.000' })];
  const categories = [full('dim_category', { category_id: '1031910', category_name: '电动扳手', level: 2, is_leaf: 1, level1_id: '1038378', level1_name: '五金、工具', level2_id: '1031910', level2_name: '电动扳手', level3_id: null, level3_name: null, attribute_count: 0 })];
  return { fct_order: orders, fct_order_line: lines, fct_refund: refunds, fct_refund_line: refundLines, dim_product: products, dim_sku: skus, dim_category: categories };
}

/** Migrates the warehouse and plants the fixture rows. */
export async function plantWarehouse(db: Db): Promise<Record<string, WarehouseRow[]>> {
  await migrate(db, logger);
  const rows = fixtureRows();
  for (const [table, list] of Object.entries(rows)) await db.knex(table).insert(list);
  return rows;
}
