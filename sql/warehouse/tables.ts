// The warehouse schema as data: every table, its grain, keys and columns with their meaning.
// One definition drives the DDL of every dialect (lib/dialects), the upserts, the CSV headers and
// docs/warehouse.md. Names promised to BI users are a contract: add columns, never rename or drop.

/**
 * Logical column types. Values travel in one canonical text form whatever the database:
 * - id: 64-bit integer as a decimal string ("240517803316129437")
 * - decimal: exact decimal string with exactly `scale` digits after the point ("12.30"); on SQLite
 *   stored as TEXT (SQLite has no exact decimal), on MySQL as DECIMAL(p,s), on PostgreSQL as NUMERIC(p,s)
 * - timestamp: UTC "YYYY-MM-DD HH:MM:SS.SSS"; date: "YYYY-MM-DD"
 * - int: JS number (safe integer); bool: 0 or 1; text: string of at most `length` characters
 */
export type { ColumnType } from '../../lib/dialects/dialect.js';
import type { ColumnType } from '../../lib/dialects/dialect.js';

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** What the column means, in a BI user's words. */
  description: string;
  /** Chinese column label for exports (header-lang zh). */
  labelZh: string;
}

export interface Table {
  name: string;
  /** Grain, written into the table comment: "one row per order line". */
  grain: string;
  description: string;
  columns: Column[];
  primaryKey: string[];
  /**
   * For child tables loaded as a set per parent: the columns naming the parent. Rows of a parent
   * that are not in the new set are deleted, so a line that disappears from the source disappears here.
   */
  parentKey?: string[];
  indexes?: string[][];
  /** Operations tables carry no lineage columns of their own. */
  operational?: boolean;
  /** The first primary-key column is numbered by the database (auto increment). */
  autoId?: boolean;
  /**
   * Who may read it. `restricted`: data an ERP needs and BI must not see (the invoices' VAT registration):
   * in no view, exported only with --include-restricted; grant it to the ERP's account alone. `secret`:
   * hub-etl's own keys, never exported.
   */
  access?: 'restricted' | 'secret';
}

export const ID: ColumnType = { kind: 'id' };
export const INT: ColumnType = { kind: 'int' };
export const BOOL: ColumnType = { kind: 'bool' };
export const TS: ColumnType = { kind: 'timestamp' };
export const DATE: ColumnType = { kind: 'date' };
export const LONGTEXT: ColumnType = { kind: 'longtext' };
/** Money in yuan, 2 decimals (fen exact). */
export const MONEY: ColumnType = { kind: 'decimal', precision: 18, scale: 2 };
/** Money in yuan with 3 decimals, as the replica's order_line.refund. */
export const MONEY3: ColumnType = { kind: 'decimal', precision: 18, scale: 3 };
/** Unit prices in yuan: 1688 lists prices below one fen for small parts. */
export const PRICE: ColumnType = { kind: 'decimal', precision: 18, scale: 4 };
/** Quantities: the API's quantity is decimal (quantityFactor). */
export const QTY: ColumnType = { kind: 'decimal', precision: 18, scale: 4 };
/** Weights in kg: 1688 sends a double (shippingInfo.unitWeight); grams of small parts need 3 decimals and more. */
export const WEIGHT: ColumnType = { kind: 'decimal', precision: 18, scale: 6 };
export const text = (length: number): ColumnType => ({ kind: 'text', length });

type ColSpec = [name: string, type: ColumnType, nullable: boolean, description: string, labelZh: string];
const cols = (specs: ColSpec[]): Column[] => specs.map(([name, type, nullable, description, labelZh]) => ({ name, type, nullable, description, labelZh }));

/** Lineage columns every fact and dimension carries. */
export const LINEAGE: Column[] = cols([
  ['_source_version', text(32), false, 'Modify time of the source row this version came from (source time zone, as stored in the replica); a load never replaces a newer version with an older one', '来源版本'],
  ['_run_id', ID, false, 'etl_run.run_id of the run that last wrote this row', '批次号'],
  ['_loaded_at', TS, false, 'When hub-etl last wrote this row (UTC)', '装载时间'],
]);

