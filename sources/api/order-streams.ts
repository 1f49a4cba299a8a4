// The streams the API finds through the seller's orders (orders, order_lines, invoices, refunds,
// shipments, shipment_events): a window lists the orders modified in it (alibaba.trade.getSellerOrderList,
// drift-proof, see lister.ts) and each order gives its units, in (listed modify time, order id) order, each
// at the order's listed modify time as its cursor. Parcels move without their order changing (a carrier's
// scans between status changes), so shipments and shipment_events also re-read, every run, the orders
// awaiting shipment or receipt, ahead of the window at its start.
import { SourceError, UsageError } from '../../lib/errors.js';
import { isObject, type JsonObject } from '../../transforms/json.js';
import type { SourceRow } from '../../transforms/types.js';
import type { LookupBy, ReadOptions, ReadWindow, SourceUnit } from '../source.js';
import { isBusinessCode } from './errors.js';
import { BUSINESS } from './gateway-codes.js';
import { listWindow, type Listed, type PageReader } from './lister.js';
import { rawArrayItems, rawValueAt } from './raw-json.js';
import {
  baseInfoOf, invoiceRow, lineRows, logisticsIdOf, objectAt, orderRow, refundModelOf, refundRow, routeRow, shipmentRow, textOf, traceInstants, type TradeInfo,
} from './rows.js';
import { Batcher, boundsOf, cursorIn, encodePosition, EARLIEST, mapLimit, type ApiSession, type ApiStream } from './stream-kit.js';
import { formatApiTime, instantOfNaive, parseApiTime } from './times.js';

const LIST = 'alibaba.trade.getSellerOrderList';
const DETAIL = 'alibaba.trade.get.sellerView';

/** Orders whose parcels may move without the order changing: awaiting shipment (some parcels out) or receipt. */
const IN_TRANSIT = ['waitsellersend', 'waitbuyerreceive'];

/** An order found by a read: its TradeInfo (a list item or the detail), and where it sorts. */
interface FoundOrder {
  trade: TradeInfo;
  /** The TradeInfo is get.sellerView's (a lookup), not a list item's. */
  detailed: boolean;
  /** The listed modify instant (the window start, less one ms, for orders re-read because they are in transit). */
  sortMs: number;
  cursor: string;
  /**
   * For orders found by a window read: the state its answers stand for (order id, listed modify time, the
   * window), under which the streams of a run share them. Lookups ask afresh.
   */
  memoKey?: string;
}

/** A stream's units of one order, without cursor and position (the caller adds them). */
type UnitBody = Omit<SourceUnit, 'cursor' | 'position'>;
type UnitsOfOrder = (s: ApiSession, o: FoundOrder) => Promise<UnitBody[]>;

function listItem(raw: string, body: JsonObject): Listed {
  const base = baseInfoOf({ raw, body });
  const id = textOf(base.idOfStr);
  if (id === null || !/^\d{1,19}$/.test(id)) throw new SourceError(`${LIST}: an order without a usable idOfStr: ${raw.slice(0, 120)}`);
  const at = parseApiTime(textOf(base.modifyTime) ?? '');
  if (at === null) throw new SourceError(`${LIST}: order ${id} has no baseInfo.modifyTime as yyyyMMddHHmmssSSS±hhmm (${JSON.stringify(base.modifyTime)})`);
  return { id, atMs: at, raw, body };
}

/** One page of the seller's order list in a modify-time window (optionally of one status). */
function orderPages(s: ApiSession, status: string | null, signal?: AbortSignal): PageReader {
  return async (fromMs, toMs, page) => {
    const r = await s.client.call(LIST, {
      modifyStartTime: formatApiTime(fromMs, s.zone),
      modifyEndTime: formatApiTime(toMs, s.zone),
      ...(status ? { orderStatus: status } : {}),
      page,
      pageSize: s.lister.pageSize,
    }, signal ? { signal } : {});
    const body = isObject(r.body) ? r.body : {};
    const list = Array.isArray(body.result) ? body.result : [];
    const spans = list.length > 0 ? (rawArrayItems(r.raw, ['result']) ?? []) : [];
    const items = list.map((it, i) => listItem(spans[i]!, isObject(it) ? it : {}));
    return { total: Number(textOf(body.totalRecord) ?? items.length), items };
  };
}

/**
 * The orders of a window in (sort instant, id) order, in chunks: first (when `inTransit` and the window
 * has a start) the orders awaiting shipment or receipt last modified before the window, at the window's
 * start; then the window's own orders, sub-window by sub-window.
 */
