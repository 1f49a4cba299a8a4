// transformOrder: one ali1688_order row (+ order_datas) -> fct_order and its fct_payment_term phases.
import crypto from 'node:crypto';
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformOrder } from '../transforms/order.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const KEY = 'test-key-of-the-buyer-hashes-0123456789';
/** Clear buyer ids here, as with --keep-buyer-ids; the hashing has its own tests below. */
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai', pii: { key: KEY, keepBuyerIds: true, invoiceRegistration: false } };
const hmac = (id: string) => crypto.createHmac('sha256', KEY).update(id).digest('hex');
type Blob = Record<string, unknown>;

function merge(base: Blob, over: Blob): Blob {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function tradeInfo(baseOver: Blob = {}, over: Blob = {}): Blob {
  const baseInfo = merge(
    {
      id: n('240517803316129440'),
      idOfStr: '240517803316129437',
      status: 'waitsellersend',
      createTime: '20240517093015000+0800',
      modifyTime: '20240517100000123+0800',
      payTime: '20240517093100000+0800',
      totalAmount: n('56.1'),
      sumProductPayment: n('58'),
      shippingFee: n('8'),
      refund: n('0'),
      couponFee: n('1.5'),
      discount: n('-190'),
      currency: 'RMB',
      buyerID: 'b2b-2200114455a1b2',
      sellerID: 'b2b-1100998877c3d4',
      alipayTradeId: 'UNCREATED',
      tradeType: '50060',
      refundStatus: 'waitselleragree',
    },
    baseOver,
  );
  return merge(
    {
      baseInfo,
      productItems: [
        { subItemIDString: '240517803316129438', itemAmount: n('0.1') },
        { subItemIDString: '240517803316129439', itemAmount: n('0.2') },
        { subItemIDString: '240517803316129441', itemAmount: n('47.8') },
      ],
      tradeTerms: [{ payStatus: '2', payWay: '1', payTime: '20240517093100000+0800', phasAmount: n('56.1'), phase: n('9223372036854775807') }],
      nativeLogistics: { logisticsItems: [] },
    },
    over,
  );
}

function row(over: Partial<SourceRow> = {}, blob: unknown = tradeInfo()): SourceRow {
  return {
    order_id: '240517803316129437',
    outter_id: null,
    create_time: '2024-05-17 09:30:15',
    modify_time: '2024-05-17 10:00:00',
    pay_time: null,
    all_delivered_time: null,
    complete_time: null,
    status: 'waitsellersend',
    seller_member_id: 'b2b-1100998877c3d4',
    buyer_member_id: 'b2b-2200114455a1b2',
    sum_product_payment: '58',
    alipay_trade_id: null,
    order_datas: stringify(blob)!,
    ...over,
  };
}

function run(r: SourceRow): TransformOutput {
  const out = transformOrder(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

test('A typical order becomes one fct_order row and its payment phases', (t) => {
  t.deepEqual(run(row()), {
    fct_order: [
      {
        order_id: '240517803316129437',
        buyer_member_id: 'b2b-2200114455a1b2',
        seller_member_id: 'b2b-1100998877c3d4',
        status: 'waitsellersend',
        total_amount: '56.10',
        sum_product_payment: '58.00',
        shipping_fee: '8.00',
        discount_amount: '-1.90',
        refund_amount: '0.00',
        currency: 'CNY',
        trade_type: '50060',
        alipay_trade_id: null,
        line_count: 3,
        created_at: '2024-05-17 01:30:15.000',
        paid_at: '2024-05-17 01:31:00.000',
        shipped_at: null,
        completed_at: null,
        modified_at: '2024-05-17 02:00:00.123',
        order_date: '2024-05-17',
        item_amount: '48.10',
        coupon_fee: '1.50',
        refund_status: 'waitselleragree',
        outer_order_id: null,
        is_total_mismatch: 0,
        buyer_key: hmac('b2b-2200114455a1b2'),
        in_sale_refund_status: 'waitselleragree',
        after_sales_refund_status: null,
        reported_discount_amount: '-1.90',
        line_discount_amount: null,
        trade_type_code: null,
        trade_type_desc: null,
        business_type: null,
        close_reason: null,
        closed_by: null,
        received_at: null,
        confirmed_at: null,
        account_period_due_at: null,
        ship_to_province: null,
        ship_to_city: null,
        ship_to_district: null,
        ship_to_district_code: null,
      },
    ],
    fct_payment_term: [
      { order_id: '240517803316129437', phase: '9223372036854775807', amount: '56.10', pay_status: '2', pay_way: '1', paid_at: '2024-05-17 01:31:00.000' },
    ],
    fct_order_step: [],
  });
});

const cases: Array<{ title: string; row: SourceRow; order?: Record<string, string | number | null>; terms?: unknown[] | 'absent' }> = [
  {
    title: '0.1 + 0.2 in item amounts sums to exactly 0.30',
    row: row({}, tradeInfo({ totalAmount: n('0.3'), shippingFee: n('0') }, { productItems: [{ itemAmount: n('0.1') }, { itemAmount: '0.2' }] })),
    order: { item_amount: '0.30', is_total_mismatch: 0, line_count: 2 },
  },
  {
    title: 'A total that differs from lines plus shipping is flagged, not refused',
    row: row({}, tradeInfo({ totalAmount: n('99') })),
    order: { total_amount: '99.00', is_total_mismatch: 1 },
  },
  {
    title: 'Without discount the discount is goods value minus paid line amounts',
    row: row({}, tradeInfo({ discount: undefined })),
    order: { discount_amount: '9.90' },
  },
  {
    title: 'The discount in fen is converted exactly (1 fen)',
    row: row({}, tradeInfo({ discount: n('1') })),
    order: { discount_amount: '0.01' },
  },
  {
    title: 'An Alipay trade id is kept once the order is paid',
    row: row({}, tradeInfo({ alipayTradeId: '2024051722001412345678901234' })),
    order: { alipay_trade_id: '2024051722001412345678901234' },
  },
  {
    title: 'An empty Alipay trade id is absent',
    row: row({ alipay_trade_id: '' }, tradeInfo({ alipayTradeId: '' })),
    order: { alipay_trade_id: null },
  },
  {
    title: 'The order date is the local date in the source zone, the day after the UTC date',
    row: row({}, tradeInfo({ createTime: '20240517003000000+0800' })),
    order: { created_at: '2024-05-16 16:30:00.000', order_date: '2024-05-17' },
  },
  {
    title: 'A creation time with -0700 lands on the right UTC instant and Shanghai date',
    row: row({ create_time: '2024-05-18 00:30:15' }, tradeInfo({ createTime: '20240517093015123-0700' })),
    order: { created_at: '2024-05-17 16:30:15.123', order_date: '2024-05-18' },
  },
  {
    title: 'The order date is the store\'s day of the create_time column, the instant its lines see, even when the blob disagrees',
    row: row({ create_time: '2024-05-17 23:59:59' }, tradeInfo({ createTime: '20240518000500000+0800' })),
    order: { created_at: '2024-05-17 16:05:00.000', order_date: '2024-05-17' },
  },
  {
    title: 'Without baseInfo.createTime the create_time column gives the time and the date',
    row: row({ create_time: '2024-05-17 00:10:00' }, tradeInfo({ createTime: undefined })),
    order: { created_at: '2024-05-16 16:10:00.000', order_date: '2024-05-17' },
  },
  {
    title: 'The columns fill in times, members and the goods value the blob lacks',
    row: row(
      { pay_time: '2024-05-17 09:31:00', all_delivered_time: '2024-05-18 08:00:00', complete_time: '2024-05-25 08:00:00', outter_id: 'EXT-1', sum_product_payment: '58.5' },
      tradeInfo({ payTime: undefined, buyerID: undefined, sellerID: '', sumProductPayment: undefined }),
    ),
    order: {
      paid_at: '2024-05-17 01:31:00.000', shipped_at: '2024-05-18 00:00:00.000', completed_at: '2024-05-25 00:00:00.000',
      buyer_member_id: 'b2b-2200114455a1b2', seller_member_id: 'b2b-1100998877c3d4', outer_order_id: 'EXT-1', sum_product_payment: '58.50',
    },
  },
  {
    title: 'An empty sum_product_payment column with none in the blob is absent',
    row: row({ sum_product_payment: '' }, tradeInfo({ sumProductPayment: undefined, discount: undefined })),
    order: { sum_product_payment: null, discount_amount: null },
  },
  {
    title: 'The after-sales refund status stands in when there is no in-sale one',
    row: row({}, tradeInfo({ refundStatus: undefined, refundStatusForAs: 'refundsuccess' })),
    order: { refund_status: 'refundsuccess' },
  },
  {
    title: 'A line without itemAmount leaves item_amount unknown and the total unflagged',
    row: row({}, tradeInfo({}, { productItems: [{ itemAmount: n('1') }, { price: n('2') }] })),
    order: { item_amount: null, is_total_mismatch: 0, line_count: 2 },
  },
  {
    title: 'An order wrapped in result and a one-element array is unwrapped',
    row: row({}, { result: [tradeInfo()] }),
    order: { order_id: '240517803316129437', line_count: 3 },
  },
  {
    title: 'A list of orders is searched for the one whose idOfStr is the column',
    row: row({}, [tradeInfo({ idOfStr: '1' }), tradeInfo()]),
    order: { order_id: '240517803316129437' },
  },
  {
    title: 'An order without tradeTerms has no payment phases (the key is present, empty)',
    row: row({}, tradeInfo({}, { tradeTerms: undefined })),
    terms: [],
  },
  {
    title: 'Installment phases become one row each; an exact repeat is dropped',
    row: row({}, tradeInfo({}, {
      tradeTerms: [
        { payStatus: '2', payWay: '7', phase: n('1'), phasAmount: n('20') },
        { payStatus: '1', payWay: '7', phase: '2', phasAmount: '36.1', payTime: '' },
        { payStatus: '1', payWay: '7', phase: '2', phasAmount: '36.1', payTime: '' },
      ],
    })),
    terms: [
      { order_id: '240517803316129437', phase: '1', amount: '20.00', pay_status: '2', pay_way: '7', paid_at: null },
      { order_id: '240517803316129437', phase: '2', amount: '36.10', pay_status: '1', pay_way: '7', paid_at: null },
    ],
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    const order = out.fct_order![0]!;
    for (const [k, v] of Object.entries(c.order ?? {})) t.is(order[k], v, k);
    if (c.terms === 'absent') t.false('fct_payment_term' in out);
    else if (c.terms) t.deepEqual(out.fct_payment_term, c.terms);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string; says?: RegExp }> = [
  { title: 'Malformed JSON is a DataError on order_datas', row: row({ order_datas: '{"baseInfo":' }), field: 'order_datas', says: /valid JSON/ },
  { title: 'An empty order_datas is a DataError: the lines and amounts are unknowable', row: row({ order_datas: '{}' }), field: 'order_datas' },
  { title: 'A blob without baseInfo is a DataError', row: row({}, { productItems: [] }), field: 'order_datas.baseInfo', says: /required/ },
  { title: 'A blob without productItems is a DataError', row: row({}, tradeInfo({}, { productItems: undefined })), field: 'order_datas.productItems', says: /required/ },
  { title: 'An idOfStr that contradicts the order_id column is a DataError', row: row({}, tradeInfo({ idOfStr: '240517803316129440' })), field: 'order_datas.baseInfo.idOfStr' },
  { title: 'A totalAmount of "abc" is a DataError', row: row({}, tradeInfo({ totalAmount: 'abc' })), field: 'order_datas.baseInfo.totalAmount', says: /found "abc"/ },
  { title: 'A totalAmount with three decimals is a DataError', row: row({}, tradeInfo({ totalAmount: n('56.105') })), field: 'order_datas.baseInfo.totalAmount', says: /at most 2 decimals/ },
  { title: 'A fractional discount in fen is a DataError', row: row({}, tradeInfo({ discount: n('1.5') })), field: 'order_datas.baseInfo.discount', says: /whole number of fen/ },
  { title: 'A bad itemAmount names its line', row: row({}, tradeInfo({}, { productItems: [{ itemAmount: n('1') }, { itemAmount: {} }] })), field: 'order_datas.productItems[1].itemAmount' },
  { title: 'An unknown order status is a DataError', row: row({}, tradeInfo({ status: 'paid' })), field: 'order_datas.baseInfo.status' },
  { title: 'An unknown refund status is a DataError', row: row({}, tradeInfo({ refundStatus: 'refunding' })), field: 'order_datas.baseInfo.refundStatus' },
  { title: 'A phase that is an object is a DataError naming the term', row: row({}, tradeInfo({}, { tradeTerms: [{ phase: { a: 1 } }] })), field: 'order_datas.tradeTerms[0].phase' },
  { title: 'A term without phase is a DataError: it is the key', row: row({}, tradeInfo({}, { tradeTerms: [{ payStatus: '1' }] })), field: 'order_datas.tradeTerms[0].phase', says: /required/ },
  { title: 'Two different terms for one phase are a DataError', row: row({}, tradeInfo({}, { tradeTerms: [{ phase: '1', payStatus: '1' }, { phase: '1', payStatus: '2' }] })), field: 'order_datas.tradeTerms', says: /two different entries for phase 1/ },
  { title: 'A creation time that is no time is a DataError', row: row({}, tradeInfo({ createTime: 'soon' })), field: 'order_datas.baseInfo.createTime' },
  { title: 'Without any modify time the order is a DataError', row: row({ modify_time: null }, tradeInfo({ modifyTime: undefined })), field: 'order_datas.baseInfo.modifyTime' },
  { title: 'An order_id above 2^63 is a DataError', row: row({ order_id: '9923372036854775807' }), field: 'order_id' },
  { title: 'A buyer memberId longer than 128 characters is a DataError', row: row({}, tradeInfo({ buyerID: 'b'.repeat(129) })), field: 'order_datas.baseInfo.buyerID' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformOrder(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
    if (c.says) t.regex(err.reason, c.says);
  });
}