export const FACTS_AND_DIMENSIONS: Table[] = [
  {
    name: 'fct_order',
    grain: 'one row per order',
    description: 'Orders received by the store, one row each, with their amounts in yuan and their life-cycle times in UTC.',
    primaryKey: ['order_id'],
    indexes: [['order_date'], ['modified_at'], ['buyer_member_id'], ['buyer_key']],
    columns: cols([
      ['order_id', ID, false, 'Order ID (18–19 digits, exact)', '订单号'],
      ['buyer_member_id', text(128), false, 'Buyer: the keyed hash of the memberId, as buyer_key (personal data, China PIPL); the clear memberId (b2b-…) only when hub-etl runs with --keep-buyer-ids, for an ERP. Prefer buyer_key', '买家会员ID'],
      ['seller_member_id', text(128), false, 'Seller memberId (b2b-…)', '卖家会员ID'],
      ['status', text(64), false, 'Order status as 1688 names it: waitbuyerpay, waitsellersend, waitbuyerreceive, confirm_goods, success, cancel, …', '订单状态'],
      ['total_amount', MONEY, true, 'Total the buyer pays, yuan: sum of line amounts plus shipping fee', '订单总额'],
      ['sum_product_payment', MONEY, true, 'Goods value before discounts, yuan (price × quantity summed over lines)', '货品总价'],
      ['shipping_fee', MONEY, true, 'Shipping fee charged, yuan', '运费'],
      ['discount_amount', MONEY, true, 'Deprecated: two quantities in one column (1688\'s discount when it sends one, else sum_product_payment − item_amount). Use reported_discount_amount or line_discount_amount', '折扣金额'],
      ['refund_amount', MONEY, true, 'Amount refunded on the order so far, yuan', '退款金额'],
      ['currency', text(3), false, 'ISO currency code (1688 says RMB; stored as CNY)', '币种'],
      ['trade_type', text(16), true, 'Trade type code as 1688 sends it: 1 担保交易, 2 预存款交易, 3 ETC境外收单, 4 即时到帐, 5 保障金安全交易, 6 统一交易流程, 7 分阶段付款, 8 货到付款, 9 信用凭证支付, 10 账期支付; 50060 is 交易4.0 (the platform\'s trade flow, not a way of paying: see trade_type_code and trade_type_desc)', '交易类型'],
      ['alipay_trade_id', text(128), true, 'Alipay transaction ID; empty until paid (1688 writes UNCREATED)', '支付宝交易号'],
      ['line_count', INT, false, 'Number of order lines in the order', '订单行数'],
      ['created_at', TS, false, 'When the buyer placed the order (UTC)', '下单时间'],
      ['paid_at', TS, true, 'When the order was paid (UTC)', '付款时间'],
      ['shipped_at', TS, true, 'When all goods were shipped (UTC)', '发货时间'],
      ['completed_at', TS, true, 'When the order completed (UTC)', '完成时间'],
      ['modified_at', TS, false, 'Last change of the order at 1688 (UTC)', '修改时间'],
      ['order_date', DATE, false, 'Calendar date the order was placed, in the store\'s time zone (HUB_STORE_TZ): the day of create_time as the replica stores it (read in HUB_SOURCE_TZ), the same day fct_order_line.order_date shows', '下单日期'],
      ['item_amount', MONEY, true, 'Sum of the lines\' paid amounts (itemAmount), yuan, from the order blob', '货品实付合计'],
      ['coupon_fee', MONEY, true, 'Coupons applied, yuan (already included in total_amount)', '优惠券金额'],
      ['refund_status', text(32), true, 'Deprecated: the in-sale refund status, else the after-sales one, so an after-sales refund hides behind an in-sale one. Use in_sale_refund_status and after_sales_refund_status', '退款状态'],
      ['outer_order_id', text(128), true, 'External order ID (outter_id)', '外部订单号'],
      ['is_total_mismatch', BOOL, false, '1 when total_amount differs from item_amount + shipping_fee in the source data', '总额不一致'],
      ['buyer_key', text(64), true, 'Keyed hash of the buyer memberId (HMAC-SHA256 under the installation\'s PII key, 64 hex digits): one value per buyer on every order and refund, for counting and joining buyers without their identity. Empty on rows loaded before warehouse version 8 until they are loaded again', '买家标识'],
      ['in_sale_refund_status', text(32), true, 'Status of the refund opened before the order completed (售中; baseInfo.refundStatus, lowercase vocabulary), if any', '售中退款状态'],
      ['after_sales_refund_status', text(32), true, 'Status of the refund opened after completion (售后; baseInfo.refundStatusForAs), if any', '售后退款状态'],
      ['reported_discount_amount', MONEY, true, 'Discount 1688 reports on the order (baseInfo.discount, fen converted exactly), yuan; negative for a price increase. Not necessarily the lines\' discounts: see line_discount_amount', '订单折扣(1688)'],
      ['line_discount_amount', MONEY, true, 'Sum over the order\'s lines of unit price × quantity (rounded to the fen per line) − the amount paid: equals the sum of fct_order_line.discount_amount (hub-etl verify checks it); empty when a line has no unit price', '明细优惠合计'],
      ['trade_type_code', text(64), true, 'Way of trading the buyer chose, as 1688 codes it (tradeTypeCode, e.g. assureTrade)', '交易方式代码'],
      ['trade_type_desc', text(64), true, 'The same in words, as 1688 writes it (tradeTypeDesc, e.g. 担保交易)', '交易方式'],
      ['business_type', text(32), true, 'Kind of order as 1688 codes it (businessType): cn ordinary, ws large wholesale, yp sample, fs flash discount, cz custom processing, ag agreement purchase, supply, cb cross-border, …', '业务类型'],
      ['close_reason', text(256), true, 'Why the order was closed, as 1688 writes it (closeReason; phone numbers masked)', '关闭原因'],
      ['closed_by', text(64), true, 'Who closed the order: buyer, seller, system (time-out), platform (1688 staff), complaint (诚信保障), or 1688\'s code (closeOperateType) when it is another', '关闭方'],
      ['received_at', TS, true, 'When the buyer had received all the goods (receivingTime, UTC)', '收货时间'],
      ['confirmed_at', TS, true, 'When receipt was confirmed (confirmedTime, UTC)', '确认收货时间'],
      ['account_period_due_at', TS, true, 'When the money of an account-period (账期) order is due to reach the seller (orderBizInfo.accountPeriodTime, China time converted to UTC)', '账期到账时间'],
      ['ship_to_province', text(64), true, 'Province the order ships to (nativeLogistics.province); never the street, the recipient or a phone', '收货省份'],
      ['ship_to_city', text(64), true, 'City the order ships to', '收货城市'],
      ['ship_to_district', text(64), true, 'District or county the order ships to', '收货区县'],
      ['ship_to_district_code', text(16), true, '6-digit administrative code of that district (nativeLogistics.areaCode, else receiverInfo.toDivisionCode; a town code is cut to its district)', '收货区县编码'],
    ]),
  },
  {
    name: 'fct_order_line',
    grain: 'one row per order line',
    description: 'Order lines (sub-orders): the product and SKU sold, quantity, unit price and the amount actually paid after discounts.',
    primaryKey: ['sub_item_id'],
    parentKey: ['order_id'],
    indexes: [['order_id'], ['order_date'], ['sku_id'], ['product_id']],
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['sub_item_id', ID, false, 'Order line ID (subItemID)', '子订单号'],
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['sku_id', ID, true, 'SKU ID; empty for products without SKUs', 'SKU ID'],
      ['spec_id', text(64), true, 'Spec ID of the SKU (specId)', '规格ID'],
      ['product_cargo_number', text(128), true, 'Product item number (货号)', '商品货号'],
      ['sku_cargo_number', text(128), true, 'SKU item number', 'SKU货号'],
      ['product_name', text(512), true, 'Product title at the time of the order', '商品名称'],
      ['sku_attributes', text(1024), true, 'SKU attributes as name:value pairs, e.g. 颜色:红色;规格:20V', 'SKU属性'],
      ['quantity', QTY, false, 'Quantity ordered (may be fractional)', '数量'],
      ['unit', text(32), true, 'Unit of sale (件, 个, 套, …)', '单位'],
      ['unit_price', PRICE, true, 'Listed unit price, yuan, before discounts', '单价'],
      ['line_amount', MONEY, false, 'Amount paid for the line after discounts, yuan (itemAmount)', '实付金额'],
      ['refund_amount', MONEY3, true, 'Amount refunded on the line, yuan', '退款金额'],
      ['line_status', text(64), true, 'Line status (order status vocabulary)', '子订单状态'],
      ['refund_status', text(32), true, 'Refund status of the line, mapped to the lowercase vocabulary (waitselleragree, refundsuccess, refundclose, …)', '退款状态'],
      ['refund_id', text(256), true, 'Refund opened before the order completed (TQ…)', '售中退款单号'],
      ['refund_id_for_as', text(256), true, 'Refund opened after completion (after-sales)', '售后退款单号'],
      ['order_date', DATE, false, 'Calendar date the order was placed, store time zone (HUB_STORE_TZ): always fct_order.order_date of its order', '下单日期'],
      ['gross_amount', MONEY, true, 'unit_price × quantity, yuan, rounded to the fen', '原价金额'],
      ['discount_amount', MONEY, true, 'gross_amount − line_amount, yuan', '优惠金额'],
      ['logistics_status', INT, true, 'Shipping state of the line: 1 not shipped, 2 shipped, 3 received, 4 returned, 5 partly shipped, 8 no logistics order', '物流状态'],
      ['created_at', TS, true, 'When the line was created (UTC)', '创建时间'],
      ['modified_at', TS, true, 'Last change of the line (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'fct_payment_term',
    grain: 'one row per payment phase of an order (installments included)',
    description: 'Payment phases of orders (tradeTerms): one row for a plain order, several for installments and account-period orders.',
    primaryKey: ['order_id', 'phase'],
    parentKey: ['order_id'],
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['phase', ID, false, 'Phase ID as 1688 numbers it (may exceed 2^53)', '付款阶段'],
      ['amount', MONEY, true, 'Amount due in this phase, yuan (phasAmount)', '阶段金额'],
      ['pay_status', text(8), true, 'Payment status code: 1 unpaid, 2 paid, 4 fully refunded, 6 seller received funds, 7 no external pay order, 8 cancelled before pay, 9 paying, 12 account-period pending', '支付状态'],
      ['pay_way', text(8), true, 'Payment method code: 1 Alipay, 2 MYbank, 3 诚e赊, 4 bank transfer, 5 赊销宝, 6 e-bill, 7 account period, 8 merged, 9 none, 10 零售通, 12 declared, 13 pay platform', '支付方式'],
      ['paid_at', TS, true, 'When the phase was paid (UTC)', '支付时间'],
    ]),
  },
  {
    name: 'fct_refund',
    grain: 'one row per refund request',
    description: 'Refund requests, before (in-sale) or after (after-sales) completion; amounts converted exactly from fen to yuan.',
    primaryKey: ['refund_id'],
    indexes: [['order_id'], ['modified_at']],
    columns: cols([
      ['refund_id', text(64), false, 'Refund ID (TQ…)', '退款单号'],
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['status', text(32), false, 'Refund status: waitselleragree, waitbuyermodify, waitbuyersend, waitsellerreceive, refundsuccess, refundclose', '退款状态'],
      ['is_after_sales', BOOL, false, '1 for an after-sales refund (opened after the order completed); deprecated: also 0 when 1688 does not say (no disputeType). Use dispute_type', '是否售后'],
      ['apply_amount', MONEY, true, 'Amount the buyer asked for, yuan', '申请金额'],
      ['refund_amount', MONEY, true, 'Amount refunded, yuan', '退款金额'],
      ['apply_carriage', MONEY, true, 'Shipping fee the buyer asked back, yuan', '申请运费'],
      ['refund_carriage', MONEY, true, 'Shipping fee refunded, yuan', '退还运费'],
      ['reason', text(512), true, 'Reason given by the buyer (phone numbers masked)', '退款原因'],
      ['goods_status', INT, true, 'Goods state: 1 not received, 2 received, 3 returned', '货物状态'],
      ['buyer_member_id', text(128), false, 'Buyer: the keyed hash of the memberId, as buyer_key; the clear memberId only with --keep-buyer-ids. Prefer buyer_key', '买家会员ID'],
      ['applied_at', TS, true, 'When the buyer applied (UTC)', '申请时间'],
      ['completed_at', TS, true, 'When the refund closed (UTC)', '完成时间'],
      ['modified_at', TS, false, 'Last change of the refund (UTC)', '修改时间'],
      ['created_at', TS, true, 'When the refund record was created (UTC)', '创建时间'],
      ['is_only_refund', BOOL, true, '1 when money only is refunded (no goods returned)', '仅退款'],
      ['buyer_key', text(64), true, 'Keyed hash of the buyer memberId, the same value as fct_order.buyer_key', '买家标识'],
      ['dispute_type', INT, true, '1 in-sale (售中, before the order completed), 2 after-sales (售后); empty when 1688 does not say: then the refund is after-sales when an order line names it in fct_order_line.refund_id_for_as', '纠纷类型'],
      ['apply_reason_id', INT, true, 'ID of the reason the buyer picked (applyReasonId)', '退款原因ID'],
      ['reject_reason', text(512), true, 'Why the seller last refused the refund (rejectReason; phone numbers masked)', '拒绝原因'],
      ['reject_reason_id', INT, true, 'ID of that reason (rejectReasonId)', '拒绝原因ID'],
      ['reject_count', INT, true, 'How many times the seller refused it (rejectTimes)', '拒绝次数'],
      ['timeout_at', TS, true, 'When the refund times out if nobody acts (gmtTimeOut, UTC)', '超时时间'],
      ['is_seven_day_return', BOOL, true, '1 when the goods fall under 7-day no-reason returns (extInfo 7d)', '七天无理由'],
      ['return_bill_no', text(128), true, 'Waybill of the goods the buyer sent back (freightBill)', '退货运单号'],
      ['return_carrier_name', text(128), true, 'Carrier of the goods sent back (buyerLogisticsName)', '退货物流公司'],
    ]),
  },
  {
    name: 'fct_refund_line',
    grain: 'one row per refunded order line of a refund',
    description: 'Which order lines a refund covers, and the quantity refunded.',
    primaryKey: ['refund_id', 'sub_item_id'],
    parentKey: ['refund_id'],
    indexes: [['order_id']],
    columns: cols([
      ['refund_id', text(64), false, 'Refund ID', '退款单号'],
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['sub_item_id', ID, false, 'Order line ID', '子订单号'],
      ['quantity', QTY, true, 'Quantity refunded on the line', '退款数量'],
    ]),
  },
  {
    name: 'fct_invoice',
    grain: 'one row per invoice',
    description: 'Invoices requested on orders: plain or VAT, with the title and taxpayer ID printed on them.',
    primaryKey: ['order_id', 'local_invoice_id'],
    parentKey: ['order_id'],
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['local_invoice_id', ID, false, 'Invoice number', '发票编号'],
      ['invoice_type', text(8), false, 'plain, vat or unknown', '发票类型'],
      ['invoice_title', text(256), true, 'Title printed on the invoice: the company name; *** when it is a person\'s name (see is_personal_title)', '发票抬头'],
      ['taxpayer_id', text(64), true, 'Taxpayer identification number', '纳税人识别号'],
      ['amount', MONEY, true, 'Invoice amount including tax, yuan (converted exactly from fen)', '发票金额'],
      ['invoice_status', text(32), true, 'Invoice status (INIT, ISSUED, …) when 1688 sends it', '发票状态'],
      ['is_personal_title', BOOL, true, '1 when the title is an individual\'s name (a plain invoice without a taxpayer ID and no organisation word in it): personal data, so invoice_title holds *** instead', '个人抬头'],
    ]),
  },
  {
    name: 'fct_shipment',
    grain: 'one row per logistics order',
    description: 'Logistics orders (shipments) with carrier, tracking number and status.',
    primaryKey: ['logistics_id'],
    indexes: [['order_id'], ['modified_date']],
    columns: cols([
      ['logistics_id', text(64), false, 'Logistics order ID (BX…/LP…)', '物流单号'],
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['bill_no', text(128), true, 'Carrier tracking number', '运单号'],
      ['carrier_name', text(128), true, 'Carrier name (顺丰速运, 中通快递, …)', '物流公司'],
      ['carrier_code', text(64), true, 'Deprecated: the carrier\'s numeric ID or, when 1688 sends none, its code; use carrier_id and carrier_no', '物流公司编码'],
      ['status', text(16), true, 'WAITACCEPT, ACCEPT, TRANSPORT, SIGN, UNSIGN, NOGET, CANCEL', '物流状态'],
      ['shipped_at', TS, true, 'When the goods were handed to the carrier (UTC)', '发货时间'],
      ['modified_date', DATE, false, 'Day of the last change (the replica keeps the day only, in HUB_SOURCE_TZ; loaded through the API: the day its status was last set, as its tracking shows)', '修改日期'],
      ['created_date', DATE, true, 'Day the logistics order was created (the replica keeps the day only, in HUB_SOURCE_TZ)', '创建日期'],
      ['carrier_id', ID, true, 'Carrier ID as 1688 numbers it (logisticsCompanyId)', '物流公司ID'],
      ['carrier_no', text(64), true, 'Carrier code (logisticsCompanyNo, e.g. SF, ZTO)', '物流公司代码'],
      ['carriage', MONEY, true, 'Freight charged for this logistics order, yuan (carriage)', '运费'],
      ['send_type', text(8), true, 'How the goods were sent, as 1688 codes it: 0 by the seller\'s own carrier, 1 online (1688 logistics), 2 no logistics needed', '发货方式'],
    ]),
  },
  {
    name: 'fct_shipment_line',
    grain: 'one row per order line in a logistics order',
    description: 'Which order lines travel in which shipment.',
    primaryKey: ['logistics_id', 'sub_item_id'],
    parentKey: ['logistics_id'],
    indexes: [['order_id']],
    columns: cols([
      ['logistics_id', text(64), false, 'Logistics order ID', '物流单号'],
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['sub_item_id', ID, false, 'Order line ID', '子订单号'],
      ['quantity', QTY, true, 'Quantity shipped, when given', '发货数量'],
    ]),
  },
  {
    name: 'fct_shipment_event',
    grain: 'one row per tracking step of a logistics order',
    description: 'Tracking history of shipments, in time order (event_seq 1 is the first step).',
    primaryKey: ['logistics_id', 'event_seq'],
    parentKey: ['logistics_id'],
    columns: cols([
      ['logistics_id', text(64), false, 'Logistics order ID', '物流单号'],
      ['event_seq', INT, false, 'Position of the step in time order, from 1', '序号'],
      ['event_at', TS, true, 'When the step happened (UTC)', '时间'],
      ['remark', text(1024), true, 'What happened, as the carrier wrote it, with phone numbers and the names of couriers and signers masked (***, 签收人：*, *师傅)', '物流详情'],
      ['order_id', ID, true, 'Order ID', '订单号'],
      ['action', text(64), true, 'Step code when the carrier sends one (traceNodeList action)', '节点动作'],
      ['area_code', text(32), true, 'Area code of the step, when given', '地区编码'],
    ]),
  },
  {
    name: 'dim_product',
    grain: 'one row per product',
    description: 'Products of the store (offers) with their status, category and price range.',
    primaryKey: ['product_id'],
    indexes: [['category_id'], ['modified_at']],
    columns: cols([
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['subject', text(256), false, 'Product title', '商品标题'],
      ['category_id', ID, false, 'Leaf category ID', '类目ID'],
      ['status', text(64), false, 'Product status as stored by 1688 (published, auditing, expired, …)', '商品状态'],
      ['is_deleted', BOOL, false, '1 when the product is deleted (status deleted, member deleted, TBD, …)', '是否删除'],
      ['quality_level', INT, true, 'Listing quality 0–5, higher is better', '质量星级'],
      ['product_cargo_number', text(128), true, 'Product item number (货号)', '商品货号'],
      ['unit', text(32), true, 'Unit of sale', '单位'],
      ['min_order_quantity', INT, true, 'Minimum order quantity', '起订量'],
      ['price_min', PRICE, true, 'Lowest unit price over SKUs and volume tiers, yuan', '最低价'],
      ['price_max', PRICE, true, 'Highest unit price over SKUs and volume tiers, yuan', '最高价'],
      ['created_at', TS, false, 'When the product was added (UTC)', '创建时间'],
      ['modified_at', TS, false, 'Last change of the product (UTC)', '修改时间'],
      ['expired_at', TS, true, 'When the listing expires or expired (UTC)', '过期时间'],
      ['status_group', text(16), false, 'Normalised status: active, pending, rejected, expired, deleted or other', '状态分组'],
      ['category_name', text(256), true, 'Leaf category name', '类目名称'],
      ['quote_type', INT, true, 'Pricing: 0 fixed/volume price, 1 price per SKU, 2/3 SKU ranges', '报价方式'],
      ['sku_count', INT, false, 'Number of SKUs', 'SKU数'],
      ['reposted_at', TS, true, 'When the listing was last reposted (UTC)', '重发时间'],
      ['approved_at', TS, true, 'When 1688 approved the listing (UTC)', '审核通过时间'],
      ['store_category_id', ID, true, 'The store\'s own category of the product (the first productInfo.groupID; joins dim_store_category)', '店铺分类ID'],
      ['store_category_ids', text(1024), true, 'Every store category the product is in, comma-separated', '店铺分类ID列表'],
      ['sku_cargo_numbers', text(4096), true, 'Item numbers of the SKUs, comma-separated (the replica column, else the blob\'s cargoNumbers): what a product without its blob still tells', 'SKU货号列表'],
      ['amount_on_sale', INT, true, 'Stock for sale over the whole product (saleInfo.amountOnSale): the stock of a product without SKUs', '可售数量'],
      ['unit_weight_kg', WEIGHT, true, 'Weight of one unit, kg (shippingInfo.unitWeight)', '单位重量(千克)'],
      ['freight_template_id', ID, true, 'Freight template of the product (shippingInfo.freightTemplateID; joins dim_freight_template; 1 means the seller pays)', '运费模板ID'],
    ]),
  },
  {
    name: 'dim_sku',
    grain: 'one row per SKU',
    description: 'SKUs (variants) of products, e.g. a colour and a voltage, with their own price and stock.',
    primaryKey: ['sku_id'],
    parentKey: ['product_id'],
    indexes: [['product_id']],
    columns: cols([
      ['sku_id', ID, false, 'SKU ID', 'SKU ID'],
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['spec_id', text(64), true, 'Spec ID', '规格ID'],
      ['sku_cargo_number', text(128), true, 'SKU item number', 'SKU货号'],
      ['sku_attributes', text(1024), true, 'Attributes as name:value pairs, e.g. 颜色:红色;规格:20V', 'SKU属性'],
      ['price', PRICE, true, 'SKU price, yuan', '价格'],
      ['retail_price', PRICE, true, 'Suggested retail price, yuan', '建议零售价'],
      ['amount_on_sale', INT, true, 'Stock available for sale', '可售数量'],
      ['modified_at', TS, false, 'Last change of the product the SKU belongs to (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'dim_product_price_tier',
    grain: 'one row per volume-pricing break of a product',
    description: 'Volume pricing: from start_quantity pieces on, the unit price is unit_price.',
    primaryKey: ['product_id', 'start_quantity'],
    parentKey: ['product_id'],
    columns: cols([
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['start_quantity', INT, false, 'Quantity from which this price applies', '起批量'],
      ['unit_price', PRICE, false, 'Unit price from that quantity on, yuan', '单价'],
    ]),
  },
  {
    name: 'dim_category',
    grain: 'one row per category',
    description: 'The 1688 category tree (up to three levels), flattened so that each category carries its ancestors.',
    primaryKey: ['category_id'],
    columns: cols([
      ['category_id', ID, false, 'Category ID', '类目ID'],
      ['category_name', text(256), false, 'Category name', '类目名称'],
      ['level', INT, false, 'Depth in the tree: 1, 2 or 3', '层级'],
      ['is_leaf', BOOL, false, '1 for a leaf category (products hang here)', '是否叶子类目'],
      ['parent_id', ID, true, 'Parent category ID; empty at level 1', '父类目ID'],
      ['level1_id', ID, true, 'Level-1 ancestor ID', '一级类目ID'],
      ['level1_name', text(256), true, 'Level-1 ancestor name', '一级类目'],
      ['level2_id', ID, true, 'Level-2 ancestor ID', '二级类目ID'],
      ['level2_name', text(256), true, 'Level-2 ancestor name', '二级类目'],
      ['level3_id', ID, true, 'Level-3 ID', '三级类目ID'],
      ['level3_name', text(256), true, 'Level-3 name', '三级类目'],
      ['attribute_count', INT, false, 'Number of attributes defined on the category', '属性数'],
      ['created_at', TS, true, 'When the category was added (UTC; NULL when loaded through the API, which has no category times)', '创建时间'],
      ['modified_at', TS, true, 'Last change of the category (UTC; NULL when loaded through the API)', '修改时间'],
      ['user_category_id', text(256), true, 'The store\'s own category set on this category, as the replica names it (user_category_id)', '自定义分类ID'],
      ['user_category_name', text(256), true, 'Its name (user_category_name)', '自定义分类名称'],
    ]),
  },
  {
    name: 'dim_product_attribute',
    grain: 'one row per attribute value of a product listing',
    description: 'The attributes a product listing fills in (productInfo.attributes: 品牌, 型号, 产地, 材质, …), in their listed order; an attribute with several values has one row per value. SKU dimensions are in dim_sku.sku_attributes.',
    primaryKey: ['product_id', 'attribute_seq'],
    parentKey: ['product_id'],
    indexes: [['attribute_id']],
    columns: cols([
      ['product_id', ID, false, 'Product ID', '商品ID'],
      ['attribute_seq', INT, false, 'Position in the listing\'s attribute list, from 1', '序号'],
      ['attribute_id', ID, true, 'Attribute ID (attributeID; joins dim_category_attribute); empty for an attribute the seller defined', '属性ID'],
      ['name', text(256), true, 'Attribute name', '属性名称'],
      ['value', text(1024), false, 'Value', '属性值'],
    ]),
  },
  {
    name: 'fct_order_step',
    grain: 'one row per step of an installment (分阶段) order',
    description: 'The steps of orders paid in stages (baseInfo.newStepOrderList of 交易4.0, else stepOrderList of 交易3.0): what each step asks, what was paid and when.',
    primaryKey: ['order_id', 'step_no'],
    parentKey: ['order_id'],
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['step_no', INT, false, 'Step number, from 1', '阶段序号'],
      ['step_name', text(128), true, 'Step name as the seller named it (首款, 尾款, …)', '阶段名称'],
      ['pay_status', text(8), true, 'Payment status code of the step: 1 unpaid, 2 paid, 4 refunded, 6 passed to the trade, 8 closed before payment, 12 balance payment', '阶段付款状态'],
      ['due_amount', MONEY, true, 'Amount the step asks for, yuan (payFee; actualPayFee, shipping included, in 交易3.0)', '阶段应付'],
      ['paid_amount', MONEY, true, 'Amount paid in the step, yuan (paidFee; 交易4.0 only)', '阶段已付'],
      ['postage_amount', MONEY, true, 'Shipping fee of the step, yuan (postFee)', '阶段运费'],
      ['paid_at', TS, true, 'When the step was paid (UTC)', '付款时间'],
      ['is_last_step', BOOL, true, '1 for the order\'s last step', '是否最后阶段'],
      ['step_source', text(32), false, 'Where 1688 lists the step: newStepOrderList (交易4.0) or stepOrderList (交易3.0)', '阶段来源'],
    ]),
  },
  {
    name: 'fct_refund_event',
    grain: 'one row per operation on a refund',
    description: 'The history of each refund (refundOperationList): who moved it from which status to which, and when. Operators\' login IDs and remarks are personal data and are not loaded.',
    primaryKey: ['refund_id', 'event_seq'],
    parentKey: ['refund_id'],
    indexes: [['order_id']],
    columns: cols([
      ['refund_id', text(64), false, 'Refund ID', '退款单号'],
      ['event_seq', INT, false, 'Position of the operation in time order, from 1', '序号'],
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['operation_id', ID, true, 'Operation ID as 1688 numbers it', '操作ID'],
      ['event_at', TS, true, 'When the operation happened (UTC)', '操作时间'],
      ['status_before', text(32), true, 'Refund status before the operation (lowercase vocabulary; empty for the application)', '操作前状态'],
      ['status_after', text(32), true, 'Refund status after it', '操作后状态'],
      ['operator_role', text(16), true, 'Who acted: buyer, seller, system, or the role code when it is another', '操作方'],
      ['operator_role_id', INT, true, 'Role code as 1688 sends it (operatorRoleId: 1 buyer, 2 seller)', '操作方代码'],
    ]),
  },
  {
    name: 'fct_invoice_registration',
    grain: 'one row per invoice to a company (with a taxpayer ID)',
    description: 'RESTRICTED. What an ERP needs to issue a VAT invoice: the company\'s title, taxpayer ID, registered address and phone, bank and account (OrderInvoiceModel register* fields). Loaded only with --invoice-registration (HUB_INVOICE_REGISTRATION=1); in no view and exported only with --include-restricted. Grant it to the ERP\'s account alone. The recipient (receive* fields: a person\'s name, phone and address) is never loaded.',
    primaryKey: ['order_id', 'local_invoice_id'],
    parentKey: ['order_id'],
    access: 'restricted',
    columns: cols([
      ['order_id', ID, false, 'Order ID', '订单号'],
      ['local_invoice_id', ID, false, 'Invoice number', '发票编号'],
      ['company_title', text(256), true, 'Company name printed on the invoice (invoiceCompanyName)', '发票抬头'],
      ['taxpayer_id', text(64), false, 'Taxpayer identification number (taxpayerIdentify)', '纳税人识别号'],
      ['register_area_code', text(16), true, 'Administrative code of the registered address (registerCode)', '注册地区编码'],
      ['register_address', text(512), true, 'Registered address: area and street (registerCodeText and registerStreet, or registerAddress)', '注册地址'],
      ['register_phone', text(64), true, 'Registered phone (registerPhone)', '注册电话'],
      ['bank_name', text(128), true, 'Bank of the account (registerBank or bankName)', '开户银行'],
      ['bank_account', text(64), true, 'Bank account number (registerAccountId or bankAccount)', '银行账号'],
    ]),
  },
];

