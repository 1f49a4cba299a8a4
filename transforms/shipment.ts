// ali1688_logistics_order row (+ logistic_order_datas, §3.5) -> fct_shipment and, when the blob carries
// the logistics order, the order lines it ships in fct_shipment_line.
//
// Reads: logistic_id, logistics_bill_no, order_id (varchar), gmt_create, gmt_modified (DATE, kept as the
// local day) and logistic_order_datas. The blob is an OpenPlatformLogisticsOrder (logisticsId,
// orderEntryIds, logisticsOrderGoods[], status §5.4) or a TradeInfo logisticsItems[] entry (logisticsCode,
// subItemIds, deliveredTime, carriage, type; its status has another vocabulary, so only §5.4 values are
// kept). The sender and receiver (names, phones, addresses) are never read.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap, type JsonObject } from './json.js';
import { QTY, YUAN, formatScaled, readScaled } from './money.js';
import { LOGISTICS_STATUSES, readLogisticsStatus } from './enums.js';
import { uniqueRows } from './rows.js';
import { readLocalDate, readTimestamp } from './time.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { firstKey, found, isAbsent, readArray, readIdList, readText, requireId, requireText } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'logistic_order_datas';

export const transformShipment: Transform = (row, ctx) => {
  const logisticsId = requireText(row.logistic_id, 'logistic_id', 64);
  const orderId = requireId(row.order_id, 'order_id');
  const record = selectRecord(
    unwrap(parseBlob(row.logistic_order_datas, BLOB), ['result', 'logisticsOrder', 'logisticsItems']),
    BLOB,
    `logistics order ${logisticsId}`,
    (o) => o.logisticsId === logisticsId || o.logisticsCode === logisticsId,
  );
  const s: JsonObject | undefined = record;
  if (s !== undefined && typeof s.logisticsId === 'string' && s.logisticsId.trim() !== '' && s.logisticsId.trim() !== logisticsId) {
    throw new DataError(`${BLOB}.logisticsId`, `expected the logistic_id column ${logisticsId}, found ${found(s.logisticsId)}`);
  }
  const modifiedDate = readLocalDate(row.gmt_modified, 'gmt_modified');
  if (modifiedDate === null) throw new DataError('gmt_modified', `expected a date as yyyy-MM-dd, found ${found(row.gmt_modified)} (required)`);

  const carrierKey = s ? firstKey(s, 'logisticsCompanyId', 'logisticsCompanyNo') : 'logisticsCompanyId';
  // logisticsCompanyId is a number (a Long in logisticsItems, digits as text in the logistics order); a
  // code found under that key (SF) is the carrier's code, not its id.
  const companyId = s ? readText(s.logisticsCompanyId, `${BLOB}.logisticsCompanyId`, 64) : null;
  const idIsNumber = companyId !== null && /^\d{1,19}$/.test(companyId);
  const carriage = s ? readScaled(s.carriage, `${BLOB}.carriage`, YUAN, 'an amount in yuan') : null;
  const sentKey = s ? firstKey(s, 'gmtSystemSend', 'deliveredTime') : 'gmtSystemSend';
  const shipment: WarehouseRow = {
    logistics_id: logisticsId,
    order_id: orderId,
    bill_no: (s ? readText(s.logisticsBillNo, `${BLOB}.logisticsBillNo`, 128) : null) ?? readText(row.logistics_bill_no, 'logistics_bill_no', 128),
    carrier_name: s ? readText(s.logisticsCompanyName, `${BLOB}.logisticsCompanyName`, 128) : null,
    // A Long in logisticsItems, a string in the logistics order: either way its text.
    carrier_code: s ? readText(s[carrierKey], `${BLOB}.${carrierKey}`, 64) : null,
    status: s ? shipmentStatus(s) : null,
    shipped_at: s ? readTimestamp(s[sentKey], `${BLOB}.${sentKey}`, apiZone(ctx)) : null,
    modified_date: modifiedDate,
    created_date: readLocalDate(row.gmt_create, 'gmt_create'),
    carrier_id: idIsNumber ? requireId(companyId, `${BLOB}.logisticsCompanyId`) : null,
    carrier_no: (s ? readText(s.logisticsCompanyNo, `${BLOB}.logisticsCompanyNo`, 64) : null) ?? (idIsNumber ? null : companyId),
    carriage: carriage === null ? null : formatScaled(carriage, YUAN),
    send_type: s ? readText(s.type ?? s.sendType, `${BLOB}.type`, 8) : null,
  };
  const out: TransformOutput = { fct_shipment: [shipment] };
  if (s !== undefined) out.fct_shipment_line = shipmentLines(s, logisticsId, orderId);
  return out;
};

/** §5.4 status of a logistics order; a logisticsItems entry's own vocabulary (alreadysend, …) is not mapped. */
function shipmentStatus(s: JsonObject): string | null {
  const isLogisticsItem = isAbsent(s.logisticsId) && (!isAbsent(s.logisticsCode) || !isAbsent(s.subItemIds));
  if (isLogisticsItem) {
    const raw = typeof s.status === 'string' ? s.status.trim().toUpperCase() : null;
    return raw !== null && LOGISTICS_STATUSES.has(raw) ? raw : null;
  }
  return readLogisticsStatus(s.status, `${BLOB}.status`);
}

/**
 * The lines shipped: logisticsOrderGoods[] (with quantities), then orderEntryIds (CSV) and subItemIds (CSV)
 * for lines the goods list lacks (quantity unknown).
 */
function shipmentLines(s: JsonObject, logisticsId: string, orderId: string): WarehouseRow[] {
  const rows: WarehouseRow[] = [];
  const goodsPath = `${BLOB}.logisticsOrderGoods`;
  readArray(s.logisticsOrderGoods, goodsPath).forEach((g, i) => {
    const at = `${goodsPath}[${i}]`;
    if (!isObject(g)) throw new DataError(at, `expected a goods object, found ${found(g)}`);
    const idKey = firstKey(g, 'tradeOrderItemId', 'tradeOrderItemIdStr', 'orderEntryId');
    const qty = readScaled(g.quantity, `${at}.quantity`, QTY, 'a quantity');
    rows.push({ logistics_id: logisticsId, order_id: orderId, sub_item_id: requireId(g[idKey], `${at}.${idKey}`), quantity: qty === null ? null : formatScaled(qty, QTY) });
  });
  const listed = new Set(rows.map((r) => r.sub_item_id));
  for (const key of ['orderEntryIds', 'subItemIds']) {
    for (const subItemId of readIdList(s[key], `${BLOB}.${key}`)) {
      if (listed.has(subItemId)) continue;
      listed.add(subItemId);
      rows.push({ logistics_id: logisticsId, order_id: orderId, sub_item_id: subItemId, quantity: null });
    }
  }
  return uniqueRows(rows, ['sub_item_id'], goodsPath);
}