async function* foundOrders(s: ApiSession, w: ReadWindow, inTransit: boolean, signal?: AbortSignal): AsyncGenerator<FoundOrder[]> {
  const b = await boundsOf(s, w);
  const lister = { ...s.lister, ...(signal ? { signal } : {}) };
  const toTrade = (l: Listed): TradeInfo => ({ id: l.id, raw: l.raw, body: l.body });
  if (inTransit && b.bounded) {
    // Those modified in the window come with it, those modified after it with the next run's window.
    const extra = new Map<string, FoundOrder>();
    for (const status of IN_TRANSIT) {
      for await (const chunk of listWindow(orderPages(s, status, signal), instantOfNaive(EARLIEST, s.zone, 'start'), b.fromMs, lister, s.listing, s.logger)) {
        for (const l of chunk) {
          extra.set(l.id, { trade: toTrade(l), detailed: false, sortMs: b.fromMs - 1, cursor: b.first, memoKey: `${l.id}@${l.atMs}/${b.fromMs}-${b.toMs}` });
        }
      }
    }
    const list = [...extra.values()].sort((x, y) => (x.trade.id.length - y.trade.id.length) || (x.trade.id < y.trade.id ? -1 : 1));
    if (list.length > 0) yield list;
  }
  for await (const chunk of listWindow(orderPages(s, null, signal), b.fromMs, b.toMs, lister, s.listing, s.logger)) {
    yield chunk.map((l) => ({ trade: toTrade(l), detailed: false, sortMs: l.atMs, cursor: cursorIn(b, l.atMs, s.zone), memoKey: `${l.id}@${l.atMs}/${b.fromMs}-${b.toMs}` }));
  }
}

/** Entities handed to the pool at once: small, so that a batch commits soon after its units are read. */
const PIECE = 20;

function orderStream(opts: { inTransit: boolean; unitsOf: UnitsOfOrder }): ApiStream {
  return {
    cursorKind: 'datetime',
    async *units(s: ApiSession, w: ReadWindow, ro: ReadOptions): AsyncGenerator<SourceUnit[]> {
      const batcher = new Batcher(ro.batchSize, ro.after);
      for await (const chunk of foundOrders(s, w, opts.inTransit, ro.signal)) {
        for (let i = 0; i < chunk.length; i += PIECE) {
          if (ro.signal?.aborted) return;
          const piece = chunk.slice(i, i + PIECE);
          const per = await mapLimit(piece, s.parallel, (o) => opts.unitsOf(s, o), ro.signal);
          const units = per.flatMap((list, k) => list.map((u, j): SourceUnit => ({ ...u, cursor: piece[k]!.cursor, position: encodePosition([piece[k]!.sortMs, piece[k]!.trade.id, j]) })));
          for (const batch of batcher.add(units)) yield batch;
        }
      }
      for (const batch of batcher.rest()) yield batch;
    },
    async lookup(s: ApiSession, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
      void by; // every order-driven stream is looked up through its orders; `key` of orders is the order id
      const wanted = [...new Set(ids)].filter((id) => /^\d{1,19}$/.test(id));
      const details = await mapLimit(wanted, s.parallel, (id) => detail(s, id));
      const found = details.filter((t): t is TradeInfo => t !== undefined);
      const per = await mapLimit(found, s.parallel, async (trade) => {
        const row = orderRow(trade, s.zone);
        const o: FoundOrder = { trade, detailed: true, sortMs: 0, cursor: row.modify_time ?? '' };
        return (await opts.unitsOf(s, o)).map((u, j): SourceUnit => ({ ...u, cursor: u.version, position: encodePosition([0, trade.id, j]) }));
      });
      return per.flat();
    },
  };
}

/** The order's TradeInfo from get.sellerView; undefined for an order the API does not know. */
async function detail(s: ApiSession, orderId: string): Promise<TradeInfo | undefined> {
  try {
    const r = await s.client.call(DETAIL, { orderId, webSite: '1688' }, { requireKey: 'result' });
    const body = isObject(r.body) && isObject(r.body.result) ? r.body.result : undefined;
    const raw = rawValueAt(r.raw, ['result']);
    if (!body || raw === undefined) throw new SourceError(`${DETAIL}: order ${orderId} came back without a TradeInfo object`);
    return { id: orderId, raw, body };
  } catch (err) {
    if (isBusinessCode(err, BUSINESS.orderNotFound)) return undefined;
    throw err;
  }
}

/** The detail of a listed order; undefined (with a warning) when the API no longer knows it. */
async function detailOf(s: ApiSession, o: FoundOrder): Promise<TradeInfo | undefined> {
  if (o.detailed) return o.trade;
  const d = o.memoKey ? await s.memo.get(`detail:${o.memoKey}`, () => detail(s, o.trade.id)) : await detail(s, o.trade.id);
  if (!d) s.logger.warn('an order listed by the API is gone from its detail view; it is read again when it is listed again', { order: o.trade.id });
  return d;
}