/**
 * Dimensions of what the seller's ERP needs and only the 1688 API serves (freight templates, ship-from
 * addresses, the store's own categories), loaded by snapshot streams that read the whole list each run,
 * and the attributes of leaf categories (ali1688_category.attributes, or alibaba.category.attribute.get).
 * Kept apart from FACTS_AND_DIMENSIONS, which the replica streams fill.
 */
export const API_DIMENSIONS: Table[] = [
  {
    name: 'dim_freight_template',
    grain: 'one row per freight template of the store',
    description: 'The seller\'s freight templates (运费模板, alibaba.logistics.freightTemplate.getList): where goods ship from, how freight is charged and who pays it; the fee rules are in dim_freight_template_rule. Products name theirs in shippingInfo.freightTemplateID (1688\'s special template 1 means the seller pays).',
    primaryKey: ['freight_template_id'],
    columns: cols([
      ['freight_template_id', ID, false, 'Freight template ID', '运费模板ID'],
      ['template_name', text(128), true, 'Template name', '模板名称'],
      ['seller_member_id', text(128), true, 'Seller memberId (b2b-…)', '卖家会员ID'],
      ['status', INT, true, 'Status as 1688 sends it: 1 valid, -1 invalid', '状态'],
      ['is_active', BOOL, true, '1 when status is 1, 0 when it is -1, empty otherwise', '是否有效'],
      ['template_type', text(8), true, 'Type as 1688 sends it: 3 a 1688 official template; 2 or empty the seller\'s own', '模板类型'],
      ['is_official', BOOL, false, '1 for a 1688 official logistics template (type 3)', '是否官方模板'],
      ['from_area_code', text(16), true, '6-digit administrative code of the district goods ship from (joins dim_ship_from_address.district_code)', '发货地区码'],
      ['from_area_name', text(256), true, 'Province, city and district goods ship from, as 1688 writes them (浙江省 金华市 义乌市)', '发货地区'],
      ['charge_type', INT, true, 'Charging code of the main sub-template (express, else the first there is): 0 weight, 1 piece, 2 volume', '计费方式代码'],
      ['charge_basis', text(16), true, 'charge_type as a word: weight, piece, volume or other', '计费方式'],
      ['has_express', BOOL, false, '1 when the template has an express (快递) sub-template', '含快递'],
      ['has_freight', BOOL, false, '1 when the template has a freight (货运, less-than-truckload) sub-template', '含货运'],
      ['has_cash_on_delivery', BOOL, false, '1 when the template has a cash-on-delivery (货到付款) sub-template', '含货到付款'],
      ['is_seller_paid', BOOL, true, '1 when the main sub-template says the seller pays the freight (free shipping everywhere)', '卖家承担运费'],
      ['rule_count', INT, false, 'Number of fee rules over all sub-templates', '费率规则数'],
      ['modified_at', TS, true, 'Latest change of its sub-templates and fee rules (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'dim_freight_template_rule',
    grain: 'one row per fee rule (a group of destination regions) of a freight sub-template',
    description: 'What a freight template charges per destination: first unit and its fee, each further unit and its fee, in yuan. The rule for the whole country (全国) applies where no other rule names the province.',
    primaryKey: ['freight_template_id', 'service_type', 'rule_seq'],
    parentKey: ['freight_template_id'],
    columns: cols([
      ['freight_template_id', ID, false, 'Freight template ID', '运费模板ID'],
      ['service_type', text(16), false, 'Sub-template: express (快递), freight (货运) or cod (货到付款)', '服务类型'],
      ['rule_seq', INT, false, 'Position of the rule in its sub-template, from 1', '序号'],
      ['sub_template_id', ID, true, 'Sub-template ID', '子模板ID'],
      ['charge_basis', text(16), true, 'How the sub-template charges: weight, piece, volume or other', '计费方式'],
      ['is_seller_paid', BOOL, true, '1 when the sub-template says the seller pays the freight', '卖家承担运费'],
      ['is_system_rate', BOOL, true, '1 for a rate of a 1688 system (official) template', '是否系统费率'],
      ['is_nationwide', BOOL, false, '1 for the rule covering the whole country (area code 1, 全国)', '是否全国'],
      ['destination_area_codes', text(2048), true, 'Destination area codes, comma-separated: 6-digit province codes, or 1 for the whole country', '目的地区码'],
      ['destination_names', text(1024), true, 'Destinations as 1688 writes them (上海、福建省、广东省)', '目的地'],
      ['unit', text(8), true, 'Unit of first_unit and next_unit: g for weight, piece for piece; empty for volume (1688 documents no unit)', '计量单位'],
      ['first_unit', QTY, true, 'First weight (grams) or first pieces the first fee covers', '首重首件'],
      ['first_unit_fee', MONEY, true, 'Fee for the first unit, yuan', '首费'],
      ['next_unit', QTY, true, 'Each further weight (grams) or pieces', '续重续件'],
      ['next_unit_fee', MONEY, true, 'Fee for each further unit, yuan', '续费'],
      ['minimum_fee', MONEY, true, 'Minimum charge per shipment (最低一票), yuan; freight sub-templates only', '最低一票'],
      ['is_free_shipping', BOOL, false, '1 when the buyer pays nothing to these destinations: the seller pays, or both fees are 0 (包邮)', '是否包邮'],
      ['modified_at', TS, true, 'Last change of the rule (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'dim_ship_from_address',
    grain: 'one row per ship-from address of the seller',
    description: 'The seller\'s ship-from addresses (发货地址, alibaba.logistics.mySendGoodsAddress.list.get). The address is the business\'s premises (a warehouse, a shop) and is loaded; the contact person\'s name, mobile, phone and WangWang account are personal data (China PIPL) and are not loaded.',
    primaryKey: ['ship_from_address_id'],
    indexes: [['district_code']],
    columns: cols([
      ['ship_from_address_id', ID, false, 'Ship-from address ID', '发货地址ID'],
      ['address_name', text(128), true, 'Name the seller gave the address', '地址名称'],
      ['is_default', BOOL, true, '1 for the default ship-from address', '是否默认'],
      ['country', text(64), true, 'Country', '国家'],
      ['province', text(64), true, 'Province (or municipality)', '省份'],
      ['city', text(64), true, 'City', '城市'],
      ['district', text(64), true, 'District or county', '区县'],
      ['district_code', text(16), true, '6-digit administrative code of the district (joins dim_freight_template.from_area_code)', '区县编码'],
      ['full_address', text(512), true, 'The whole address as 1688 writes it, street and number included (business premises)', '详细地址'],
      ['post_code', text(16), true, 'Postal code', '邮编'],
      ['company_name', text(256), true, 'Company shipping from the address', '公司名称'],
    ]),
  },
  {
    name: 'dim_store_category',
    grain: 'one row per store category (the seller\'s own, 1 or 2 levels)',
    description: 'The store\'s own product categories (自定义分类, category.getSelfCatlist), which the seller arranges for buyers; not the 1688 category tree of dim_category. Products name theirs in productInfo.groupID.',
    primaryKey: ['store_category_id'],
    indexes: [['parent_store_category_id']],
    columns: cols([
      ['store_category_id', ID, false, 'Store category ID (groupID)', '店铺分类ID'],
      ['category_name', text(256), true, 'Category name', '分类名称'],
      ['parent_store_category_id', ID, true, 'Parent store category; empty at level 1', '上级分类ID'],
      ['level', INT, false, 'Depth: 1 at the top, 2 below', '层级'],
      ['sort_order', INT, true, 'Display order the seller set (ordering; smaller first)', '排序'],
      ['icon_url', text(1024), true, 'Picture of the category', '分类图片'],
      ['seller_member_id', text(128), true, 'Seller memberId (b2b-…)', '卖家会员ID'],
      ['created_at', TS, true, 'When the category was created (UTC)', '创建时间'],
      ['modified_at', TS, true, 'Last change of the category (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'dim_category_attribute',
    grain: 'one row per leaf category and attribute',
    description: 'The attributes 1688 defines for a leaf category (alibaba.category.attribute.get): what a product listing must or may fill in, which can make SKUs, and how it is entered. The allowed values are in dim_category_attribute_value.',
    primaryKey: ['category_id', 'attribute_id'],
    parentKey: ['category_id'],
    columns: cols([
      ['category_id', ID, false, 'Leaf category ID', '类目ID'],
      ['attribute_id', ID, false, 'Attribute ID (attrID)', '属性ID'],
      ['attribute_name', text(256), true, 'Attribute name', '属性名称'],
      ['is_required', BOOL, true, '1 when a listing must fill the attribute in', '是否必填'],
      ['is_sku_attribute', BOOL, true, '1 when the attribute can make SKUs (颜色, 尺码, …)', '是否SKU属性'],
      ['input_type', text(8), true, 'Input code as 1688 sends it: 0 text, -1 number, 1 dropdown, 2 checkbox, 3 radio, 4 list, 5 date', '输入类型代码'],
      ['input_type_label', text(16), true, 'input_type as a word: text, number, dropdown, checkbox, radio, list, date or other', '输入类型'],
      ['aspect', text(16), true, 'Aspect code as 1688 sends it (0 product, 3 trade, 5 SPU; seen with a trailing semicolon)', '属性类别代码'],
      ['aspect_label', text(32), true, 'aspect as words: product, trade, spu or other (comma-separated when several)', '属性类别'],
      ['field_type', text(16), true, 'Value type as 1688 sends it: int, string or enum', '字段类型'],
      ['units', text(256), true, 'Units the value may be given in, semicolon-separated (千克;克)', '单位'],
      ['parent_attribute_id', ID, true, 'The attribute this one depends on (asked only for one of its values); empty at the top level', '父属性ID'],
      ['parent_attribute_value_id', ID, true, 'The value of the parent attribute that asks for this one', '父属性值ID'],
      ['sort_order', INT, false, 'Position in the category\'s attribute list, from 1', '序号'],
      ['value_count', INT, false, 'Number of allowed values (0 for free input)', '可选值数'],
      ['modified_at', TS, true, 'Last change of the category the attribute belongs to (UTC)', '修改时间'],
    ]),
  },
  {
    name: 'dim_category_attribute_value',
    grain: 'one row per allowed value of a leaf category\'s attribute',
    description: 'The values a dropdown, checkbox, radio or list attribute allows, with their IDs (what an ERP maps its own colours and sizes to when it lists products). A table of its own rather than a JSON column: brands run to hundreds of values, and BI tools join rows, not JSON.',
    primaryKey: ['category_id', 'attribute_id', 'attribute_value_id'],
    parentKey: ['category_id'],
    columns: cols([
      ['category_id', ID, false, 'Leaf category ID', '类目ID'],
      ['attribute_id', ID, false, 'Attribute ID', '属性ID'],
      ['attribute_value_id', ID, false, 'Value ID (attrValueID)', '属性值ID'],
      ['value_name', text(256), true, 'Value', '属性值'],
      ['is_sku_value', BOOL, true, '1 when the value can be a SKU value', '是否SKU属性值'],
      ['child_attribute_ids', text(1024), true, 'Attributes asked for when this value is chosen, comma-separated IDs', '子属性ID'],
      ['sort_order', INT, false, 'Position in the attribute\'s value list, from 1', '序号'],
    ]),
  },
];

/** Messages that could not be read (warehouse version 7): kept whole, with the reason, and acknowledged. */
export const MESSAGE_REJECT: Table = {
  name: 'etl_message_reject',
  grain: 'one row per message that could not be parsed',
  description: 'Cloud Hub messages (AMQP or HTTP push) that hub-etl listen could not turn into a refresh: the raw body as received and why. They were acknowledged (a poison message must not block the queue); the scheduled runs still load whatever they pointed to.',
  primaryKey: ['id'],
  autoId: true,
  indexes: [['received_at']],
  operational: true,
  columns: cols([
    ['id', ID, false, 'Row ID', '编号'],
    ['transport', text(16), false, 'How it arrived: amqp or push', '通道'],
    ['topic', text(64), true, 'Topic (AMQP exchange) as far as it could be read', '主题'],
    ['tag', text(64), true, 'Tag (routing key or envelope type) as far as it could be read', '标签'],
    ['msg_id', text(32), true, 'msgId of the envelope, when it could be read', '消息ID'],
    ['body', LONGTEXT, false, 'The message body exactly as received', '原始消息'],
    ['reason', text(1024), false, 'Why it could not be parsed, naming the field', '原因'],
    ['received_at', TS, false, 'When hub-etl received it (UTC)', '接收时间'],
  ]),
};

export const OPERATIONS: Table[] = [
  {
    name: 'etl_run',
    grain: 'one row per stream run',
    description: 'Every run of a stream: its window and how many source rows it read, upserted, found unchanged or rejected (read = upserted + unchanged + rejected).',
    primaryKey: ['run_id'],
    indexes: [['stream', 'started_at']],
    operational: true,
    columns: cols([
      ['run_id', ID, false, 'Run ID', '批次号'],
      ['stream', text(64), false, 'Stream name', '数据流'],
      ['mode', text(16), false, 'incremental, full_refresh, backfill or refresh (specific entities: fetch, messages)', '模式'],
      ['status', text(16), false, 'running, succeeded, failed, interrupted (stopped after a committed batch on shutdown) or abandoned (its process died; found by the next run)', '状态'],
      ['started_at', TS, false, 'Start (UTC)', '开始时间'],
      ['finished_at', TS, true, 'End (UTC)', '结束时间'],
      ['window_start', text(32), true, 'Lower bound of the cursor window read (inclusive, source time zone)', '窗口起点'],
      ['window_end', text(32), true, 'Upper bound of the cursor window read (exclusive, source time zone)', '窗口终点'],
      ['rows_read', INT, false, 'Source rows read', '读取行数'],
      ['rows_upserted', INT, false, 'Source rows whose warehouse rows were written', '写入行数'],
      ['rows_unchanged', INT, false, 'Source rows already loaded in this version', '未变行数'],
      ['rows_rejected', INT, false, 'Source rows that could not be transformed (see etl_reject)', '拒绝行数'],
      ['error', LONGTEXT, true, 'Error that failed the run', '错误'],
      ['host', text(128), true, 'Host and process that ran it', '主机'],
      ['api_calls', INT, true, 'Requests the run sent to the 1688 API, retries included (NULL for a run that read the replica)', 'API调用次数'],
      ['api_retries', INT, true, 'API calls sent again after a failure that may heal (throttling, server errors, timeouts)', 'API重试次数'],
      ['api_throttled', INT, true, 'API answers that said the app called too often (HTTP 429, *FrequencyLimit, Throttling*)', 'API限流次数'],
    ]),
  },
  {
    name: 'etl_watermark',
    grain: 'one row per stream',
    description: 'How far each stream has loaded: every source row with a cursor below the watermark is in the warehouse. Written in the same transaction as the data.',
    primaryKey: ['stream'],
    operational: true,
    columns: cols([
      ['stream', text(64), false, 'Stream name', '数据流'],
      ['cursor_value', text(32), false, 'Cursor position (source time zone, as the replica stores it)', '游标值'],
      ['cursor_at', TS, true, 'The same position in UTC', '游标时间'],
      ['run_id', ID, false, 'Run that moved it last', '批次号'],
      ['updated_at', TS, false, 'When it moved (UTC)', '更新时间'],
      ['stream_version', INT, false, 'Version of the stream\'s transform that loaded the data', '转换版本'],
      ['source_clock_at', TS, true, 'The source\'s own clock (UTC) when the run that wrote this watermark read it; lag = source clock − watermark', '来源时钟'],
    ]),
  },
  {
    name: 'etl_reject',
    grain: 'one row per rejected source row',
    description: 'Source rows that could not be transformed: which field and why. Resolved when the row is fixed in the source and read again.',
    primaryKey: ['stream', 'source_key'],
    indexes: [['stream', 'resolved_at']],
    operational: true,
    columns: cols([
      ['stream', text(64), false, 'Stream name', '数据流'],
      ['source_key', text(128), false, 'Key of the source row (order_id, sub_item_id, refund_id, …)', '来源主键'],
      ['field', text(128), false, 'Field that failed', '字段'],
      ['reason', text(1024), false, 'Why it failed', '原因'],
      ['sample', LONGTEXT, true, 'Start of the offending value or blob', '样本'],
      ['first_seen_at', TS, false, 'First time rejected (UTC)', '首次出现'],
      ['last_seen_at', TS, false, 'Last time rejected (UTC)', '最近出现'],
      ['times_seen', INT, false, 'How many reads rejected it', '次数'],
      ['run_id', ID, false, 'Run that rejected it last', '批次号'],
      ['resolved_at', TS, true, 'When a fixed version loaded (UTC); empty while open', '解决时间'],
      ['resolved_run_id', ID, true, 'Run that loaded the fixed version', '解决批次'],
    ]),
  },
  {
    name: 'etl_row_state',
    grain: 'one row per loaded source row',
    description: 'Fingerprint and version of every source row loaded, so that re-read rows are recognised as unchanged and older versions never replace newer ones.',
    primaryKey: ['stream', 'source_key'],
    operational: true,
    columns: cols([
      ['stream', text(64), false, 'Stream name', '数据流'],
      ['source_key', text(128), false, 'Key of the source row', '来源主键'],
      ['parent_key', text(128), true, 'Key of the parent unit the row was loaded with (an order for its lines)', '父主键'],
      ['row_hash', text(32), false, 'Fingerprint of the source row and stream version', '指纹'],
      ['source_version', text(32), false, 'Cursor value of the version loaded', '来源版本'],
      ['run_id', ID, false, 'Run that loaded it', '批次号'],
    ]),
  },
  {
    name: 'etl_lock',
    grain: 'one row per stream',
    description: 'The lease that keeps two incremental or full-refresh runs of one stream from overlapping, whatever host or worker starts them: taken by a conditional update, renewed while the run goes on, free once released or expired.',
    primaryKey: ['stream'],
    operational: true,
    columns: cols([
      ['stream', text(64), false, 'Stream name', '数据流'],
      ['owner', text(160), false, 'Holder of the lease: host, process and a token of the run', '持有者'],
      ['acquired_at', TS, false, 'When the holder took the lease (UTC, warehouse clock)', '获取时间'],
      ['expires_at', TS, false, 'The lease is free from this instant unless renewed (UTC, warehouse clock)', '到期时间'],
      ['released_at', TS, true, 'When the holder gave the lease back (UTC); empty while held', '释放时间'],
      ['holder_host', text(128), true, 'Host name of the holder: a lease whose holder process on the same host is gone is taken over at once', '持有主机'],
      ['holder_pid', INT, true, 'Process id of the holder on its host', '持有进程号'],
    ]),
  },
  MESSAGE_REJECT,
  {
    name: 'etl_setting',
    grain: 'one row per setting of the installation',
    description: 'SECRET. Settings hub-etl keeps with the data it protects: pii_key, the key of the buyer hashes, generated on the first run when HUB_PII_KEY is not set. Never exported; readable by the hub-etl account alone. Changing the key changes every buyer_key (see README, Personal data).',
    primaryKey: ['name'],
    operational: true,
    access: 'secret',
    columns: cols([
      ['name', text(64), false, 'Setting name', '名称'],
      ['value', text(256), false, 'Its value', '值'],
      ['created_at', TS, false, 'When it was set (UTC)', '创建时间'],
    ]),
  },
];

export const ALL_TABLES: Table[] = [...FACTS_AND_DIMENSIONS, ...API_DIMENSIONS, ...OPERATIONS];

/** Tables of warehouse version 8, created by its migration on a warehouse of an earlier version. */
export const V8_TABLES = ['dim_product_attribute', 'fct_order_step', 'fct_refund_event', 'fct_invoice_registration', 'etl_setting'];

/** The columns a table holds in the database: its own plus lineage for facts and dimensions. */
export function physicalColumns(table: Table): Column[] {
  return table.operational ? table.columns : [...table.columns, ...LINEAGE];
}

export function tableNamed(name: string): Table {
  const t = ALL_TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown warehouse table ${name}`);
  return t;
}

/** The row type a transform emits for a table: column name to canonical value. */
export type WarehouseRow = Record<string, string | number | null>;
