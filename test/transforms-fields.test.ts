// Warehouse version 8 in the product, category, refund, invoice, shipment and tracking transforms: the new
// columns and tables, one meaning per column, and no buyer's personal data in what they write.
import crypto from 'node:crypto';
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { transformCategory } from '../transforms/category.js';
import { outputProblems } from '../transforms/contract.js';
import { transformInvoice } from '../transforms/invoice.js';
import { transformProduct } from '../transforms/product.js';
import { transformRefund } from '../transforms/refund.js';
import { transformShipment } from '../transforms/shipment.js';
import { transformShipmentEvents } from '../transforms/shipment-events.js';
import type { SourceRow, Transform, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const KEY = 'test-key-of-the-buyer-hashes-0123456789';
const pii = { key: KEY, keepBuyerIds: false, invoiceRegistration: false };
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai', pii };
const withRegistration: TransformContext = { ...ctx, pii: { ...pii, invoiceRegistration: true } };

function run(f: Transform, r: SourceRow, c: TransformContext = ctx): TransformOutput {
  const out = f(r, c);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Products

function product(info: Record<string, unknown>, over: Partial<SourceRow> = {}): SourceRow {
  return {
    product_id: '620012345678', quality_level: '4', subject: '不锈钢保温杯', category_id: '1031910', category_name: '保温杯', product_cargo_number: 'A-100',
    sku_cargo_numbers: null, status: 'published', create_time: '2023-01-02 03:04:05', last_update_time: '2024-05-17 09:30:15',
    last_repost_time: '2024-04-01 10:00:00', approved_time: '2023-01-03 08:00:00', expire_time: null,
    product_datas: stringify({ productInfo: { productID: n('620012345678'), status: 'published', ...info }, lastRepostTime: '20240401100000000+0800' })!,
    ...over,
  };
}

test('A product gets its repost and approval times, store categories, weight, freight template and attributes', (t) => {
  const out = run(transformProduct, product({
    groupID: [n('123456789'), n('0'), n('987654321')],
    shippingInfo: { unitWeight: n('0.125'), freightTemplateID: n('23456789') },
    saleInfo: { amountOnSale: n('1234.0'), quoteType: n('0') },
    skuInfos: [{ skuId: n('4890123456789'), cargoNumber: 'A-100-01' }, { skuId: n('4890123456790'), cargoNumber: 'A-100-02' }],
    attributes: [
      { attributeID: n('2176'), attributeName: '品牌', value: '恒达' },
      { attributeID: n('287'), attributeName: '材质', value: '不锈钢' },
      { attributeID: n('287'), attributeName: '材质', value: '塑料' },
      { attributeName: '自定义', value: '加厚' },
      { attributeID: n('1957'), attributeName: '产地', value: '' },
    ],
  }));
  t.like(out.dim_product![0], {
    reposted_at: '2024-04-01 02:00:00.000', approved_at: '2023-01-03 00:00:00.000', store_category_id: '123456789', store_category_ids: '123456789,987654321',
    sku_cargo_numbers: 'A-100-01,A-100-02', amount_on_sale: 1234, unit_weight_kg: '0.125000', freight_template_id: '23456789',
  });
  t.deepEqual(out.dim_product_attribute, [
    { product_id: '620012345678', attribute_seq: 1, attribute_id: '2176', name: '品牌', value: '恒达' },
    { product_id: '620012345678', attribute_seq: 2, attribute_id: '287', name: '材质', value: '不锈钢' },
    { product_id: '620012345678', attribute_seq: 3, attribute_id: '287', name: '材质', value: '塑料' },
    { product_id: '620012345678', attribute_seq: 4, attribute_id: null, name: '自定义', value: '加厚' },
  ]);
});

test('A product without SKUs gives its stock from saleInfo.amountOnSale and no SKU rows', (t) => {
  const out = run(transformProduct, product({ saleInfo: { amountOnSale: n('350.0'), quoteType: n('0') } }));
  t.like(out.dim_product![0], { amount_on_sale: 350, sku_count: 0, sku_cargo_numbers: null });
  t.deepEqual(out.dim_sku, []);
});

test('Without its blob a product still gets the SKU item numbers of the replica column and its times', (t) => {
  const out = run(transformProduct, product({}, { product_datas: null, sku_cargo_numbers: 'A-100-01,A-100-02' }));
  t.like(out.dim_product![0], { sku_cargo_numbers: 'A-100-01,A-100-02', reposted_at: '2024-04-01 02:00:00.000', approved_at: '2023-01-03 00:00:00.000', amount_on_sale: null });
  t.deepEqual(Object.keys(out), ['dim_product']);
});

test('A groupID given as one id or a comma-separated text is read too', (t) => {
  t.like(run(transformProduct, product({ groupID: n('55') })).dim_product![0], { store_category_id: '55', store_category_ids: '55' });
  t.like(run(transformProduct, product({ groupID: '55,66' })).dim_product![0], { store_category_id: '55', store_category_ids: '55,66' });
});

test('A unit weight with more than 6 decimals, or a fractional stock, is a DataError naming the field', (t) => {
  t.is(t.throws(() => transformProduct(product({ shippingInfo: { unitWeight: n('0.0000001') } }), ctx), { instanceOf: DataError }).field, 'product_datas.productInfo.shippingInfo.unitWeight');
  t.is(t.throws(() => transformProduct(product({ saleInfo: { amountOnSale: n('12.5') } }), ctx), { instanceOf: DataError }).field, 'product_datas.productInfo.saleInfo.amountOnSale');
});

// ---------------------------------------------------------------------------------------------
// Categories

function category(over: Partial<SourceRow> = {}): SourceRow {
  return {
    category_id: '1031910', category_name: '保温杯', is_leaf: 'Y', attributes: '', category_level: '3', category1_id: '10', category2_id: '1031', category3_id: '1031910',
    category1_name: '家居百货', category2_name: '水具酒具', category3_name: '保温杯', user_category_id: '12345678', user_category_name: '热销推荐',
    create_datetime: '2020-03-01 08:00:00', modify_datetime: '2024-05-18 00:30:15', ...over,
  };
}

test('A category carries the store\'s own category the replica sets on it', (t) => {
  t.like(run(transformCategory, category()).dim_category![0], { user_category_id: '12345678', user_category_name: '热销推荐', level: 3 });
});

test('A level that contradicts the ids is a DataError: category{level}_id must be the category itself', (t) => {
  const err = t.throws(() => transformCategory(category({ category_level: '2' }), ctx), { instanceOf: DataError });
  t.is(err.field, 'category_level');
  t.regex(err.reason, /category2_id to be the category itself \(1031910\) at level 2, found 1031/);
});

// ---------------------------------------------------------------------------------------------
// Refunds

function refund(model: Record<string, unknown> | null, over: Partial<SourceRow> = {}): SourceRow {
  return {
    refund_id: 'TQ20240517001', status: 'waitbuyermodify', gmt_create: '2024-05-18 10:15:00', gmt_modified: '2024-05-19 03:00:00', gmt_apply: '2024-05-18 10:15:00',
    gmt_completed: null, order_id: '240517803316129437', buyer_member_id: 'b2b-2200114455a1b2', refund_payment: '600',
    order_refund_data: model === null ? null : stringify({ refundId: 'TQ20240517001', status: 'waitbuyermodify', buyerMemberId: 'b2b-2200114455a1b2', ...model })!,
    ...over,
  };
}

const OPS = [
  { id: n('4123456010000001'), operatorRoleId: n('2'), operatorLoginId: '恒达五金', beforeOperateStatus: 'waitselleragree', afterOperateStatus: 'waitbuyermodify', gmtCreate: '20240518150000000+0800', remark: '拒绝' },
  { id: n('4123456010000000'), operatorRoleId: 1, operatorLoginId: '王伟的店', beforeOperateStatus: null, afterOperateStatus: 'WAIT_SELLER_AGREE', gmtCreate: '20240518101500000+0800', remark: '王伟申请退款，电话13912345678' },
  { operatorRoleId: n('7'), afterOperateStatus: 'somethingnew', remark: '' },
];

test('A refund gets its history, reasons, refusals, time-out, 7-day flag and return waybill', (t) => {
  const out = run(transformRefund, refund({
    disputeType: n('2'), applyReasonId: n('20003'), applyReason: '质量问题，请回电13912345678', rejectReason: '已发货，请致电 0579-85551234', rejectReasonId: n('301'),
    rejectTimes: n('1'), gmtTimeOut: '20240523150000000+0800', extInfo: { payMode: 'alipay', '7d': 'true' }, freightBill: 'YT1234567890123', buyerLogisticsName: '圆通速递',
    refundOperationList: OPS,
  }));
  t.like(out.fct_refund![0], {
    dispute_type: 2, is_after_sales: 1, apply_reason_id: 20003, reason: '质量问题，请回电***', reject_reason: '已发货，请致电 ***', reject_reason_id: 301, reject_count: 1,
    timeout_at: '2024-05-23 07:00:00.000', is_seven_day_return: 1, return_bill_no: 'YT1234567890123', return_carrier_name: '圆通速递',
  });
  t.deepEqual(out.fct_refund_event, [
    { refund_id: 'TQ20240517001', event_seq: 1, order_id: '240517803316129437', operation_id: '4123456010000000', event_at: '2024-05-18 02:15:00.000', status_before: null, status_after: 'waitselleragree', operator_role: 'buyer', operator_role_id: 1 },
    { refund_id: 'TQ20240517001', event_seq: 2, order_id: '240517803316129437', operation_id: '4123456010000001', event_at: '2024-05-18 07:00:00.000', status_before: 'waitselleragree', status_after: 'waitbuyermodify', operator_role: 'seller', operator_role_id: 2 },
    { refund_id: 'TQ20240517001', event_seq: 3, order_id: '240517803316129437', operation_id: null, event_at: null, status_before: null, status_after: 'somethingnew', operator_role: '7', operator_role_id: 7 },
  ]);
  const text = JSON.stringify(out);
  for (const personal of ['王伟', '13912345678', 'b2b-2200114455a1b2', '恒达五金']) t.false(text.includes(personal), personal);
});

test('Without disputeType the refund\'s kind is unknown (dispute_type empty), the deprecated flag stays 0', (t) => {
  t.like(run(transformRefund, refund({})).fct_refund![0], { dispute_type: null, is_after_sales: 0 });
});

test('A refund\'s buyer is hashed like an order\'s, and kept clear only with keepBuyerIds', (t) => {
  const hash = crypto.createHmac('sha256', KEY).update('b2b-2200114455a1b2').digest('hex');
  t.like(run(transformRefund, refund({})).fct_refund![0], { buyer_member_id: hash, buyer_key: hash });
  t.like(run(transformRefund, refund(null), { ...ctx, pii: { ...pii, keepBuyerIds: true } }).fct_refund![0], { buyer_member_id: 'b2b-2200114455a1b2', buyer_key: hash });
});

test('A disputeType of 3 and an operation that is no object are DataErrors naming the field', (t) => {
  t.is(t.throws(() => transformRefund(refund({ disputeType: n('3') }), ctx), { instanceOf: DataError }).field, 'order_refund_data.disputeType');
  t.is(t.throws(() => transformRefund(refund({ refundOperationList: ['x'] }), ctx), { instanceOf: DataError }).field, 'order_refund_data.refundOperationList[0]');
});

// ---------------------------------------------------------------------------------------------
// Invoices

function invoice(data: Record<string, unknown>, type = '1'): SourceRow {
  return {
    order_id: '240517803316129437', invoice_type: type, local_invoice_id: '88001',
    invoice_data: stringify({ localInvoiceId: n('88001'), invoiceType: n(type), amount: n('615'), status: 'INIT', receiveName: '王伟', receiveMobile: '13912345678', receiveStreet: '文三路100号', ...data })!,
    parent_create_time: '2024-05-17 09:30:15', parent_modify_time: '2024-05-17 10:00:00',
  };
}

const VAT = {
  invoiceCompanyName: '杭州恒达五金有限公司', taxpayerIdentify: '91330106MA2XXXXX0X', registerCode: '330106', registerCodeText: '浙江省杭州市西湖区',
  registerStreet: '文三路90号科技大厦5楼', registerPhone: '0571-88886666', registerBank: '招商银行西湖支行', registerAccountId: '6214830100001234567',
};

test('A plain invoice to a person: the title is masked and flagged, no registration', (t) => {
  const out = run(transformInvoice, invoice({ invoiceCompanyName: '王伟' }, '0'), withRegistration);
  t.like(out.fct_invoice![0], { invoice_title: '***', is_personal_title: 1, taxpayer_id: null });
  t.deepEqual(out.fct_invoice_registration, []);
  t.false(JSON.stringify(out).includes('王伟'));
});

test('With --invoice-registration a company\'s VAT registration goes to the restricted table, never the recipient', (t) => {
  const out = run(transformInvoice, invoice(VAT), withRegistration);
  t.like(out.fct_invoice![0], { invoice_title: '杭州恒达五金有限公司', is_personal_title: 0 });
  t.deepEqual(out.fct_invoice_registration, [{
    order_id: '240517803316129437', local_invoice_id: '88001', company_title: '杭州恒达五金有限公司', taxpayer_id: '91330106MA2XXXXX0X', register_area_code: '330106',
    register_address: '浙江省杭州市西湖区文三路90号科技大厦5楼', register_phone: '0571-88886666', bank_name: '招商银行西湖支行', bank_account: '6214830100001234567',
  }]);
  const text = JSON.stringify(out);
  for (const personal of ['王伟', '13912345678', '文三路100号']) t.false(text.includes(personal), personal);
});

test('The older key names registerAddress, bankName and bankAccount are read too', (t) => {
  const out = run(transformInvoice, invoice({ invoiceCompanyName: '杭州恒达五金有限公司', taxpayerIdentify: '91330106MA2XXXXX0X', registerAddress: '杭州市西湖区文三路90号', bankName: '招商银行', bankAccount: '6214' }), withRegistration);
  t.like(out.fct_invoice_registration![0], { register_address: '杭州市西湖区文三路90号', bank_name: '招商银行', bank_account: '6214', register_area_code: null });
});

test('Without --invoice-registration the registration is not even produced', (t) => {
  t.false('fct_invoice_registration' in run(transformInvoice, invoice(VAT)));
});

// ---------------------------------------------------------------------------------------------
// Shipments and their tracking

function shipment(blob: Record<string, unknown>): SourceRow {
  return { logistic_id: 'BX1234567890', logistics_bill_no: 'SF1234567890123', order_id: '240517803316129437', gmt_create: '2024-05-18', gmt_modified: '2024-05-19', logistic_order_datas: stringify(blob)! };
}

const shipments: Array<{ title: string; blob: Record<string, unknown>; want: Record<string, string | null> }> = [
  { title: 'A logisticsItems entry: numeric id and code apart, carriage in yuan, send type', blob: { logisticsCode: 'BX1234567890', logisticsCompanyId: n('7'), logisticsCompanyNo: 'SF', carriage: n('12.5'), type: '1', subItemIds: '1' }, want: { carrier_id: '7', carrier_no: 'SF', carrier_code: '7', carriage: '12.50', send_type: '1' } },
  { title: 'A logistics order with the id as text', blob: { logisticsId: 'BX1234567890', logisticsCompanyId: '100', status: 'SIGN' }, want: { carrier_id: '100', carrier_no: null, carrier_code: '100', carriage: null, send_type: null } },
  { title: 'A code written under logisticsCompanyId is the carrier\'s code, not its id', blob: { logisticsId: 'BX1234567890', logisticsCompanyId: 'ZTO' }, want: { carrier_id: null, carrier_no: 'ZTO', carrier_code: 'ZTO' } },
  { title: 'Only the code: the deprecated column keeps it, as before', blob: { logisticsId: 'BX1234567890', logisticsCompanyNo: 'YTO' }, want: { carrier_id: null, carrier_no: 'YTO', carrier_code: 'YTO' } },
];

for (const c of shipments) {
  test(`Shipment: ${c.title}`, (t) => t.like(run(transformShipment, shipment(c.blob)).fct_shipment![0], c.want));
}

function route(steps: unknown[]): SourceRow {
  return { logistic_id: 'BX1234567890', logistics_bill_no: 'SF1', order_id: '240517803316129437', gmt_create: '2024-05-18', gmt_modified: '2024-05-19', logistic_route_datas: stringify({ logisticsId: 'BX1234567890', logisticsSteps: steps })! };
}

test('Tracking remarks lose their phones and names; acceptTime is China time even for a replica kept in UTC', (t) => {
  const steps = [
    { acceptTime: '2024-05-18 09:00:00', remark: '【义乌市】中通快递已揽收，揽收员：陈师傅' },
    { acceptTime: '2024-05-19 08:00:00', remark: '【杭州市】王师傅（13912345678）派件中' },
    { acceptTime: '2024-05-19 10:30:00', remark: '【杭州市】已签收，签收人：王伟，如有疑问请致电0571-88886666' },
  ];
  for (const sourceTz of ['Asia/Shanghai', 'UTC']) {
    const events = run(transformShipmentEvents, route(steps), { ...ctx, sourceTz }).fct_shipment_event!;
    t.deepEqual(events.map((e) => [e.event_at, e.remark]), [
      ['2024-05-18 01:00:00.000', '【义乌市】中通快递已揽收，揽收员：*'],
      ['2024-05-19 00:00:00.000', '【杭州市】*师傅（***）派件中'],
      ['2024-05-19 02:30:00.000', '【杭州市】已签收，签收人：*，如有疑问请致电***'],
    ], sourceTz);
  }
  t.is(run(transformShipmentEvents, route(steps), { ...ctx, apiTz: 'UTC' }).fct_shipment_event![0]!.event_at, '2024-05-18 09:00:00.000', 'HUB_API_TZ moves them');
});
