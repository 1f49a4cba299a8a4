// transformOrder, warehouse version 8: buyer keys, split refund statuses, the two discounts, trade type,
// closing, receipt, account period, ship-to area, installment steps and the three zones.
import crypto from 'node:crypto';
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformOrder } from '../transforms/order.js';
import { transformOrderLine } from '../transforms/order-line.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const KEY = 'test-key-of-the-buyer-hashes-0123456789';
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai', pii: { key: KEY, keepBuyerIds: false, invoiceRegistration: false } };
const hmac = (id: string, key = KEY) => crypto.createHmac('sha256', key).update(id).digest('hex');
type Blob = Record<string, unknown>;

const RECEIVER = { toFullName: '王伟', toMobile: '13912345678', toPhone: '0571-88886666', toPost: '310000', toDivisionCode: '330106', toArea: '浙江省 杭州市 西湖区 文三路100号' };

function blob(base: Blob = {}, over: Blob = {}): Blob {
  return {
    baseInfo: {
      idOfStr: '240517803316129437', status: 'success', createTime: '20240517093015000+0800', modifyTime: '20240525031507000+0800',
      totalAmount: n('56'), sumProductPayment: n('60'), shippingFee: n('8'), discount: n('-400'), buyerID: 'b2b-2200114455a1b2',
      sellerID: 'b2b-1100998877c3d4', currency: 'RMB', receiverInfo: RECEIVER,
      buyerContact: { name: '王伟', mobile: '13912345678', phone: '0571-88886666', companyName: '杭州恒达五金有限公司' },
      buyerMemo: '请联系13912345678', sellerMemo: '王伟要发票', ...base,
    },
    productItems: [
      { subItemIDString: '240517803316129438', price: n('10'), quantity: n('2'), itemAmount: n('18') },
      { subItemIDString: '240517803316129439', price: n('0.3333'), quantity: n('120'), itemAmount: n('30') },
    ],
    nativeLogistics: { province: '浙江省', city: '杭州市', area: '西湖区', areaCode: '330106', address: '文三路100号', contactPerson: '王伟', mobile: '13912345678', zip: '310000' },
    tradeTerms: [],
    ...over,
  };
}

function row(b: unknown = blob(), over: Partial<SourceRow> = {}): SourceRow {
  return {
    order_id: '240517803316129437', outter_id: null, create_time: '2024-05-17 09:30:15', modify_time: '2024-05-25 03:15:07', pay_time: null,
    all_delivered_time: null, complete_time: null, status: 'success', seller_member_id: 'b2b-1100998877c3d4', buyer_member_id: 'b2b-2200114455a1b2',
    sum_product_payment: '60', alipay_trade_id: null, order_datas: stringify(b)!, ...over,
  };
}

function run(r: SourceRow, c: TransformContext = ctx): TransformOutput {
  const out = transformOrder(r, c);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}
const order = (r: SourceRow, c?: TransformContext) => run(r, c).fct_order![0]!;

test('The buyer memberId is loaded as its keyed hash in buyer_member_id and buyer_key by default', (t) => {
  const o = order(row());
  t.is(o.buyer_key, hmac('b2b-2200114455a1b2'));
  t.is(o.buyer_member_id, o.buyer_key);
  t.regex(String(o.buyer_key), /^[0-9a-f]{64}$/);
});

test('With keepBuyerIds the clear memberId stays in buyer_member_id and buyer_key is the same hash', (t) => {
  const o = order(row(), { ...ctx, pii: { key: KEY, keepBuyerIds: true, invoiceRegistration: false } });
  t.is(o.buyer_member_id, 'b2b-2200114455a1b2');
  t.is(o.buyer_key, hmac('b2b-2200114455a1b2'));
});

test('The same buyer gets the same key on every order; another key gives other values', (t) => {
  const a = order(row());
  const b = order(row(blob({ idOfStr: '240517803316129440' }), { order_id: '240517803316129440' }));
  const other = order(row(), { ...ctx, pii: { key: `${KEY}-rotated`, keepBuyerIds: false, invoiceRegistration: false } });
  t.is(a.buyer_key, b.buyer_key);
  t.not(a.buyer_key, other.buyer_key);
  t.is(other.buyer_key, hmac('b2b-2200114455a1b2', `${KEY}-rotated`));
});

test('Without personal-data settings the transform refuses to run (a programming error, not a bad row)', (t) => {
  const err = t.throws(() => transformOrder(row(), { sourceTz: 'Asia/Shanghai' }));
  t.false(err instanceof DataError);
  t.regex(err!.message, /personal-data settings/);
});