const orders: UnitsOfOrder = async (s, o) => {
  const d = await detailOf(s, o);
  if (!d) return [];
  const row = orderRow(d, s.zone);
  return [{ key: d.id, version: row.modify_time ?? '', rows: [row] }];
};

// Lines come whole in the list item (it lacks only logisticsItems and orderInvoiceInfo, §6.2): no call per order.
const orderLines: UnitsOfOrder = async (s, o) => {
  const order = orderRow(o.trade, s.zone);
  return [{ key: o.trade.id, version: order.modify_time ?? '', rows: lineRows(o.trade, order) }];
};

const invoices: UnitsOfOrder = async (s, o) => {
  const d = await detailOf(s, o);
  if (!d) return [];
  const order = orderRow(d, s.zone);
  const rows: SourceRow[] = [];
  if (d.body.orderInvoiceInfo !== undefined && d.body.orderInvoiceInfo !== null) {
    try {
      const r = await s.client.call('alibaba.invoice.get', { orderId: d.id }, { requireKey: 'result' });
      const model = isObject(r.body) ? objectAt(r.body, 'result') : undefined;
      const raw = rawValueAt(r.raw, ['result']);
      // An answer without the invoice must not read as "no invoice": that would delete the one loaded.
      if (!model || raw === undefined) throw new SourceError(`alibaba.invoice.get: the invoice of order ${d.id} came back without an OrderInvoiceModel`);
      rows.push(invoiceRow(order, raw, model));
    } catch (err) {
      if (!isBusinessCode(err, BUSINESS.invoiceNotFound)) throw err;
    }
  }
  return [{ key: d.id, version: order.modify_time ?? '', rows }];
};

const TQ = (v: string | null) => (v === null || v.trim() === '' ? null : /^\d+$/.test(v.trim()) ? `TQ${v.trim()}` : v.trim());

/**
 * The refunds of an order: its in-sale refund (baseInfo.refundId) and every line's refundId and
 * refundIdForAs (after-sales refunds are listed nowhere else), plus, when it shows in-sale refund
 * activity, what the batch query lists in progress or succeeded.
 */
async function refundIds(s: ApiSession, t: TradeInfo): Promise<string[]> {
  const base = baseInfoOf(t);
  const ids = new Set<string>();
  const add = (v: string | null) => {
    const id = TQ(v);
    if (id) ids.add(id);
  };
  add(textOf(base.refundId));
  for (const it of Array.isArray(t.body.productItems) ? t.body.productItems : []) {
    if (isObject(it)) {
      add(textOf(it.refundId));
      add(textOf(it.refundIdForAs));
    }
  }
  if (textOf(base.refundStatus)) {
    for (const queryType of ['1', '3']) {
      const r = await s.client.call('alibaba.trade.refund.OpQueryBatchRefundByOrderIdAndStatus.sellerView', { orderId: t.id, queryType });
      const list = isObject(r.body) ? objectAt(r.body, 'result')?.opOrderRefundModels : undefined;
      for (const m of Array.isArray(list) ? list : []) if (isObject(m)) add(textOf(m.refundId) ?? textOf(m.id));
    }
  }
  return [...ids].sort();
}

/** One refund's row from OpQueryOrderRefund (the exact model: both flags set); undefined when the API does not know it. */
async function refund(s: ApiSession, refundId: string, orderId: string | null): Promise<UnitBody | undefined> {
  let r;
  try {
    r = await s.client.call('alibaba.trade.refund.OpQueryOrderRefund.sellerView', { refundId, needTimeOutInfo: true, needOrderRefundOperation: true }, { requireKey: 'result' });
  } catch (err) {
    if (isBusinessCode(err, BUSINESS.refundNotFound)) return undefined;
    throw err;
  }
  const result = isObject(r.body) && isObject(r.body.result) ? r.body.result : undefined;
  const model = result ? refundModelOf(result) : undefined;
  const raw = rawValueAt(r.raw, ['result']);
  if (!model || raw === undefined) throw new SourceError(`OpQueryOrderRefund: refund ${refundId} came back without an OpOrderRefundModel`);
  const row = refundRow(orderId, raw, model, s.zone);
  return { key: row.refund_id ?? refundId, version: row.gmt_modified ?? '', rows: [row] };
}

const refunds: UnitsOfOrder = async (s, o) => {
  const out: UnitBody[] = [];
  for (const id of await refundIds(s, o.trade)) {
    const u = await refund(s, id, o.trade.id);
    if (u) out.push(u);
    else s.logger.warn('an order names a refund the API does not know', { order: o.trade.id, refund: id });
  }
  return out;
};

