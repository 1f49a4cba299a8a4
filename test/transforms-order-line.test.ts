// transformOrderLine: one ali1688_order_line row (+ order_line_data) -> one fct_order_line row.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformOrderLine } from '../transforms/order-line.js';
import type { SourceRow, TransformContext } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };

type Blob = Record<string, unknown>;

function blob(over: Blob = {}): Blob {
  const b: Blob = {
    subItemID: n('240517803316129440'), // the rounded double; the string twin below wins
    subItemIDString: '240517803316129437',
    productID: n('620012345678'),
    skuID: n('4890123456789'),
    specId: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    quantity: n('2'),
    price: n('12.5'),
    itemAmount: n('23.8'),
    entryDiscount: n('120'),
    refund: n('0'),
    status: 'waitsellersend',
    statusStr: '等待卖家发货',
    refundStatus: 'WAIT_SELLER_AGREE',
    refundId: 'TQ12345',
    logisticsStatus: n('1'),
    cargoNumber: 'A-100-RED',
    productCargoNumber: 'A-100',
    name: '不锈钢保温杯 500ml 大容量',
    unit: '个',
    skuInfos: [{ name: '颜色', value: '红色' }, { name: '规格', value: '500ml' }],
    gmtCreate: '20240517093015000+0800',
    gmtModified: '20240517093015123-0700',
    gmtPayExpireTime: '2024-05-18 09:30:15',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete b[k];
    else b[k] = v;
  }
  return b;
}

function row(over: Partial<SourceRow> = {}, blobOver: Blob = {}): SourceRow {
  return {
    sub_item_id: '240517803316129437',
    order_id: '240517803316129401',
    status: 'waitsellersend',
    quantity: '2',
    unit: '个',
    product_id: '620012345678',
    product_cargo_number: null,
    cargo_number: null,
    sku_id: '4890123456789',
    refund_id: null,
    refund_id_for_as: null,
    refund: null,
    order_line_data: stringify(blob(blobOver))!,
    parent_create_time: '2024-05-17 09:30:15',
    parent_modify_time: '2024-05-17 10:00:00',
    ...over,
  };
}

function line(r: SourceRow): Record<string, unknown> {
  const out = transformOrderLine(r, ctx);
  if (outputProblems(FACTS_AND_DIMENSIONS, out).length > 0) throw new Error(outputProblems(FACTS_AND_DIMENSIONS, out).join('; '));
  if (Object.keys(out).join() !== 'fct_order_line' || out.fct_order_line!.length !== 1) throw new Error('expected one fct_order_line row');
  return out.fct_order_line![0]!;
}

test('A typical line becomes one row with exact amounts, UTC times and the parent order date', (t) => {
  t.deepEqual(line(row()), {
    order_id: '240517803316129401',
    sub_item_id: '240517803316129437',
    product_id: '620012345678',
    sku_id: '4890123456789',
    spec_id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    product_cargo_number: 'A-100',
    sku_cargo_number: 'A-100-RED',
    product_name: '不锈钢保温杯 500ml 大容量',
    sku_attributes: '颜色:红色;规格:500ml',
    quantity: '2.0000',
    unit: '个',
    unit_price: '12.5000',
    line_amount: '23.80',
    refund_amount: '0.000',
    line_status: 'waitsellersend',
    refund_status: 'waitselleragree',
    refund_id: 'TQ12345',
    refund_id_for_as: null,
    order_date: '2024-05-17',
    gross_amount: '25.00',
    discount_amount: '1.20',
    logistics_status: 1,
    created_at: '2024-05-17 01:30:15.000',
    modified_at: '2024-05-17 16:30:15.123',
  });
});

