// The synthetic store over time: its persisted state (seed, simulated clock, batches, next ids), the
// catalog it needs, and the row changes one run makes, produced in chunks (memory stays bounded).
// A run moves the clock from `from` to `to`: new orders are rendered at `to`; existing orders and
// products are rendered at `from` and at `to`, and only rows that differ are written.
import { buildProduct, type Product, type ProductEvent } from './catalog.js';
import { categoryNodes, categoryRows, leafNodes } from './categories.js';
import { DAY, HOUR, ZoneClock } from './clock.js';
import { MAX_LIFE } from './order-plan.js';
import { planOrder } from './orders.js';
import { renderOrder, type OrderRows } from './order-rows.js';
import { productRow } from './product-row.js';
import { hashUnit, Stream } from './random.js';
import { sourceTables, TABLE_KEYS, type Row, type TableKey } from './tables.js';
import { createMs, lastTouch, makeWorld, type Batch, type World } from './world.js';

export const DEFAULT_SEED = 1688;
export const DEFAULT_START = '2024-05-01';
export const DEFAULT_DAYS = 30;
/** Products the store lists: one per 20 orders, at least 20. */
export const productTarget = (orders: number): number => Math.max(20, Math.round(orders / 20));

export interface ProductBatch {
  first: number;
  count: number;
  from: number;
  to: number;
  /** The store's first catalog: most of its products were listed long before the first order. */
  initial: boolean;
}

/** What the generator remembers in its marker table between runs. */
export interface GeneratorState {
  version: 1;
  seed: number;
  sourceTz: string;
  start: string;
  /** Simulated clock (epoch ms): the store shows every plan cut at this instant. */
  clock: number;
  orderIdColumns: boolean;
  batches: Batch[];
  productBatches: ProductBatch[];
  /** Next surrogate id per table. */
  nextId: Record<TableKey, number>;
  /** Rows per table written by the generator. */
  rows: Record<TableKey, number>;
  /** 'writing' while a run is in progress: a run that died part-way leaves the store unusable. */
  status: 'writing' | 'ready';
}

export const zeroCounts = (): Record<TableKey, number> => Object.fromEntries(TABLE_KEYS.map((k) => [k, 0])) as Record<TableKey, number>;

export function newState(seed: number, sourceTz: string, start: string, orderIdColumns: boolean, firstIds: Record<TableKey, number>): GeneratorState {
  const clock = new ZoneClock(sourceTz).startOfDate(start);
  return { version: 1, seed, sourceTz, start, clock, orderIdColumns, batches: [], productBatches: [], nextId: { ...firstIds }, rows: zeroCounts(), status: 'ready' };
}

export const totalOrders = (s: GeneratorState): number => s.batches.reduce((a, b) => a + b.orders, 0);
export const totalProducts = (s: GeneratorState): number => s.productBatches.reduce((a, b) => a + b.count, 0);

/** One run: the clock moves from `from` to `to`, `orders` new orders and any products the catalog now needs. */
export interface Run {
  from: number;
  to: number;
  isNew: boolean;
  batch: Batch;
  productBatch: ProductBatch | null;
  existingOrders: number;
  existingProducts: number;
}

/** Plans a run up to simulated instant `to` and returns the state as it will be once the run is written (status 'writing'). */
export function beginRun(state: GeneratorState, orders: number, to: number): { run: Run; state: GeneratorState } {
  const from = state.clock;
  if (!(to > from)) throw new Error(`a run must move the simulated clock forward (from ${from} to ${to})`);
  const existingOrders = totalOrders(state);
  const existingProducts = totalProducts(state);
  const isNew = state.batches.length === 0 && state.productBatches.length === 0;
  const want = productTarget(existingOrders + orders);
  const productBatch: ProductBatch | null = want > existingProducts ? { first: existingProducts, count: want - existingProducts, from, to, initial: isNew } : null;
  const batch: Batch = { from, to, firstOrder: existingOrders, orders, products: Math.max(want, existingProducts) };
  const next: GeneratorState = {
    ...state,
    clock: to,
    batches: orders > 0 ? [...state.batches, batch] : state.batches,
    productBatches: productBatch ? [...state.productBatches, productBatch] : state.productBatches,
    status: 'writing',
  };
  return { run: { from, to, isNew, batch, productBatch, existingOrders, existingProducts }, state: next };
}