/** Elements of an array answer at `key`, exact text and parse; [] for "not shipped yet" (500_2). */
async function logistics(s: ApiSession, op: string, key: string, orderId: string): Promise<Array<{ raw: string; body: JsonObject }>> {
  let r;
  try {
    r = await s.client.call(op, { orderId, webSite: '1688' });
  } catch (err) {
    if (isBusinessCode(err, BUSINESS.notShipped)) return [];
    throw err;
  }
  const list = isObject(r.body) && Array.isArray(r.body[key]) ? r.body[key] : [];
  const spans = list.length > 0 ? (rawArrayItems(r.raw, [key]) ?? []) : [];
  return list.map((b, i) => {
    if (!isObject(b) || spans[i] === undefined) throw new SourceError(`${op}: element ${i} of "${key}" for order ${orderId} is not an object: ${JSON.stringify(b).slice(0, 80)}`);
    return { raw: spans[i]!, body: b };
  });
}

/** The tracking of an order's parcels, shared by shipments and shipment_events within a run. */
function traceOf(s: ApiSession, o: FoundOrder): Promise<Array<{ raw: string; body: JsonObject }>> {
  const read = () => logistics(s, 'alibaba.trade.getLogisticsTraceInfo.sellerView', 'logisticsTrace', o.trade.id);
  return o.memoKey ? s.memo.get(`trace:${o.memoKey}`, read) : read();
}

/** An order that was never paid has never shipped: no logistics call for it. */
const mayHaveShipped = (t: TradeInfo) => textOf(baseInfoOf(t).status) !== 'waitbuyerpay';

const shipments: UnitsOfOrder = async (s, o) => {
  if (!mayHaveShipped(o.trade)) return [];
  const parcels = await logistics(s, 'alibaba.trade.getLogisticsInfos.sellerView', 'result', o.trade.id);
  if (parcels.length === 0) return [];
  const traces = await traceOf(s, o);
  const stepsOf = new Map(traces.map((t) => [textOf(t.body.logisticsId) ?? '', traceInstants(t.body, s.zone)]));
  return parcels.map((p): UnitBody => {
    const row = shipmentRow(o.trade.id, p.raw, p.body, stepsOf.get(logisticsIdOf(p.body) ?? '') ?? [], s.zone);
    return { key: row.logistic_id ?? '', version: row.gmt_modified ?? '', rows: [row] };
  });
};

const shipmentEvents: UnitsOfOrder = async (s, o) => {
  if (!mayHaveShipped(o.trade)) return [];
  return (await traceOf(s, o)).map((t): UnitBody => {
    const row = routeRow(o.trade.id, t.raw, t.body, s.zone);
    return { key: row.logistic_id ?? '', version: row.gmt_modified ?? '', rows: [row] };
  });
};

/** Refunds looked up by refund id: one call each, the order id from the model's exact digits. */
async function refundsByKey(s: ApiSession, ids: string[]): Promise<SourceUnit[]> {
  const wanted = [...new Set(ids.map((id) => TQ(id)).filter((id): id is string => id !== null))];
  const found = await mapLimit(wanted, s.parallel, (id) => refund(s, id, null));
  return found.filter((u): u is UnitBody => u !== undefined).map((u, j) => ({ ...u, cursor: u.version, position: encodePosition([0, u.key, j]) }));
}

const refundStream = orderStream({ inTransit: false, unitsOf: refunds });
const shipmentStream = orderStream({ inTransit: true, unitsOf: shipments });
const eventStream = orderStream({ inTransit: true, unitsOf: shipmentEvents });

export const ORDER_STREAMS: Readonly<Record<string, ApiStream>> = {
  orders: orderStream({ inTransit: false, unitsOf: orders }),
  order_lines: orderStream({ inTransit: false, unitsOf: orderLines }),
  invoices: orderStream({ inTransit: false, unitsOf: invoices }),
  refunds: { ...refundStream, lookup: (s, by, ids) => (by === 'key' ? refundsByKey(s, ids) : refundStream.lookup(s, by, ids)) },
  shipments: { ...shipmentStream, lookup: (s, by, ids) => byOrderOnly('shipments', by, () => shipmentStream.lookup(s, by, ids)) },
  shipment_events: { ...eventStream, lookup: (s, by, ids) => byOrderOnly('shipment_events', by, () => eventStream.lookup(s, by, ids)) },
};

function byOrderOnly(stream: string, by: LookupBy, go: () => Promise<SourceUnit[]>): Promise<SourceUnit[]> {
  if (by !== 'order') return Promise.reject(new UsageError(`the 1688 API finds ${stream} through their orders: look them up by order id`));
  return go();
}
