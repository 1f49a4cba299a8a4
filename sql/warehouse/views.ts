// The BI views (warehouse migration version 3, re-created by version 8), described as data: name, grain, columns with their meaning and
// Chinese label, and the SQL per dialect. Inputs: the fact tables; output: one view each; grain: see each view.
// Same semantics on every dialect. Money is summed exactly (DECIMAL/NUMERIC arithmetic on MariaDB and PostgreSQL,
// integer fen on SQLite, where money is fixed-scale TEXT) and comes out as the tables' money does: DECIMAL or
// NUMERIC on the servers, exact decimal text with a fixed number of places on SQLite ('1234.50'), so totals read the same.
import type { Dialect } from '../../lib/db.js';
import { DIALECTS, type SqlDialect } from '../../lib/dialects/index.js';
import { DATE, ID, INT, TS, text, type ColumnType } from './tables.js';

/** A view column's type: a table column type, or a ratio (DOUBLE on MariaDB, REAL on SQLite). */
export type ViewColumnType = ColumnType | { kind: 'ratio' };

export interface ViewColumn {
  name: string;
  type: ViewColumnType;
  nullable: boolean;
  description: string;
  /** Chinese column label for exports (header-lang zh). */
  labelZh: string;
}

export interface View {
  name: string;
  /** "one row per …" */
  grain: string;
  description: string;
  /** Columns that identify a row (the grain), in sort order. */
  key: string[];
  /** The warehouse version that created the view (default 3). */
  since?: number;
  columns: ViewColumn[];
  /**
   * The select statement behind the view, in a dialect's SQL, as warehouse version `version` defines it
   * (default: the newest), so that a migration re-creates the view it introduced, not today's.
   */
  sql(d: SqlDialect, version?: number): string;
}

/** Sums of money: wide enough for any sum of DECIMAL(18,s) values a store produces. */
const SUM2: ColumnType = { kind: 'decimal', precision: 24, scale: 2 };
const SUM3: ColumnType = { kind: 'decimal', precision: 24, scale: 3 };
const SUM4: ColumnType = { kind: 'decimal', precision: 24, scale: 4 };
const RATIO: ViewColumnType = { kind: 'ratio' };
const MONTH = text(7);

type ColSpec = [name: string, type: ViewColumnType, nullable: boolean, description: string, labelZh: string];
const cols = (specs: ColSpec[]): ViewColumn[] => specs.map(([name, type, nullable, description, labelZh]) => ({ name, type, nullable, description, labelZh }));

// Dialect pieces: a money column as it sums exactly, and such a sum back in the tables' money form.
const units = (d: SqlDialect, col: string) => d.summable(col);
const decimal = (d: SqlDialect, expr: string, scale: number) => d.fromSummable(expr, scale);
const int = (d: SqlDialect, expr: string) => d.int(expr);
const month = (d: SqlDialect, col: string) => d.monthText(col);
// MariaDB compares text by collation (case- and trailing-space-insensitive): distinct buyers by bytes everywhere.
const distinctText = (d: SqlDialect, col: string) => d.bytes(col);
const sameOrBothNull = (d: SqlDialect, a: string, b: string) => d.sameOrBothNull(a, b);
/** Whole seconds from a to b, truncated toward zero, computed from the millisecond timestamps. */
const seconds = (d: SqlDialect, a: string, b: string) => d.secondsBetween(a, b);

// A sale is an order that was paid (paid_at set): unpaid and cancelled-before-payment orders are not sales;
// a paid order refunded later stays a sale, and its refund shows as a refund.
const PAID = 'o.paid_at is not null';

/** Joins that name a product and its category (warehouse version 9): title, SKU attributes, category path. */
const NAMES = `left join dim_product p on p.product_id = x.product_id
left join dim_category c on c.category_id = p.category_id`;
const CATEGORY_PATH = "case when c.category_id is null then null else concat_ws(' > ', c.level1_name, c.level2_name, c.level3_name) end";

