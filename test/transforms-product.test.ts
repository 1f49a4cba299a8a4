// transformProduct: one ali1688_product row (+ product_datas) -> dim_product, and its SKUs and price tiers.
import test from 'ava';
import { LosslessNumber, stringify } from 'lossless-json';
import { DataError } from '../lib/errors.js';
import { FACTS_AND_DIMENSIONS } from '../sql/warehouse/tables.js';
import { outputProblems } from '../transforms/contract.js';
import { transformProduct } from '../transforms/product.js';
import type { SourceRow, TransformContext, TransformOutput } from '../transforms/types.js';

const n = (s: string): LosslessNumber => new LosslessNumber(s);
const ctx: TransformContext = { sourceTz: 'Asia/Shanghai' };
type Blob = Record<string, unknown>;

function info(over: Blob = {}): Blob {
  const base: Blob = {
    productID: n('620012345678'),
    categoryID: n('1031910'),
    subject: '不锈钢保温杯',
    status: 'published',
    qualityLevel: n('4'),
    attributes: [{ attributeID: n('100'), attributeName: '材质', value: '不锈钢' }],
    skuInfos: [
      { skuId: n('4890123456789'), specId: 'spec-red', cargoNumber: 'A-100-RED', amountOnSale: n('120'), price: n('12.5'), retailPrice: n('19.9'), attributes: [{ attributeID: n('3216'), attributeName: '颜色', attributeValue: '红色' }, { attributeID: n('100017'), attributeValue: '500ml' }] },
      { skuID: n('9007199254740993'), specId: 'spec-blue', cargoNumber: 'A-100-BLU', amountOnSale: '80.0', price: '11.0', retailprice: n('18'), attributes: [{ attributeID: n('3216'), attributeName: '颜色', attributeValue: '蓝色😀' }] },
    ],
    saleInfo: { priceRanges: [{ startQuantity: n('1'), price: n('12.5') }, { startQuantity: n('100'), price: n('10.8') }], quoteType: n('1'), amountOnSale: n('200.0'), minOrderQuantity: n('2'), unit: '个' },
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

function row(over: Partial<SourceRow> = {}, blob: unknown = { productInfo: info(), createTime: '20230102030405000+0800', lastUpdateTime: '20240517093015000+0800' }): SourceRow {
  return {
    product_id: '620012345678',
    quality_level: '4',
    subject: '不锈钢保温杯',
    category_id: '1031910',
    category_name: '保温杯',
    product_cargo_number: 'A-100',
    sku_cargo_numbers: 'A-100-RED,A-100-BLU',
    status: 'published',
    create_time: '2023-01-02 03:04:05',
    last_update_time: '2024-05-17 09:30:15',
    last_repost_time: null,
    approved_time: null,
    expire_time: '2024-11-17 09:30:15',
    product_datas: blob === null ? null : stringify(blob)!,
    ...over,
  };
}

function run(r: SourceRow): TransformOutput {
  const out = transformProduct(r, ctx);
  const problems = outputProblems(FACTS_AND_DIMENSIONS, out);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

test('A product with SKUs and volume tiers gives the product, its SKUs and its tiers', (t) => {
  t.deepEqual(run(row()), {
    dim_product: [
      {
        product_id: '620012345678',
        subject: '不锈钢保温杯',
        category_id: '1031910',
        status: 'published',
        is_deleted: 0,
        quality_level: 4,
        product_cargo_number: 'A-100',
        unit: '个',
        min_order_quantity: 2,
        price_min: '10.8000',
        price_max: '12.5000',
        created_at: '2023-01-01 19:04:05.000',
        modified_at: '2024-05-17 01:30:15.000',
        expired_at: '2024-11-17 01:30:15.000',
        status_group: 'active',
        category_name: '保温杯',
        quote_type: 1,
        sku_count: 2,
        reposted_at: null,
        approved_at: null,
        store_category_id: null,
        store_category_ids: null,
        sku_cargo_numbers: 'A-100-RED,A-100-BLU',
        amount_on_sale: 200,
        unit_weight_kg: null,
        freight_template_id: null,
      },
    ],
    dim_sku: [
      { sku_id: '4890123456789', product_id: '620012345678', spec_id: 'spec-red', sku_cargo_number: 'A-100-RED', sku_attributes: '颜色:红色;100017:500ml', price: '12.5000', retail_price: '19.9000', amount_on_sale: 120, modified_at: '2024-05-17 01:30:15.000' },
      { sku_id: '9007199254740993', product_id: '620012345678', spec_id: 'spec-blue', sku_cargo_number: 'A-100-BLU', sku_attributes: '颜色:蓝色😀', price: '11.0000', retail_price: '18.0000', amount_on_sale: 80, modified_at: '2024-05-17 01:30:15.000' },
    ],
    dim_product_price_tier: [
      { product_id: '620012345678', start_quantity: 1, unit_price: '12.5000' },
      { product_id: '620012345678', start_quantity: 100, unit_price: '10.8000' },
    ],
    dim_product_attribute: [{ product_id: '620012345678', attribute_seq: 1, attribute_id: '100', name: '材质', value: '不锈钢' }],
  });
});

const cases: Array<{ title: string; row: SourceRow; product?: Record<string, string | number | null>; tables: string[]; skus?: number; tiers?: number }> = [
  {
    title: 'A NULL product_datas gives the product from its columns and leaves SKUs and tiers alone',
    row: row({}, null),
    product: { sku_count: 0, price_min: null, unit: null, quote_type: null, subject: '不锈钢保温杯' },
    tables: ['dim_product'],
  },
  {
    title: "An empty or '{}' product_datas carries no information either",
    row: row({ product_datas: ' {} ' }),
    tables: ['dim_product'],
  },
  {
    title: 'A response without productInfo (an error message) says nothing about SKUs',
    row: row({}, { errMsg: 'offer not found', createTime: '' }),
    tables: ['dim_product'],
  },
  {
    title: 'A product without SKUs or tiers gets empty child tables, so old ones are removed',
    row: row({}, { productInfo: info({ skuInfos: undefined, saleInfo: { quoteType: n('0'), unit: '件' } }) }),
    product: { sku_count: 0, price_min: null, price_max: null, unit: '件', quote_type: 0 },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
    skus: 0,
    tiers: 0,
  },
  {
    title: 'A bare productInfo (not wrapped) is accepted, and result is unwrapped',
    row: row({}, { result: info() }),
    product: { sku_count: 2 },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
    skus: 2,
    tiers: 2,
  },
  {
    title: 'A deleted product is flagged deleted',
    row: row({ status: 'member deleted' }),
    product: { status: 'member deleted', status_group: 'deleted', is_deleted: 1 },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
  },
  {
    title: 'An unknown product status is kept and grouped as other',
    row: row({ status: 'frozen' }),
    product: { status: 'frozen', status_group: 'other', is_deleted: 0 },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
  },
  {
    title: 'Blob values fill in what the columns lack, times included',
    row: row({ category_id: null, subject: '', quality_level: null, product_cargo_number: null, create_time: null, expire_time: null }, { productInfo: info({ productCargoNumber: 'PI-1' }), createTime: '20230102030405000+0800', expireTime: '2024-12-01 00:00:00' }),
    product: { category_id: '1031910', subject: '不锈钢保温杯', quality_level: 4, product_cargo_number: 'PI-1', created_at: '2023-01-01 19:04:05.000', expired_at: '2024-11-30 16:00:00.000' },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
  },
  {
    title: 'An exact repeat of an SKU is dropped',
    row: row({}, { productInfo: info({ skuInfos: [{ skuId: '1', price: '1' }, { skuId: '1', price: '1' }] }) }),
    product: { sku_count: 1 },
    tables: ['dim_product', 'dim_sku', 'dim_product_price_tier', 'dim_product_attribute'],
    skus: 1,
  },
];

for (const c of cases) {
  test(c.title, (t) => {
    const out = run(c.row);
    t.deepEqual(Object.keys(out), c.tables);
    for (const [k, v] of Object.entries(c.product ?? {})) t.is(out.dim_product![0]![k], v, k);
    if (c.skus !== undefined) t.is(out.dim_sku!.length, c.skus);
    if (c.tiers !== undefined) t.is(out.dim_product_price_tier!.length, c.tiers);
  });
}

test('An SKU attribute with only an id is written id:value', (t) => {
  const out = run(row({}, { productInfo: info({ skuInfos: [{ skuId: '1', attributes: [{ attributeID: n('3216'), attributeValue: '红色' }] }] }) }));
  t.is(out.dim_sku![0]!.sku_attributes, '3216:红色');
});

const errors: Array<{ title: string; row: SourceRow; field: string; says?: RegExp }> = [
  { title: 'Malformed product_datas is a DataError', row: row({ product_datas: '{"productInfo":{' }), field: 'product_datas', says: /valid JSON/ },
  { title: 'A product_datas that is a number is a DataError', row: row({ product_datas: '42' }), field: 'product_datas' },
  { title: 'A productInfo that is text is a DataError', row: row({}, { productInfo: 'gone' }), field: 'product_datas.productInfo' },
  { title: 'An SKU without an id is a DataError naming the SKU', row: row({}, { productInfo: info({ skuInfos: [{ price: '1' }] }) }), field: 'product_datas.productInfo.skuInfos[0].skuId', says: /required/ },
  { title: 'An SKU price written by a double printer with five decimals is a DataError', row: row({}, { productInfo: info({ skuInfos: [{ skuId: '1', price: n('12.29999') }] }) }), field: 'product_datas.productInfo.skuInfos[0].price', says: /at most 4 decimals/ },
  { title: 'Two different SKUs with one id are a DataError', row: row({}, { productInfo: info({ skuInfos: [{ skuId: '1', price: '1' }, { skuId: '1', price: '2' }] }) }), field: 'product_datas.productInfo.skuInfos', says: /sku_id 1/ },
  { title: 'Two different prices for one start quantity are a DataError', row: row({}, { productInfo: info({ saleInfo: { priceRanges: [{ startQuantity: '10', price: '1' }, { startQuantity: '10', price: '2' }] } }) }), field: 'product_datas.productInfo.saleInfo.priceRanges' },
  { title: 'A price range without a price is a DataError', row: row({}, { productInfo: info({ saleInfo: { priceRanges: [{ startQuantity: '10' }] } }) }), field: 'product_datas.productInfo.saleInfo.priceRanges[0].price', says: /required/ },
  { title: 'A fractional minimum order quantity is a DataError', row: row({}, { productInfo: info({ saleInfo: { minOrderQuantity: '1.5' } }) }), field: 'product_datas.productInfo.saleInfo.minOrderQuantity' },
  { title: 'A missing product_id is a DataError', row: row({ product_id: '' }), field: 'product_id', says: /required/ },
  { title: 'A last_update_time that is no time is a DataError', row: row({ last_update_time: '17/05/2024' }), field: 'last_update_time' },
  { title: 'A product without any modify time is a DataError', row: row({ last_update_time: null }, null), field: 'last_update_time', says: /required/ },
];

for (const c of errors) {
  test(c.title, (t) => {
    const err = t.throws(() => transformProduct(c.row, ctx), { instanceOf: DataError });
    t.is(err.field, c.field);
    t.true(err.message.startsWith(`${c.field}: expected`), err.message);
    if (c.says) t.regex(err.reason, c.says);
  });
}