/** Creation window of product `index` in its batch: the first catalog mostly predates the store by up to 18 months. */
function productWindow(seed: number, b: ProductBatch, index: number): { from: number; to: number } {
  if (b.initial && hashUnit(seed, Stream.ProductLife, index) < 0.95) return { from: b.from - 540 * DAY, to: b.from - DAY };
  return { from: b.from, to: Math.max(b.from + 1, b.to - HOUR) };
}

/** Every product of the store, with its life built up to `horizon`. */
export function buildCatalog(state: GeneratorState, horizon: number): Product[] {
  const leaves = leafNodes(categoryNodes());
  const keepFrom = state.productBatches[0]?.from ?? horizon;
  const out: Product[] = [];
  for (const b of state.productBatches) {
    for (let i = b.first; i < b.first + b.count; i++) out.push(buildProduct(state.seed, i, leaves, productWindow(state.seed, b, i), horizon, keepFrom));
  }
  return out;
}

/** Where product_datas is in a product row. */
const PRODUCT_BLOB = sourceTables().product.columns.indexOf('product_datas');

/** The inverse of perm6's multiplier modulo 10^6 (perm6(x) = (x·738119 + 318023) mod 10^6). */
const PERM6_INVERSE = (() => {
  for (let k = 1; k < 1e6; k++) if ((738119 * k) % 1e6 === 1) return k;
  throw new Error('perm6 has no inverse');
})();

/**
 * Product `productId` as 1688 holds it at the store's clock: its alibaba.product.get answer (the
 * generator's product_datas), also for a product whose replica row has no blob (Cloud Hub's copy may lack
 * it; 1688 always has the record). Undefined for an id that is none of the store's products. Builds the
 * one product (its index is in its id's last six digits), not the catalog.
 */
export function productRecord(state: GeneratorState, productId: string): string | undefined {
  if (!/^6\d{11}$/.test(productId)) return undefined;
  const keepFrom = state.productBatches[0]?.from ?? state.clock;
  const total = totalProducts(state);
  const clock = new ZoneClock(state.sourceTz);
  // perm6 sees the index modulo 10^6: the indices with those six digits are r, r + 10^6, …
  for (let i = (((Number(productId.slice(-6)) - 318023 + 1e6) % 1e6) * PERM6_INVERSE) % 1e6; i < total; i += 1e6) {
    const b = state.productBatches.find((x) => i >= x.first && i < x.first + x.count)!;
    const p = buildProduct(state.seed, i, leafNodes(categoryNodes()), productWindow(state.seed, b, i), state.clock, keepFrom);
    if (p.id !== productId) continue;
    const row = productRow(state.seed, clock, { ...p, nullBlob: false }, state.clock);
    return row?.[PRODUCT_BLOB] ?? undefined;
  }
  return undefined;
}

export function worldFor(state: GeneratorState, horizon: number): World {
  return makeWorld(state.seed, new ZoneClock(state.sourceTz), buildCatalog(state, horizon), state.batches);
}

/** Rows to insert (new ids) and rows to update (looked up by natural key; `hint` is the row's previous modify column). */
export interface ChangeSet {
  inserts: Record<TableKey, Row[]>;
  updates: Record<TableKey, Array<{ row: Row; hint: string | null }>>;
}

export function emptyChanges(): ChangeSet {
  return {
    inserts: Object.fromEntries(TABLE_KEYS.map((k) => [k, []])) as unknown as ChangeSet['inserts'],
    updates: Object.fromEntries(TABLE_KEYS.map((k) => [k, []])) as unknown as ChangeSet['updates'],
  };
}

/** What a run changed, by kind (for the summary and the tests). */
export type Tally = Record<string, number>;

const bump = (t: Tally, k: string, n = 1) => {
  t[k] = (t[k] ?? 0) + n;
};

export function categoryChanges(state: GeneratorState, before: number): ChangeSet {
  const c = emptyChanges();
  c.inserts.category = categoryRows(state.seed, new ZoneClock(state.sourceTz), before);
  return c;
}

