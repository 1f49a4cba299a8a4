// ali1688_order_line row (+ order_line_data, §3.2: one productItems[] entry) -> fct_order_line.
//
// Reads: sub_item_id, order_id, status, quantity, unit, product_id, product_cargo_number, cargo_number,
// sku_id, refund_id, refund_id_for_as, refund (decimal(10,3) yuan), order_line_data (JSON), and the parent
// order's parent_create_time (order_date, and created_at when the line has no gmtCreate). order_date is the
// store's day of parent_create_time, exactly as fct_order derives its own from the same column.
// Keys come from the columns (subItemIDString must agree); other fields from the blob, else the columns.
// The blob is required: line_amount (itemAmount) exists nowhere else.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, unwrap, type JsonObject } from './json.js';
import { PRICE, QTY, YUAN, YUAN3, checkFits, formatScaled, grossAmount, readScaled } from './money.js';
import { readOrderStatus, readRefundStatus } from './enums.js';
import { formatUtc, localDate, parseInstant, readTimestamp } from './time.js';
import type { Transform, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readArray, readId, readInt, readText, requireId } from './values.js';
import { apiZone, storeZone } from './zones.js';

const BLOB = 'order_line_data';

export const transformOrderLine: Transform = (row, ctx) => {
  const zone = ctx.sourceTz;
  const api = apiZone(ctx);
  const line = unwrap(parseBlob(row.order_line_data, BLOB), ['result']);
  if (!isObject(line)) throw new DataError(BLOB, `expected the order line as a JSON object, found ${line === undefined ? found(row.order_line_data) : found(line)}`);

  const orderId = requireId(row.order_id, 'order_id');
  const columnSubId = readId(row.sub_item_id, 'sub_item_id');
  const blobSubId = readId(line.subItemIDString, `${BLOB}.subItemIDString`);
  if (columnSubId !== null && blobSubId !== null && columnSubId !== blobSubId) {
    throw new DataError(`${BLOB}.subItemIDString`, `expected the sub_item_id column ${columnSubId}, found ${found(line.subItemIDString)}`);
  }
  const subItemId = columnSubId ?? blobSubId;
  if (subItemId === null) throw new DataError('sub_item_id', `expected an id (decimal digits), found ${found(row.sub_item_id)} (required)`);

  const productId = readId(row.product_id, 'product_id') ?? readId(line.productID, `${BLOB}.productID`);
  if (productId === null) throw new DataError('product_id', `expected an id (decimal digits), found ${found(row.product_id)} (required)`);
  const skuKey = firstKey(line, 'skuID', 'skuId');
  const skuId = readId(row.sku_id, 'sku_id') ?? readId(line[skuKey], `${BLOB}.${skuKey}`);

  const quantity = isAbsent(line.quantity)
    ? readScaled(row.quantity, 'quantity', QTY, 'a quantity')
    : readScaled(line.quantity, `${BLOB}.quantity`, QTY, 'a quantity');
  if (quantity === null) throw new DataError(`${BLOB}.quantity`, `expected a quantity, found ${found(line.quantity)} (and no quantity column)`);
  const lineAmount = readScaled(line.itemAmount, `${BLOB}.itemAmount`, YUAN, 'an amount in yuan');
  if (lineAmount === null) throw new DataError(`${BLOB}.itemAmount`, `expected an amount in yuan, found ${found(line.itemAmount)} (required)`);
  const price = readScaled(line.price, `${BLOB}.price`, PRICE, 'a unit price in yuan');
  const gross = price === null ? null : grossAmount(price, quantity, `${BLOB}.price`);
  const refund = isAbsent(line.refund)
    ? readScaled(row.refund, 'refund', YUAN3, 'an amount in yuan')
    : readScaled(line.refund, `${BLOB}.refund`, YUAN3, 'an amount in yuan');

  const parentCreated = row.parent_create_time;
  const parentMs = parseInstant(parentCreated, 'parent_create_time', zone);
  const createdMs = parseInstant(line.gmtCreate, `${BLOB}.gmtCreate`, api);
  const placedMs = parentMs ?? createdMs;
  if (placedMs === null) throw new DataError('parent_create_time', `expected the parent order's create_time, found ${found(parentCreated)} (required for order_date)`);
  const orderDate = localDate(storeZone(ctx), placedMs);

  const out: WarehouseRow = {
    order_id: orderId,
    sub_item_id: subItemId,
    product_id: productId,
    sku_id: skuId,
    spec_id: readText(line.specId ?? line.specID, `${BLOB}.specId`, 64),
    product_cargo_number: text(line.productCargoNumber, `${BLOB}.productCargoNumber`, row.product_cargo_number, 'product_cargo_number', 128),
    sku_cargo_number: text(line.cargoNumber, `${BLOB}.cargoNumber`, row.cargo_number, 'cargo_number', 128),
    product_name: readText(line.name ?? line.productName, `${BLOB}.name`, 512),
    sku_attributes: skuAttributes(line.skuInfos),
    quantity: formatScaled(quantity, QTY),
    unit: text(line.unit, `${BLOB}.unit`, row.unit, 'unit', 32),
    unit_price: price === null ? null : formatScaled(price, PRICE),
    line_amount: formatScaled(lineAmount, YUAN),
    refund_amount: refund === null ? null : formatScaled(refund, YUAN3),
    line_status: isAbsent(line.status) ? readOrderStatus(row.status, 'status') : readOrderStatus(line.status, `${BLOB}.status`),
    refund_status: readRefundStatus(line.refundStatus, `${BLOB}.refundStatus`),
    refund_id: text(line.refundId, `${BLOB}.refundId`, row.refund_id, 'refund_id', 256),
    refund_id_for_as: text(line.refundIdForAs, `${BLOB}.refundIdForAs`, row.refund_id_for_as, 'refund_id_for_as', 256),
    order_date: orderDate,
    gross_amount: gross === null ? null : formatScaled(gross, YUAN),
    discount_amount: gross === null ? null : formatScaled(checkFits(gross - lineAmount, `${BLOB}.itemAmount`, 'a discount'), YUAN),
    logistics_status: readInt(line.logisticsStatus, `${BLOB}.logisticsStatus`),
    // A line is created with its order, so the order's create time stands in for a missing gmtCreate.
    created_at: formatUtc(createdMs ?? placedMs),
    modified_at: readTimestamp(line.gmtModified, `${BLOB}.gmtModified`, api),
  };
  return { fct_order_line: [out] };
};

function text(blobValue: JsonObject[string] | undefined, blobField: string, column: string | null | undefined, columnField: string, max: number): string | null {
  return readText(blobValue, blobField, max) ?? readText(column, columnField, max);
}

/** skuInfos [{name, value}] as '颜色:红色;规格:20V'. */
function skuAttributes(v: JsonObject[string] | undefined): string | null {
  const field = `${BLOB}.skuInfos`;
  const list = readArray(v, field);
  if (list.length === 0) return null;
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!isObject(a)) throw new DataError(`${field}[${i}]`, `expected an object {name, value}, found ${found(a)}`);
    const value = readText(a.value, `${field}[${i}].value`, 1024);
    if (value === null) continue;
    const name = readText(a.name, `${field}[${i}].name`, 1024);
    out += (out === '' ? '' : ';') + (name === null ? value : `${name}:${value}`);
  }
  return readText(out, field, 1024);
}