const cases: Array<{ title: string; row: SourceRow; expect: Record<string, unknown> }> = [
  {
    title: 'subItemIDString wins over the rounded Long twin when the column is missing',
    row: row({ sub_item_id: null }),
    expect: { sub_item_id: '240517803316129437' },
  },
  {
    title: 'A fractional quantity in the blob beats the bigint column, and gross is rounded half-up to the fen',
    row: row({ quantity: '2' }, { quantity: n('2.5'), price: n('3.3333'), itemAmount: n('8') }),
    expect: { quantity: '2.5000', unit_price: '3.3333', gross_amount: '8.33', discount_amount: '0.33' },
  },
  {
    title: 'Half a fen in price × quantity rounds up',
    row: row({}, { quantity: n('1'), price: n('0.125'), itemAmount: n('0.1') }),
    expect: { gross_amount: '0.13', discount_amount: '0.03' },
  },
  {
    title: 'A line paid above its list price has a negative discount',
    row: row({}, { quantity: n('1'), price: n('10'), itemAmount: n('10.5') }),
    expect: { gross_amount: '10.00', discount_amount: '-0.50' },
  },
  {
    title: 'Without a quantity in the blob the bigint column is used',
    row: row({ quantity: '7' }, { quantity: undefined, price: n('1'), itemAmount: n('7') }),
    expect: { quantity: '7.0000', gross_amount: '7.00' },
  },
  {
    title: 'Without a price there is no gross or discount, the paid amount still counts',
    row: row({}, { price: undefined }),
    expect: { unit_price: null, gross_amount: null, discount_amount: null, line_amount: '23.80' },
  },
  {
    title: 'Amounts written as JSON strings are read the same',
    row: row({}, { itemAmount: '23.80', price: '12.50', quantity: '2' }),
    expect: { line_amount: '23.80', unit_price: '12.5000', quantity: '2.0000' },
  },
  {
    title: 'Without a refund in the blob the decimal(10,3) column is used, three decimals kept',
    row: row({ refund: '1.005' }, { refund: undefined }),
    expect: { refund_amount: '1.005' },
  },
  {
    title: 'The order date is the parent create_time as written, not the UTC date',
    row: row({ parent_create_time: '2024-05-17 02:00:00' }, { gmtCreate: '20240517020000000+0800' }),
    expect: { order_date: '2024-05-17', created_at: '2024-05-16 18:00:00.000' },
  },
  {
    title: 'A line without gmtCreate was created with its order',
    row: row({}, { gmtCreate: undefined, gmtModified: '' }),
    expect: { created_at: '2024-05-17 01:30:15.000', modified_at: null },
  },
  {
    title: 'An empty refundStatus is no refund',
    row: row({}, { refundStatus: '', refundId: '' }),
    expect: { refund_status: null, refund_id: null },
  },
  {
    title: 'REFUND_CLOSED on a line maps to refundclose',
    row: row({}, { refundStatus: 'REFUND_CLOSED' }),
    expect: { refund_status: 'refundclose' },
  },
  {
    title: 'The skuId spelling is read when skuID is absent',
    row: row({ sku_id: null }, { skuID: undefined, skuId: n('9007199254740993') }),
    expect: { sku_id: '9007199254740993' },
  },
  {
    title: 'Chinese and emoji SKU attributes are joined as name:value pairs',
    row: row({}, { skuInfos: [{ name: '颜色', value: '🔴红' }, { name: '尺码', value: 'XL' }, { name: '空', value: '' }] }),
    expect: { sku_attributes: '颜色:🔴红;尺码:XL' },
  },
  {
    title: 'Columns fill in what the blob lacks',
    row: row({ product_cargo_number: 'COL-1', cargo_number: 'COL-1-R', unit: '件', refund_id_for_as: 'TQ999' }, { productCargoNumber: undefined, cargoNumber: null, unit: undefined }),
    expect: { product_cargo_number: 'COL-1', sku_cargo_number: 'COL-1-R', unit: '件', refund_id_for_as: 'TQ999' },
  },
  {
    title: 'A line wrapped in result and a one-element array is unwrapped',
    row: row({ order_line_data: stringify({ result: [blob()] })! }),
    expect: { line_amount: '23.80', sub_item_id: '240517803316129437' },
  },
  {
    title: 'A line status of the Guide-only vocabulary is accepted',
    row: row({}, { status: 'confirm_goods_but_not_fund' }),
    expect: { line_status: 'confirm_goods_but_not_fund' },
  },
  {
    title: 'The status column stands in for a missing blob status',
    row: row({ status: 'success' }, { status: undefined }),
    expect: { line_status: 'success' },
  },
  {
    title: 'A line shipped from another zone (-0700) gets the right UTC time',
    row: row({}, { gmtCreate: '20240516183015000-0700' }),
    expect: { created_at: '2024-05-17 01:30:15.000' },
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const got = line(c.row);
    for (const [k, v] of Object.entries(c.expect)) t.is(got[k], v, k);
  });
}

const errors: Array<{ title: string; row: SourceRow; field: string; says?: RegExp }> = [
  { title: 'Malformed JSON is a DataError on the blob column', row: row({ order_line_data: '{"itemAmount": 1' }), field: 'order_line_data', says: /expected valid JSON/ },
  { title: 'An empty blob is a DataError: the paid amount exists nowhere else', row: row({ order_line_data: '' }), field: 'order_line_data' },
  { title: 'A blob that is a JSON array of two lines is a DataError', row: row({ order_line_data: stringify([blob(), blob()])! }), field: 'order_line_data' },
  { title: 'A missing itemAmount is a DataError', row: row({}, { itemAmount: undefined }), field: 'order_line_data.itemAmount', says: /required/ },
  { title: 'An itemAmount of "abc" is a DataError', row: row({}, { itemAmount: 'abc' }), field: 'order_line_data.itemAmount', says: /found "abc"/ },
  { title: 'An itemAmount with three decimals is a DataError, not rounded', row: row({}, { itemAmount: n('23.805') }), field: 'order_line_data.itemAmount', says: /at most 2 decimals/ },
  { title: 'A subItemIDString that contradicts the sub_item_id column is a DataError', row: row({ sub_item_id: '240517803316129440' }), field: 'order_line_data.subItemIDString' },
  { title: 'A missing order_id column is a DataError', row: row({ order_id: null }), field: 'order_id', says: /required/ },
  { title: 'An object where the product id belongs is a DataError', row: row({ product_id: null }, { productID: { id: 1 } }), field: 'order_line_data.productID', says: /found an object/ },
  { title: 'An unknown line status is a DataError', row: row({}, { status: 'shipped' }), field: 'order_line_data.status' },
  { title: 'An unknown line refund status is a DataError', row: row({}, { refundStatus: 'WAIT_SOMEONE' }), field: 'order_line_data.refundStatus' },
  { title: 'A product name longer than 512 characters is a DataError', row: row({}, { name: '长'.repeat(513) }), field: 'order_line_data.name', says: /at most 512 characters/ },
  { title: 'A gmtCreate that is no time is a DataError', row: row({}, { gmtCreate: '2024/05/17' }), field: 'order_line_data.gmtCreate' },
  { title: 'skuInfos that is not an array is a DataError', row: row({}, { skuInfos: '颜色:红' }), field: 'order_line_data.skuInfos' },
  { title: 'Without parent_create_time or gmtCreate there is no order date: a DataError', row: row({ parent_create_time: null }, { gmtCreate: undefined }), field: 'parent_create_time' },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformOrderLine(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
    if (c.says) t.regex(err.reason, c.says);
  });
}