/** Sales of paid orders per order date (and ship-to province): the SQL of v_sales_daily and v_sales_by_province. */
function salesSql(d: SqlDialect, version: number, byProvince: boolean): string {
  const province = byProvince ? 'o.ship_to_province' : null;
  const group = province ? `o.order_date, ${province}` : 'o.order_date';
  const keyCols = province ? `o.order_date as order_date, ${province} as province` : 'o.order_date as order_date';
  return `select o.order_date as order_date,${province ? ' o.province as province,' : ''} o.orders as orders, o.buyers as buyers,
  ${decimal(d, 'coalesce(l.amount, 0)', 2)} as line_amount,
  ${decimal(d, 'o.shipping', 2)} as shipping_fee,
  ${decimal(d, 'o.refunds', 2)} as refund_amount,
  ${decimal(d, 'coalesce(l.amount, 0) + o.shipping - o.refunds', 2)} as net_amount
from (
  select ${keyCols}, count(*) as orders, count(distinct ${distinctText(d, version >= 8 ? 'coalesce(o.buyer_key, o.buyer_member_id)' : 'o.buyer_member_id')}) as buyers,
    coalesce(sum(${units(d, 'o.shipping_fee')}), 0) as shipping,
    coalesce(sum(${units(d, 'o.refund_amount')}), 0) as refunds
  from fct_order o
  where ${PAID}
  group by ${group}
) o
left join (
  select ${keyCols}, sum(${units(d, 'l.line_amount')}) as amount
  from fct_order_line l
  join fct_order o on o.order_id = l.order_id
  where ${PAID}
  group by ${group}
) l on l.order_date = o.order_date${province ? ` and ${sameOrBothNull(d, 'l.province', 'o.province')}` : ''}`;
}

/** v_refund_rate as version 3 defined it: amounts and the rate per month and product. */
function refundRateSql(d: SqlDialect): string {
  return `select a.month as month, a.product_id as product_id, a.order_lines as order_lines, a.refunded_lines as refunded_lines,
  ${decimal(d, 'a.amount', 2)} as line_amount,
  ${decimal(d, 'a.refund', 3)} as refund_amount,
  case when a.amount = 0 then null else ${d.ratio('a.refund', 3, 'a.amount', 2)} end as refund_rate
from (
  select ${month(d, 'o.order_date')} as month, l.product_id as product_id, count(*) as order_lines,
    ${int(d, `sum(case when ${units(d, 'l.refund_amount')} > 0 then 1 else 0 end)`)} as refunded_lines,
    sum(${units(d, 'l.line_amount')}) as amount,
    coalesce(sum(${units(d, 'l.refund_amount')}), 0) as refund
  from fct_order_line l
  join fct_order o on o.order_id = l.order_id
  where ${PAID}
  group by ${month(d, 'o.order_date')}, l.product_id
) a`;
}

