// ali1688_logistics_route row (+ logistic_route_datas, §3.6: a logisticsTrace[] entry) -> the tracking
// steps of one logistics order in fct_shipment_event, in time order.
//
// Reads: logistic_id, order_id (varchar) and logistic_route_datas. Steps come from traceNodeList[] (action,
// areaCode, acceptTime, remark) or, when that is empty, logisticsSteps[] (acceptTime, remark). They are
// sorted by acceptTime, stably (steps without a time go last, in their order), exact
// repeats are dropped, and event_seq counts from 1. An empty blob gives no rows and no table (the
// engine keeps what it has). acceptTime has no offset: it is 1688's China time (apiTz), wherever the
// replica keeps its own columns. Remarks carry couriers' and signers' names and phones: masked.
import { DataError } from '../lib/errors.js';
import { isObject, parseBlob, selectRecord, unwrap } from './json.js';
import { maskRemark } from './mask.js';
import { formatUtc, parseInstant } from './time.js';
import type { Transform, TransformOutput, WarehouseRow } from './types.js';
import { found, readArray, readText, requireId, requireText } from './values.js';
import { apiZone } from './zones.js';

const BLOB = 'logistic_route_datas';

interface Step {
  at: number | null;
  pos: number;
  remark: string | null;
  action: string | null;
  areaCode: string | null;
}

export const transformShipmentEvents: Transform = (row, ctx) => {
  const logisticsId = requireText(row.logistic_id, 'logistic_id', 64);
  const orderId = requireId(row.order_id, 'order_id');
  const trace = selectRecord(
    unwrap(parseBlob(row.logistic_route_datas, BLOB), ['result', 'logisticsTrace']),
    BLOB,
    `trace of logistics order ${logisticsId}`,
    (o) => typeof o.logisticsId === 'string' && o.logisticsId.trim() === logisticsId,
  );
  if (trace === undefined) return {};
  if (typeof trace.logisticsId === 'string' && trace.logisticsId.trim() !== '' && trace.logisticsId.trim() !== logisticsId) {
    throw new DataError(`${BLOB}.logisticsId`, `expected the logistic_id column ${logisticsId}, found ${found(trace.logisticsId)}`);
  }

  const nodes = readArray(trace.traceNodeList, `${BLOB}.traceNodeList`);
  const key = nodes.length > 0 ? 'traceNodeList' : 'logisticsSteps';
  const list = nodes.length > 0 ? nodes : readArray(trace.logisticsSteps, `${BLOB}.logisticsSteps`);
  const steps: Step[] = list.map((step, i) => {
    const at = `${BLOB}.${key}[${i}]`;
    if (!isObject(step)) throw new DataError(at, `expected a tracking step object, found ${found(step)}`);
    return {
      at: parseInstant(step.acceptTime, `${at}.acceptTime`, apiZone(ctx)),
      pos: i,
      remark: readText(step.remark, `${at}.remark`, 1024),
      action: readText(step.action, `${at}.action`, 64),
      areaCode: readText(step.areaCode, `${at}.areaCode`, 32),
    };
  });
  steps.sort((a, b) => (a.at === b.at ? a.pos - b.pos : a.at === null ? 1 : b.at === null ? -1 : a.at - b.at));

  const events: WarehouseRow[] = [];
  const seen = new Set<string>();
  for (const s of steps) {
    const fingerprint = JSON.stringify([s.at, s.remark, s.action, s.areaCode]);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    // Masked after deduplication: two steps differing only in a phone number stay two steps.
    events.push({
      logistics_id: logisticsId,
      event_seq: events.length + 1,
      event_at: s.at === null ? null : formatUtc(s.at),
      remark: s.remark === null ? null : maskRemark(s.remark),
      order_id: orderId,
      action: s.action,
      area_code: s.areaCode,
    });
  }
  const out: TransformOutput = { fct_shipment_event: events };
  return out;
};