test('Nothing of the receiver but province, city, district and its code reaches the order row', (t) => {
  const out = run(row());
  const o = out.fct_order![0]!;
  t.like(o, { ship_to_province: '浙江省', ship_to_city: '杭州市', ship_to_district: '西湖区', ship_to_district_code: '330106' });
  const text = JSON.stringify(out);
  for (const personal of ['王伟', '13912345678', '0571-88886666', '文三路', '310000', 'b2b-2200114455a1b2']) t.false(text.includes(personal), personal);
});

const cases: Array<{ title: string; row: SourceRow; c?: TransformContext; want: Record<string, string | number | null> }> = [
  {
    title: 'An after-sales refund status no longer hides behind an in-sale one',
    row: row(blob({ refundStatus: 'refundclose', refundStatusForAs: 'waitselleragree' })),
    want: { in_sale_refund_status: 'refundclose', after_sales_refund_status: 'waitselleragree', refund_status: 'refundclose' },
  },
  {
    title: 'Only an after-sales refund: the in-sale status is empty, the deprecated column keeps its old meaning',
    row: row(blob({ refundStatusForAs: 'REFUND_SUCCESS' })),
    want: { in_sale_refund_status: null, after_sales_refund_status: 'refundsuccess', refund_status: 'refundsuccess' },
  },
  {
    title: 'The reported discount is 1688\'s, the line discount is price × quantity − paid summed over lines',
    // 20.00 − 18 + round(39.996) 40.00 − 30 = 12.00; 1688 reports −4.00.
    row: row(),
    want: { reported_discount_amount: '-4.00', line_discount_amount: '12.00', discount_amount: '-4.00' },
  },
  {
    title: 'A line without its price leaves the line discount unknown',
    row: row(blob({}, { productItems: [{ itemAmount: n('18'), quantity: n('2') }] })),
    want: { line_discount_amount: null },
  },
  {
    title: 'Trade type code, description and business type are kept as 1688 writes them',
    row: row(blob({ tradeType: '50060', tradeTypeCode: 'assureTrade', tradeTypeDesc: '担保交易', businessType: 'ws' })),
    want: { trade_type: '50060', trade_type_code: 'assureTrade', trade_type_desc: '担保交易', business_type: 'ws' },
  },
  {
    title: 'A closed order says why and who closed it; phone numbers in the reason are masked',
    row: row(blob({ status: 'cancel', closeReason: '买家要求取消，电话13912345678', closeOperateType: 'CLOSE_TRADE_BY_BUYER', closeRemark: '王伟来电' })),
    want: { close_reason: '买家要求取消，电话***', closed_by: 'buyer' },
  },
  {
    title: 'An unknown closeOperateType is kept as written',
    row: row(blob({ status: 'cancel', closeOperateType: 'CLOSE_TRADE_BY_ROBOT' })),
    want: { closed_by: 'CLOSE_TRADE_BY_ROBOT' },
  },
  {
    title: 'Received and confirmed times are UTC instants',
    row: row(blob({ receivingTime: '20240520100000000+0800', confirmedTime: '20240521080000000+0800' })),
    want: { received_at: '2024-05-20 02:00:00.000', confirmed_at: '2024-05-21 00:00:00.000' },
  },
  {
    title: 'The account-period due time is China time whatever the replica\'s zone',
    row: row(blob({}, { orderBizInfo: { accountPeriodTime: '2024-06-16 03:15:07' } }), { create_time: '2024-05-17 01:30:15', modify_time: '2024-05-24 19:15:07' }),
    c: { ...ctx, sourceTz: 'UTC' },
    want: { account_period_due_at: '2024-06-15 19:15:07.000' },
  },
  {
    title: 'Without nativeLogistics the district code comes from receiverInfo.toDivisionCode',
    row: row(blob({}, { nativeLogistics: undefined })),
    want: { ship_to_province: null, ship_to_district_code: '330106' },
  },
  {
    title: 'A town code is cut to its district',
    row: row(blob({}, { nativeLogistics: { areaCode: '330106012' } })),
    want: { ship_to_district_code: '330106' },
  },
  {
    title: 'The order date is the day in the store\'s zone of the create_time column read in the replica\'s zone',
    row: row(blob(), { create_time: '2024-05-17 17:30:15' }),
    c: { ...ctx, sourceTz: 'UTC' },
    want: { order_date: '2024-05-18' },
  },
  {
    title: 'A store keeping UTC days sees the same instant on the UTC day',
    row: row(blob(), { create_time: '2024-05-18 01:30:15' }),
    c: { ...ctx, storeTz: 'UTC' },
    want: { order_date: '2024-05-17' },
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const o = order(c.row, c.c);
    for (const [k, v] of Object.entries(c.want)) t.is(o[k], v, k);
  });
}

