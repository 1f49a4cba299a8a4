// Orders, seller view: alibaba.trade.getSellerOrderList (windows of modify/create time, pages of at most
// 20, newest created first) and alibaba.trade.get.sellerView (one order's TradeInfo, the exact blob).
import { BUSINESS } from '../../../api/gateway-codes.js';
import { answer, BusinessError, paramError } from '../envelope.js';
import { memberString, objectMembers, rebuildObject } from '../json-text.js';
import type { Call } from '../operation.js';
import { checkWebSite, paging, requireId, timeWindow } from '../params.js';
import type { OrderRow } from '../store.js';
import { naiveBounds, naiveInterval, parseApiTime } from '../times.js';
import { selectWindow, type Candidate, type TimeFilter } from '../window.js';

/** The statuses the list filter takes (source-shapes §5.1); any other is refused. */
const LIST_STATUSES = new Set(['success', 'cancel', 'waitbuyerpay', 'waitsellersend', 'waitbuyerreceive']);

/** List items leave these out (source-shapes §6.2): the client reads them with get.sellerView. */
const LIST_OMIT = new Set(['orderInvoiceInfo']);
const LIST_REPLACE = new Map([['nativeLogistics', (raw: string) => rebuildObject(raw, { omit: new Set(['logisticsItems']) })]]);

/** A list item: the TradeInfo without nativeLogistics.logisticsItems and orderInvoiceInfo, every other byte kept. */
export function listItem(blob: string): string {
  return rebuildObject(blob, { omit: LIST_OMIT, replace: LIST_REPLACE });
}

/** The order's blob as served now: the drift overlay's when there is a current one. */
function served(call: Call, row: OrderRow & { blob: string }): string {
  return call.drift?.current(row.orderId, row.modifyTime)?.text ?? row.blob;
}

/** Exact create and modify instants of an order blob (baseInfo.createTime / modifyTime). */
function blobTimes(blob: string): Record<string, number> {
  const base = objectMembers(blob).find((m) => m.key === 'baseInfo');
  if (!base) throw new Error('order blob without baseInfo');
  const out: Record<string, number> = {};
  for (const [field, key] of [['create', 'createTime'], ['modify', 'modifyTime']] as const) {
    const text = memberString(blob, key, base.valueStart);
    const ms = text === undefined ? null : parseApiTime(text);
    if (ms === null) throw new Error(`order blob with a baseInfo.${key} that is not yyyyMMddHHmmssSSS±hhmm: ${text}`);
    out[field] = ms;
  }
  return out;
}

interface ListFilter {
  modify: { from: number | null; to: number | null };
  create: { from: number | null; to: number | null };
  status: string | null;
}

/** Every order of the filter, newest created first (then larger id first), drift applied. */
async function orderList(call: Call, f: ListFilter): Promise<Candidate[]> {
  const { store, drift } = call;
  const clock = store.clock;
  const rows = await store.orderCandidates({ modify: naiveBounds(clock, f.modify.from, f.modify.to), create: naiveBounds(clock, f.create.from, f.create.to), status: f.status });
  const cands: Candidate[] = [];
  const seen = new Set<string>();
  const add = (r: OrderRow, createExact?: number) => {
    const moved = drift?.current(r.orderId, r.modifyTime);
    cands.push({
      id: r.orderId,
      times: { create: naiveInterval(clock, r.createTime), modify: naiveInterval(clock, r.modifyTime) },
      exact: { ...(moved ? { modify: moved.modifyMs } : {}), ...(createExact !== undefined ? { create: createExact } : {}) },
    });
    seen.add(r.orderId);
  };
  for (const r of rows) add(r);
  // Moved orders may have moved into this window from outside the column pre-filter.
  const outside = (drift?.ids() ?? []).filter((id) => !seen.has(id));
  if (outside.length > 0) {
    for (const r of (await store.orders(outside)).values()) {
      if (f.status !== null && r.status !== f.status) continue;
      if (drift!.current(r.orderId, r.modifyTime)) add(r, blobTimes(r.blob).create);
    }
  }
  const filters: TimeFilter[] = [
    { field: 'modify', from: f.modify.from, to: f.modify.to },
    { field: 'create', from: f.create.from, to: f.create.to },
  ].filter((x) => x.from !== null || x.to !== null);
  return selectWindow(cands, filters, 'create', async (ids) => {
    const out = new Map<string, Record<string, number>>();
    for (const [id, r] of await store.orders(ids)) out.set(id, blobTimes(served(call, r)));
    return out;
  });
}

/** alibaba.trade.getSellerOrderList: {"result":[TradeInfo…],"totalRecord":N,"success":…}. */
export async function getSellerOrderList(call: Call): Promise<string> {
  const p = call.params;
  const f: ListFilter = {
    modify: timeWindow(p, 'modifyStartTime', 'modifyEndTime'),
    create: timeWindow(p, 'createStartTime', 'createEndTime'),
    status: p.orderStatus === undefined || p.orderStatus === '' ? null : p.orderStatus,
  };
  if (f.status !== null && !LIST_STATUSES.has(f.status)) {
    throw paramError('orderStatus', `expected one of ${[...LIST_STATUSES].join(', ')}, got ${JSON.stringify(f.status.slice(0, 40))}`);
  }
  const { page, pageSize } = paging(p);
  let list = await orderList(call, f);
  const drift = call.drift;
  if (drift && page >= 2 && drift.firstTime(JSON.stringify(f))) {
    const now = await call.store.now();
    const first = await call.store.orders(list.slice(0, drift.perWindow).map((c) => c.id));
    for (const r of first.values()) drift.move(call.store.clock, now, { orderId: r.orderId, modifyTime: r.modifyTime, blob: r.blob });
    list = await orderList(call, f);
  }
  const slice = list.slice((page - 1) * pageSize, page * pageSize);
  const rows = await call.store.orders(slice.map((c) => c.id));
  const items = slice.map((c) => listItem(served(call, rows.get(c.id)!)));
  return answer(call.seq, [['result', `[${items.join(',')}]`], ['totalRecord', String(list.length)]]);
}

/** alibaba.trade.get.sellerView: {"result":<TradeInfo, the store's exact text>,"success":…}. */
export async function getSellerView(call: Call): Promise<string> {
  const orderId = requireId(call.params, 'orderId');
  checkWebSite(call.params);
  const row = await call.store.order(orderId);
  if (!row) throw new BusinessError(BUSINESS.orderNotFound, `no order ${orderId} in this store`);
  return answer(call.seq, [['result', served(call, row)]]);
}
