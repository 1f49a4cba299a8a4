// ali1688_product row (+ product_datas, §3.7) -> dim_product, and when the blob carries the product
// record, its children dim_sku, dim_product_price_tier and dim_product_attribute.
//
// Reads: product_id, subject, category_id, category_name, status, quality_level, product_cargo_number,
// sku_cargo_numbers, create_time, last_update_time, last_repost_time, approved_time, expire_time (naive
// DATETIME, source zone) and product_datas (JSON). Columns come first here, the blob fills what they lack:
// the blob's own time format is undocumented (offset-less forms are read in 1688's zone).
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, unwrap, type JsonObject } from './json.js';
import { PRICE, formatScaled, readScaled } from './money.js';
import { productStatusGroup } from './enums.js';
import { uniqueRows } from './rows.js';
import { readTimestamp } from './time.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readArray, readId, readIdList, readInt, readObject, readText, requireId } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'product_datas';
/** Kilograms to 6 decimals (dim_product.unit_weight_kg). */
const KG = 6;

export const transformProduct: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const api = apiZone(ctx);
  const productId = requireId(row.product_id, 'product_id');
  const root = unwrap(parseBlob(row.product_datas, BLOB), ['result']);
  if (root !== undefined && !isObject(root)) {
    throw new DataError(BLOB, `expected a JSON object (the product), found ${found(root)}`);
  }
  // The API response holds productInfo and, beside it, the times; a bare productInfo is accepted too.
  let info: JsonObject | undefined;
  let infoPath = `${BLOB}.productInfo`;
  if (root !== undefined) {
    const wrapped = unwrap(root.productInfo, []);
    if (isObject(wrapped)) info = wrapped;
    else if (!isAbsent(root.productInfo)) throw new DataError(infoPath, `expected an object, found ${found(root.productInfo)}`);
    else if ('productID' in root || 'skuInfos' in root || 'saleInfo' in root || 'subject' in root) {
      info = root;
      infoPath = BLOB;
    }
  }
  const saleInfo = info ? readObject(info.saleInfo, `${infoPath}.saleInfo`) : undefined;

  const status = readText(row.status, 'status', 64) ?? (info ? readText(info.status, `${infoPath}.status`, 64) : null);
  if (status === null) throw new DataError('status', `expected a product status, found ${found(row.status)} (required)`);
  const group = productStatusGroup(status);

  const createdAt =
    readTimestamp(row.create_time, 'create_time', zone) ??
    (root ? readTimestamp(root.createTime, `${BLOB}.createTime`, api) : null) ??
    (info ? readTimestamp(info.createTime, `${infoPath}.createTime`, api) : null);
  if (createdAt === null) throw new DataError('create_time', `expected the time the product was added, found ${found(row.create_time)} (required)`);
  const modifiedAt =
    readTimestamp(row.last_update_time, 'last_update_time', zone) ??
    (root ? readTimestamp(root.lastUpdateTime, `${BLOB}.lastUpdateTime`, api) : null) ??
    (info ? readTimestamp(info.lastUpdateTime, `${infoPath}.lastUpdateTime`, api) : null);
  if (modifiedAt === null) throw new DataError('last_update_time', `expected the time the product last changed, found ${found(row.last_update_time)} (required)`);
  /** A time column, else the blob's sibling time, else the one inside productInfo. */
  const when = (column: string, key: string): string | null =>
    readTimestamp(row[column], column, zone) ??
    (root ? readTimestamp(root[key], `${BLOB}.${key}`, api) : null) ??
    (info ? readTimestamp(info[key], `${infoPath}.${key}`, api) : null);
  const expiredAt = when('expire_time', 'expireTime');

  let categoryId = readId(row.category_id, 'category_id');
  if (categoryId === null && info) categoryId = readId(info.categoryID ?? info.categoryId, `${infoPath}.categoryID`);
  if (categoryId === null) throw new DataError('category_id', `expected the leaf category id, found ${found(row.category_id)} (required)`);

  let subject = readText(row.subject, 'subject', 256);
  if (subject === null && info) subject = readText(info.subject, `${infoPath}.subject`, 256);
  if (subject === null) throw new DataError('subject', `expected the product title, found ${found(row.subject)} (required)`);

  // Children, and the figures derived from them, only when the blob holds the product record.
  let skus: WarehouseRow[] | undefined;
  let tiers: WarehouseRow[] | undefined;
  let attributes: WarehouseRow[] | undefined;
  let priceMin: bigint | null = null;
  let priceMax: bigint | null = null;
  const seePrice = (p: bigint | null): void => {
    if (p === null) return;
    if (priceMin === null || p < priceMin) priceMin = p;
    if (priceMax === null || p > priceMax) priceMax = p;
  };
  if (info) {
    const skuPath = `${infoPath}.skuInfos`;
    skus = readArray(info.skuInfos, skuPath).map((sku, i) => {
      const at = `${skuPath}[${i}]`;
      if (!isObject(sku)) throw new DataError(at, `expected an SKU object, found ${found(sku)}`);
      const price = readScaled(sku.price, `${at}.price`, PRICE, 'a price in yuan');
      seePrice(price);
      const retailKey = firstKey(sku, 'retailPrice', 'retailprice');
      const retail = readScaled(sku[retailKey], `${at}.${retailKey}`, PRICE, 'a price in yuan');
      const idKey = firstKey(sku, 'skuId', 'skuID');
      const skuId = readId(sku[idKey], `${at}.${idKey}`);
      if (skuId === null) throw new DataError(`${at}.skuId`, `expected an id (decimal digits), found ${found(sku[idKey])} (required)`);
      return {
        sku_id: skuId,
        product_id: productId,
        spec_id: readText(sku.specId ?? sku.specID, `${at}.specId`, 64),
        sku_cargo_number: readText(sku.cargoNumber, `${at}.cargoNumber`, 128),
        sku_attributes: skuAttributes(sku.attributes, `${at}.attributes`),
        price: price === null ? null : formatScaled(price, PRICE),
        retail_price: retail === null ? null : formatScaled(retail, PRICE),
        amount_on_sale: readInt(sku.amountOnSale, `${at}.amountOnSale`),
        modified_at: modifiedAt,
      };
    });
    skus = uniqueRows(skus, ['sku_id'], skuPath);

    const tierPath = `${infoPath}.saleInfo.priceRanges`;
    tiers = readArray(saleInfo?.priceRanges, tierPath).map((tier, i) => {
      const at = `${tierPath}[${i}]`;
      if (!isObject(tier)) throw new DataError(at, `expected a price range object, found ${found(tier)}`);
      const start = readInt(tier.startQuantity, `${at}.startQuantity`);
      if (start === null) throw new DataError(`${at}.startQuantity`, `expected an integer, found ${found(tier.startQuantity)} (required)`);
      const price = readScaled(tier.price, `${at}.price`, PRICE, 'a price in yuan');
      if (price === null) throw new DataError(`${at}.price`, `expected a price in yuan, found ${found(tier.price)} (required)`);
      seePrice(price);
      return { product_id: productId, start_quantity: start, unit_price: formatScaled(price, PRICE) };
    });
    tiers = uniqueRows(tiers, ['start_quantity'], tierPath);
    attributes = productAttributes(info.attributes, `${infoPath}.attributes`, productId);
  }
  const shipping = info ? readObject(info.shippingInfo, `${infoPath}.shippingInfo`) : undefined;
  const groupPath = `${infoPath}.groupID`;
  const groups = info ? groupIds(info.groupID ?? info.groupIds, groupPath) : [];
  const weight = shipping ? readScaled(shipping.unitWeight, `${infoPath}.shippingInfo.unitWeight`, KG, 'a weight in kg') : null;
  const skuCargos = readText(row.sku_cargo_numbers, 'sku_cargo_numbers', 4096) ??
    (skus && skus.some((k) => k.sku_cargo_number !== null) ? readText(skus.map((k) => k.sku_cargo_number).filter((c) => c !== null).join(','), `${infoPath}.skuInfos`, 4096) : null);

  const qualityLevel = readInt(row.quality_level, 'quality_level') ?? (info ? readInt(info.qualityLevel, `${infoPath}.qualityLevel`) : null);
  const product: WarehouseRow = {
    product_id: productId,
    subject,
    category_id: categoryId,
    status,
    is_deleted: group === 'deleted' ? 1 : 0,
    quality_level: qualityLevel,
    product_cargo_number:
      readText(row.product_cargo_number, 'product_cargo_number', 128) ??
      (info ? readText(info.productCargoNumber, `${infoPath}.productCargoNumber`, 128) : null),
    unit: saleInfo ? readText(saleInfo.unit, `${infoPath}.saleInfo.unit`, 32) : null,
    min_order_quantity: saleInfo ? readInt(saleInfo.minOrderQuantity, `${infoPath}.saleInfo.minOrderQuantity`) : null,
    price_min: priceMin === null ? null : formatScaled(priceMin, PRICE),
    price_max: priceMax === null ? null : formatScaled(priceMax, PRICE),
    created_at: createdAt,
    modified_at: modifiedAt,
    expired_at: expiredAt,
    status_group: group,
    category_name: readText(row.category_name, 'category_name', 256) ?? (info ? readText(info.categoryName, `${infoPath}.categoryName`, 256) : null),
    quote_type: saleInfo ? readInt(saleInfo.quoteType, `${infoPath}.saleInfo.quoteType`) : null,
    sku_count: skus ? skus.length : 0,
    reposted_at: when('last_repost_time', 'lastRepostTime'),
    approved_at: when('approved_time', 'approvedTime'),
    store_category_id: groups[0] ?? null,
    store_category_ids: groups.length === 0 ? null : readText(groups.join(','), groupPath, 1024),
    sku_cargo_numbers: skuCargos,
    amount_on_sale: saleInfo ? readInt(saleInfo.amountOnSale, `${infoPath}.saleInfo.amountOnSale`) : null,
    unit_weight_kg: weight === null ? null : formatScaled(weight, KG),
    freight_template_id: shipping ? readId(shipping.freightTemplateID ?? shipping.freightTemplateId, `${infoPath}.shippingInfo.freightTemplateID`) : null,
  };
  const out: TransformOutput = { dim_product: [product] };
  if (skus) out.dim_sku = skus;
  if (tiers) out.dim_product_price_tier = tiers;
  if (attributes) out.dim_product_attribute = attributes;
  return out;
};