export const VIEWS: View[] = [
  {
    name: 'v_sales_daily',
    grain: 'one row per order date',
    description: 'Sales per calendar day (store time zone) of the orders placed that day and paid: orders, buyers, the lines\' paid amounts, shipping, refunds and the net. Refunds count on the day the order was placed.',
    key: ['order_date'],
    columns: cols([
      ['order_date', DATE, false, 'Calendar date the orders were placed, store time zone', '下单日期'],
      ['orders', INT, false, 'Paid orders placed that day', '订单数'],
      ['buyers', INT, false, 'Distinct buyers among them (counted on buyer_key; rows loaded before warehouse version 8 count by buyer_member_id until they are loaded again)', '买家数'],
      ['line_amount', SUM2, false, 'Sum of the orders\' line amounts (paid after discounts), yuan', '商品实付金额'],
      ['shipping_fee', SUM2, false, 'Sum of the orders\' shipping fees, yuan', '运费'],
      ['refund_amount', SUM2, false, 'Sum of the amounts refunded on these orders so far (fct_order.refund_amount), yuan', '退款金额'],
      ['net_amount', SUM2, false, 'line_amount + shipping_fee − refund_amount, yuan (negative when refunds exceed sales)', '净销售额'],
    ]),
    sql: (d, version = Infinity) => salesSql(d, version, false),
  },
  {
    name: 'v_sku_sales',
    grain: 'one row per product, SKU and month',
    description: 'Quantities and amounts sold per SKU and calendar month of the order (paid orders), with the quantity refunded on those orders by successful refunds. Products without SKUs have one row per month with an empty sku_id.',
    key: ['month', 'product_id', 'sku_id'],
    columns: cols([
      ['month', MONTH, false, 'Month the orders were placed, YYYY-MM, store time zone', '月份'],
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['sku_id', ID, true, 'SKU ID; empty for products without SKUs', 'SKU ID'],
      ['order_lines', INT, false, 'Order lines of paid orders for the SKU that month', '订单行数'],
      ['quantity', SUM4, false, 'Quantity sold', '销售数量'],
      ['line_amount', SUM2, false, 'Amount paid for those lines after discounts, yuan', '实付金额'],
      ['refund_quantity', SUM4, false, 'Quantity refunded on those lines by successful refunds (where the refund names a quantity)', '退款数量'],
      ['product_title', text(256), true, 'The product\'s title (dim_product.subject); empty for a product not loaded', '商品标题'],
      ['sku_attributes', text(1024), true, 'The SKU\'s attributes as name:value pairs (dim_sku), e.g. 颜色:红色;规格:20V; empty without a SKU', 'SKU属性'],
      ['category_path', text(512), true, 'The product\'s 1688 category from the top level down, e.g. 五金工具 > 电动工具 (dim_category)', '类目路径'],
    ]),
    sql: (d, version = Infinity) => `select x.month as month, x.product_id as product_id, x.sku_id as sku_id, x.order_lines as order_lines,
  x.quantity as quantity, x.line_amount as line_amount, x.refund_quantity as refund_quantity${version >= 9 ? `,
  p.subject as product_title, k.sku_attributes as sku_attributes, ${CATEGORY_PATH} as category_path` : ''}
from (
select s.month as month, s.product_id as product_id, s.sku_id as sku_id, s.order_lines as order_lines,
  ${decimal(d, 's.quantity', 4)} as quantity,
  ${decimal(d, 's.amount', 2)} as line_amount,
  ${decimal(d, 'coalesce(r.quantity, 0)', 4)} as refund_quantity
from (
  select ${month(d, 'o.order_date')} as month, l.product_id as product_id, l.sku_id as sku_id, count(*) as order_lines,
    sum(${units(d, 'l.quantity')}) as quantity,
    sum(${units(d, 'l.line_amount')}) as amount
  from fct_order_line l
  join fct_order o on o.order_id = l.order_id
  where ${PAID}
  group by ${month(d, 'o.order_date')}, l.product_id, l.sku_id
) s
left join (
  select ${month(d, 'o.order_date')} as month, l.product_id as product_id, l.sku_id as sku_id,
    sum(${units(d, 'rl.quantity')}) as quantity
  from fct_refund_line rl
  join fct_refund r on r.refund_id = rl.refund_id
  join fct_order_line l on l.sub_item_id = rl.sub_item_id
  join fct_order o on o.order_id = l.order_id
  where r.status = 'refundsuccess' and ${PAID}
  group by ${month(d, 'o.order_date')}, l.product_id, l.sku_id
) r on r.month = s.month and r.product_id = s.product_id and ${sameOrBothNull(d, 'r.sku_id', 's.sku_id')}
) x${version >= 9 ? `
${NAMES}
left join dim_sku k on k.sku_id = x.sku_id` : ''}`,
  },
  {
    name: 'v_refund_rate',
    grain: 'one row per product and month',
    description: 'How much of what a product sold in a month (paid orders, month of the order) was refunded: lines, lines with a refund, amounts and the refund rate by amount.',
    key: ['month', 'product_id'],
    columns: cols([
      ['month', MONTH, false, 'Month the orders were placed, YYYY-MM, store time zone', '月份'],
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['order_lines', INT, false, 'Order lines of paid orders for the product that month', '订单行数'],
      ['refunded_lines', INT, false, 'Of those, lines with a refund amount above zero', '退款行数'],
      ['line_amount', SUM2, false, 'Amount paid for those lines after discounts, yuan', '实付金额'],
      ['refund_amount', SUM3, false, 'Amount refunded on those lines (fct_order_line.refund_amount), yuan', '退款金额'],
      ['refund_rate', RATIO, true, 'refund_amount ÷ line_amount (0.05 = 5 %); empty when line_amount is 0. A DOUBLE: for charts; the exact amounts are in the two columns before', '退款率'],
      ['product_title', text(256), true, 'The product\'s title (dim_product.subject); empty for a product not loaded', '商品标题'],
      ['category_path', text(512), true, 'The product\'s 1688 category from the top level down, e.g. 五金工具 > 电动工具 (dim_category)', '类目路径'],
    ]),
    sql: (d, version = Infinity) => version < 9 ? refundRateSql(d) : `select x.*, p.subject as product_title, ${CATEGORY_PATH} as category_path
from (${refundRateSql(d)}) x
${NAMES}`,
  },
  {
    name: 'v_sales_by_province',
    since: 9,
    grain: 'one row per order date and ship-to province',
    description: 'v_sales_daily split by the province the orders ship to (fct_order.ship_to_province): where the paid orders of each day go. Orders without a province form the row whose province is empty.',
    key: ['order_date', 'province'],
    columns: cols([
      ['order_date', DATE, false, 'Calendar date the orders were placed, store time zone', '下单日期'],
      ['province', text(64), true, 'Province the orders ship to; empty when 1688 gave none', '收货省份'],
      ['orders', INT, false, 'Paid orders placed that day to that province', '订单数'],
      ['buyers', INT, false, 'Distinct buyers among them (buyer_key)', '买家数'],
      ['line_amount', SUM2, false, 'Sum of the orders\' line amounts (paid after discounts), yuan', '商品实付金额'],
      ['shipping_fee', SUM2, false, 'Sum of the orders\' shipping fees, yuan', '运费'],
      ['refund_amount', SUM2, false, 'Sum of the amounts refunded on these orders so far, yuan', '退款金额'],
      ['net_amount', SUM2, false, 'line_amount + shipping_fee − refund_amount, yuan', '净销售额'],
    ]),
    sql: (d, version = Infinity) => salesSql(d, version, true),
  },
  {
    name: 'v_order_fulfilment',
    grain: 'one row per order',
    description: 'Every order\'s way through payment, shipping and completion, with the time each step took in whole seconds (truncated; divide by 3600 for hours). A step not reached yet leaves its durations empty.',
    key: ['order_id'],
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['order_date', DATE, false, 'Calendar date the order was placed, store time zone', '下单日期'],
      ['status', text(64), false, 'Order status (1688 vocabulary)', '订单状态'],
      ['created_at', TS, false, 'When the buyer placed the order (UTC)', '下单时间'],
      ['paid_at', TS, true, 'When the order was paid (UTC)', '付款时间'],
      ['shipped_at', TS, true, 'When all goods were shipped (UTC)', '发货时间'],
      ['completed_at', TS, true, 'When the order completed (UTC)', '完成时间'],
      ['seconds_to_pay', INT, true, 'created_at → paid_at, seconds', '付款用时(秒)'],
      ['seconds_to_ship', INT, true, 'paid_at → shipped_at, seconds', '发货用时(秒)'],
      ['seconds_to_complete', INT, true, 'shipped_at → completed_at, seconds', '收货完成用时(秒)'],
      ['seconds_paid_to_completed', INT, true, 'paid_at → completed_at, seconds', '付款至完成用时(秒)'],
    ]),
    sql: (d) => `select o.order_id as order_id, o.order_date as order_date, o.status as status,
  o.created_at as created_at, o.paid_at as paid_at, o.shipped_at as shipped_at, o.completed_at as completed_at,
  ${seconds(d, 'o.created_at', 'o.paid_at')} as seconds_to_pay,
  ${seconds(d, 'o.paid_at', 'o.shipped_at')} as seconds_to_ship,
  ${seconds(d, 'o.shipped_at', 'o.completed_at')} as seconds_to_complete,
  ${seconds(d, 'o.paid_at', 'o.completed_at')} as seconds_paid_to_completed
from fct_order o`,
  },
];

export function viewNamed(name: string): View | undefined {
  return VIEWS.find((v) => v.name === name);
}

/** Statements that (re)create every view as warehouse version `version` defines it (default the newest); repeatable. */
export function viewStatements(d: Dialect, version = Infinity): string[] {
  const sql = DIALECTS[d];
  return VIEWS.filter((v) => (v.since ?? 3) <= version).flatMap((v) => sql.createView(v.name, v.grain, v.sql(sql, version)));
}