test('An order and its lines show the same order date whatever the three zones', (t) => {
  const line = (c: TransformContext) => transformOrderLine({
    order_id: '240517803316129437', sub_item_id: '240517803316129438', status: 'success', quantity: '2', unit: '件', product_id: '612345000001',
    product_cargo_number: null, cargo_number: null, sku_id: null, refund_id: null, refund_id_for_as: null, refund: '0.000',
    order_line_data: stringify({ subItemIDString: '240517803316129438', price: n('10'), quantity: n('2'), itemAmount: n('18'), gmtCreate: '20240518003015000+0800' })!,
    parent_create_time: '2024-05-17 16:30:15', parent_modify_time: '2024-05-25 03:15:07',
  }, c).fct_order_line![0]!;
  for (const sourceTz of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles']) {
    for (const storeTz of ['Asia/Shanghai', 'UTC', 'Pacific/Auckland']) {
      const c: TransformContext = { ...ctx, sourceTz, storeTz };
      const o = order(row(blob(), { create_time: '2024-05-17 16:30:15' }), c);
      t.is(line(c).order_date, o.order_date, `${sourceTz} / ${storeTz}`);
    }
  }
});

test('newStepOrderList (交易4.0) gives one row per step with its amounts and payment', (t) => {
  const out = run(row(blob({
    newStepOrderList: [
      { stepNo: 1, stepName: '首款', payStatus: 2, payFee: n('30.5'), paidFee: n('30.5'), postFee: n('8'), gmtPay: '20240517100000000+0800', lastStep: false },
      { stepNo: 2, stepName: '尾款', payStatus: 1, payFee: n('25.5'), paidFee: n('0'), postFee: n('0'), lastStep: true },
    ],
    stepOrderList: [{ stepNo: 9 }],
  })));
  t.deepEqual(out.fct_order_step, [
    { order_id: '240517803316129437', step_no: 1, step_name: '首款', pay_status: '2', due_amount: '30.50', paid_amount: '30.50', postage_amount: '8.00', paid_at: '2024-05-17 02:00:00.000', is_last_step: 0, step_source: 'newStepOrderList' },
    { order_id: '240517803316129437', step_no: 2, step_name: '尾款', pay_status: '1', due_amount: '25.50', paid_amount: '0.00', postage_amount: '0.00', paid_at: null, is_last_step: 1, step_source: 'newStepOrderList' },
  ]);
});

test('stepOrderList (交易3.0) steps take actualPayFee (shipping included) as the amount due', (t) => {
  const out = run(row(blob({
    newStepOrderList: null,
    stepOrderList: [{ stepOrderId: n('812345678123456789'), stepNo: '1', stepName: '首款', stepPayStatus: 2, payFee: n('22.5'), actualPayFee: n('30.5'), postFee: n('8'), payTime: '20240517100000000+0800', lastStep: 'false' }],
  })));
  t.like(out.fct_order_step![0], { step_no: 1, due_amount: '30.50', paid_amount: null, pay_status: '2', paid_at: '2024-05-17 02:00:00.000', step_source: 'stepOrderList' });
});

const errors: Array<{ title: string; row: SourceRow; field: string }> = [
  { title: 'A district code that is no 6-digit code is a DataError', row: row(blob({}, { nativeLogistics: { areaCode: '浙江' } })), field: 'order_datas.nativeLogistics.areaCode' },
  { title: 'A step without its number is a DataError naming the step', row: row(blob({ newStepOrderList: [{ stepName: '首款' }] })), field: 'order_datas.baseInfo.newStepOrderList[0].stepNo' },
  { title: 'Two different steps with one number are a DataError', row: row(blob({ newStepOrderList: [{ stepNo: 1, payStatus: 1 }, { stepNo: 1, payStatus: 2 }] })), field: 'order_datas.baseInfo.newStepOrderList' },
  { title: 'An accountPeriodTime that is no time is a DataError', row: row(blob({}, { orderBizInfo: { accountPeriodTime: 'next month' } })), field: 'order_datas.orderBizInfo.accountPeriodTime' },
  { title: 'An unknown after-sales refund status is a DataError', row: row(blob({ refundStatusForAs: 'refunding' })), field: 'order_datas.baseInfo.refundStatusForAs' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformOrder(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
  });
}