/** groupID: an array of store category ids, one id, or a comma-separated list; 0 and -1 mean none. */
function groupIds(v: JsonObject[string] | undefined, field: string): string[] {
  const list = Array.isArray(v) ? v.map((x, i) => readId(x, `${field}[${i}]`)).filter((x): x is string => x !== null) : readIdList(v, field);
  return [...new Set(list.filter((id) => id !== '0'))];
}

/**
 * productInfo.attributes [{attributeID, attributeName, value}] as rows in their order; an attribute
 * without a value says nothing and is left out. The id may be missing for attributes the seller made up.
 */
function productAttributes(v: JsonObject[string] | undefined, field: string, productId: string): WarehouseRow[] {
  const rows: WarehouseRow[] = [];
  readArray(v, field).forEach((a, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(a)) throw new DataError(at, `expected an attribute object, found ${found(a)}`);
    const valueKey = firstKey(a, 'value', 'attributeValue', 'attrValue');
    const value = readText(a[valueKey], `${at}.${valueKey}`, 1024);
    if (value === null) return;
    const idKey = firstKey(a, 'attributeID', 'attrID', 'attributeId');
    const nameKey = firstKey(a, 'attributeName', 'name');
    rows.push({
      product_id: productId,
      attribute_seq: rows.length + 1,
      attribute_id: readId(a[idKey], `${at}.${idKey}`),
      name: readText(a[nameKey], `${at}.${nameKey}`, 256),
      value,
    });
  });
  return rows;
}

/** SKU attributes as 'name:value;name:value'; the name is attributeName, else the attribute id. */
function skuAttributes(v: JsonObject[string] | undefined, field: string): string | null {
  const list = readArray(v, field);
  const parts: string[] = [];
  list.forEach((a, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(a)) throw new DataError(at, `expected an attribute object, found ${found(a)}`);
    const valueKey = firstKey(a, 'attributeValue', 'value');
    const value = readText(a[valueKey], `${at}.${valueKey}`, 1024);
    if (value === null) return;
    const nameKey = firstKey(a, 'attributeName', 'name', 'attributeID', 'attrID', 'attributeId');
    const name = readText(a[nameKey], `${at}.${nameKey}`, 1024);
    parts.push(name === null ? value : `${name}:${value}`);
  });
  return readText(parts.length === 0 ? null : parts.join(';'), field, 1024);
}