/** Product rows, in chunks of `size` products: new ones inserted, existing ones updated where their life moved in (from, to]. */
export function* productChunks(w: World, run: Run, size: number, tally: Tally): Generator<ChangeSet> {
  let c = emptyChanges();
  for (const p of w.products) {
    if (c.inserts.product.length + c.updates.product.length >= size) {
      yield c;
      c = emptyChanges();
    }
    const next = productRow(w.seed, w.clock, p, run.to, w.china);
    if (!next) continue;
    if (p.index >= run.existingProducts) {
      c.inserts.product.push(next);
      bump(tally, 'products.new');
      continue;
    }
    const prev = productRow(w.seed, w.clock, p, run.from, w.china);
    if (prev && sameRow(prev, next)) continue;
    for (const s of p.life) if (s.t > run.from && s.t <= run.to) bump(tally, `products.${PRODUCT_TALLY[s.kind]}`);
    if (prev) c.updates.product.push({ row: next, hint: null });
    else c.inserts.product.push(next);
  }
  yield c;
}

const PRODUCT_TALLY: Record<ProductEvent, string> = {
  create: 'created', audit: 'audits', approve: 'audits', reject: 'audits', publish: 'audits', price: 'edits', stock: 'edits', title: 'edits',
  repost: 'reposts', expire: 'expirations', offline: 'expirations', tbd: 'deletions', delete: 'deletions',
};

function sameRow(a: Row, b: Row): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** New orders of the run, rendered at its end, in chunks of `size` orders. */
export function* newOrderChunks(w: World, run: Run, size: number, tally: Tally): Generator<ChangeSet> {
  const { firstOrder, orders } = run.batch;
  for (let start = firstOrder; start < firstOrder + orders; start += size) {
    const c = emptyChanges();
    for (let i = start; i < Math.min(firstOrder + orders, start + size); i++) {
      const rows = renderOrder(w, planOrder(w, i), run.to);
      addInserts(c, rows);
      bump(tally, 'orders.new');
    }
    yield c;
  }
}

function addInserts(c: ChangeSet, r: OrderRows): void {
  c.inserts.order.push(r.order);
  for (const x of r.lines) c.inserts.order_line.push(x);
  for (const x of r.refunds) c.inserts.order_refund.push(x);
  if (r.invoice) c.inserts.invoice.push(r.invoice);
  for (const x of r.logistics) c.inserts.logistics_order.push(x);
  for (const x of r.routes) c.inserts.logistics_route.push(x);
}

/** Hint (previous modify column) used to find an existing row by an indexed column. */
const HINT: Partial<Record<TableKey, number>> = { order_refund: 4, logistics_order: 5, logistics_route: 5 };

function diff(c: ChangeSet, table: TableKey, prev: Row[], next: Row[], tally: Tally): void {
  const before = new Map(prev.map((r) => [r[1]!, r]));
  for (const row of next) {
    const old = before.get(row[1]!);
    if (!old) {
      c.inserts[table].push(row);
      bump(tally, `${table}.new`);
    } else if (!sameRow(old, row)) {
      const h = HINT[table];
      c.updates[table].push({ row, hint: h === undefined ? null : old[h]! });
      bump(tally, `${table}.changed`);
    }
  }
}

/** Existing orders whose rows change in (from, to]: status moves, refunds, shipments, scans, nightly touches. */
export function* changedOrderChunks(w: World, run: Run, size: number, tally: Tally): Generator<ChangeSet> {
  let c = emptyChanges();
  let n = 0;
  for (let i = 0; i < run.existingOrders; i++) {
    const created = createMs(w, i);
    // Orders past their life change only when the nightly batch touches them.
    const touched = (lastTouch(w, i, created, run.to) ?? -Infinity) > run.from;
    if (created < run.from - MAX_LIFE && !touched) continue;
    const plan = planOrder(w, i);
    if (plan.lastEventMs <= run.from && !touched) continue;
    const prev = renderOrder(w, plan, run.from);
    const next = renderOrder(w, plan, run.to);
    if (!sameRow(prev.order, next.order)) {
      c.updates.order.push({ row: next.order, hint: null });
      bump(tally, prev.order[8] !== next.order[8] ? 'orders.status' : 'orders.modified');
    }
    diff(c, 'order_line', prev.lines, next.lines, tally);
    diff(c, 'order_refund', prev.refunds, next.refunds, tally);
    diff(c, 'invoice', prev.invoice ? [prev.invoice] : [], next.invoice ? [next.invoice] : [], tally);
    diff(c, 'logistics_order', prev.logistics, next.logistics, tally);
    diff(c, 'logistics_route', prev.routes, next.routes, tally);
    if (++n >= size) {
      yield c;
      c = emptyChanges();
      n = 0;
    }
  }
  if (n > 0) yield c;
}
