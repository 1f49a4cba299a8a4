// Reconciles source and warehouse per stream: row counts, per-day order counts and amounts, refund
// money in fen, line sums and line discounts against their order, and exact extreme ids. Names every mismatch.
import type { Db } from '../lib/db.js';
import { eachRow, rawRows } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { StateStore } from '../sinks/state/store.js';
import { inspectSource, quoteIdent, type SourceSchema } from '../sources/replica.js';
import { localDate, parseInstant } from '../transforms/time.js';

export interface Check { stream: string; name: string; ok: boolean; detail: string }

export interface VerifyResult { ok: boolean; checks: Check[] }

/** Exact integer fen of a money column of 2 places, whatever the database stores (DECIMAL, NUMERIC or fixed-scale text). */
const fen = (d: Db, col: string) => d.sql.smallestUnits(col, 2);

async function one(db: Db, sql: string, bind: unknown[] = []): Promise<Record<string, unknown>> {
  return (await rawRows<Record<string, unknown>>(db, db.dialect, sql, bind))[0] ?? {};
}

const n = (v: unknown) => (v === null || v === undefined ? 0n : BigInt(String(v).split('.')[0]!));

/** Exact decimal text (up to 2 places) to fen. */
function yuanTextToFen(text: string): bigint {
  const m = /^(-?)(\d*)(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!m) return 0n;
  const v = BigInt(m[2] || '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -v : v;
}

function fmtFen(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

async function openRejectKeys(wh: Db, stream: string): Promise<Set<string>> {
  const keys = await StateStore.of(wh).openRejectKeys(stream);
  // Multi-column keys are written as parent:child (invoices): the child part names the row too.
  return new Set([...keys].flatMap((k) => [k, k.split(':').pop()!]));
}

async function keys(db: Db, sql: string, bind: unknown[] = []): Promise<Set<string>> {
  return new Set((await rawRows<{ k: unknown }>(db, db.dialect, sql, bind)).map((r) => String(r.k)));
}

/** Up to ten keys of a list, and how many there are in all. */
class Sample {
  readonly keys: string[] = [];
  total = 0;
  add(k: string): void {
    if (this.keys.length < 10) this.keys.push(k);
    this.total++;
  }
  toString(): string {
    return `${this.keys.join(', ')}${this.total > this.keys.length ? `, … (${this.total} in all)` : ''}`;
  }
}

/** The distinct keys of one side, sorted: ids as 64-bit integers (8 bytes each), anything else as text. */
interface SortedKeys { ints: BigUint64Array; texts: string[] }

const MAX_U64 = (1n << 64n) - 1n;
const CANONICAL_UINT = /^(?:0|[1-9]\d{0,19})$/;

/**
 * Reads one column of a whole table (or of the state) as sorted distinct keys without holding its rows: 2.2 million
 * order-line ids take 18 MB, where a Set of strings took over 200 MB. A key is kept as an integer
 * only in its canonical decimal form ("0123" stays text), the same rule on both sides, so a source
 * VARCHAR id and a warehouse BIGINT id compare equal exactly when their texts are equal.
 */
async function sortedKeys(each: (fn: (k: unknown) => void) => Promise<void>): Promise<SortedKeys> {
  let ints = new BigUint64Array(1 << 16);
  let n = 0;
  const texts: string[] = [];
  await each((k) => {
    if (k === null || k === undefined) return;
    const text = String(k);
    const v = CANONICAL_UINT.test(text) ? BigInt(text) : -1n;
    if (v < 0n || v > MAX_U64) {
      texts.push(text);
      return;
    }
    if (n === ints.length) {
      const grown = new BigUint64Array(ints.length * 2);
      grown.set(ints);
      ints = grown;
    }
    ints[n++] = v;
  });
  const sorted = ints.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
  texts.sort();
  return { ints: sorted.slice(0, m), texts: texts.filter((t, i) => i === 0 || t !== texts[i - 1]) };
}

/** The first column of a query's rows, one by one. */
const columnOf = (db: Db, sql: string) => (fn: (k: unknown) => void) => eachRow<{ k: unknown }>(db, sql, [], (r) => fn(r.k));

/** Walks two sorted key lists side by side, calling back for keys only in `a` and keys only in `b`. */
function diffKeys(a: SortedKeys, b: SortedKeys, onlyA: (k: string) => void, onlyB: (k: string) => void): void {
  const walk = <K extends bigint | string>(x: ArrayLike<K>, y: ArrayLike<K>) => {
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (j >= y.length || (i < x.length && x[i]! < y[j]!)) onlyA(String(x[i++]));
      else if (i >= x.length || y[j]! < x[i]!) onlyB(String(y[j++]));
      else { i++; j++; }
    }
  };
  walk(a.ints, b.ints);
  walk(a.texts, b.texts);
}

/** Where each stream's rows live and how to find the source rows newer than its watermark ("pending"). */
interface CountSpec {
  stream: string;
  source: string;
  sourceKey: string;
  /** The warehouse table, or `state`: the stream's row fingerprints (a stream without a table of one row per key). */
  warehouse: string;
  warehouseKey: string;
  /** Source keys whose cursor is at or past the watermark: not loaded yet, by design. */
  pending?: (src: Db, schema: SourceSchema) => string;
}

const ordersChangedSince = (src: Db) => `select ${src.sql.int('order_id')} from ali1688_order where modify_time >= ?`;

const COUNTS: CountSpec[] = [
  { stream: 'categories', source: 'ali1688_category', sourceKey: 'category_id', warehouse: 'dim_category', warehouseKey: 'category_id' },
  { stream: 'products', source: 'ali1688_product', sourceKey: 'product_id', warehouse: 'dim_product', warehouseKey: 'product_id',
    pending: () => 'select product_id as k from ali1688_product where last_update_time >= ?' },
  { stream: 'orders', source: 'ali1688_order', sourceKey: 'order_id', warehouse: 'fct_order', warehouseKey: 'order_id',
    pending: () => 'select order_id as k from ali1688_order where modify_time >= ?' },
  { stream: 'order_lines', source: 'ali1688_order_line', sourceKey: 'sub_item_id', warehouse: 'fct_order_line', warehouseKey: 'sub_item_id',
    pending: (src) => `select sub_item_id as k from ali1688_order_line where order_id in (${ordersChangedSince(src)})` },
  { stream: 'invoices', source: 'ali1688_invoice', sourceKey: 'local_invoice_id', warehouse: 'fct_invoice', warehouseKey: 'local_invoice_id',
    pending: (src, schema) => `select local_invoice_id as k from ali1688_invoice where ${src.sql.id(schema.orderColumn.get('ali1688_invoice') ?? 'order_id')} in (${ordersChangedSince(src)})` },
  { stream: 'refunds', source: 'ali1688_order_refund', sourceKey: 'refund_id', warehouse: 'fct_refund', warehouseKey: 'refund_id',
    pending: () => 'select refund_id as k from ali1688_order_refund where gmt_modified >= ?' },
  { stream: 'shipments', source: 'ali1688_logistics_order', sourceKey: 'logistic_id', warehouse: 'fct_shipment', warehouseKey: 'logistics_id',
    pending: () => 'select logistic_id as k from ali1688_logistics_order where gmt_modified > ?' },
  { stream: 'shipment_events', source: 'ali1688_logistics_route', sourceKey: 'logistic_id', warehouse: 'state', warehouseKey: 'source_key',
    pending: () => 'select logistic_id as k from ali1688_logistics_route where gmt_modified > ?' },
];

async function watermarks(wh: Db): Promise<Map<string, string>> {
  return new Map([...(await StateStore.of(wh).watermarks())].map(([stream, w]) => [stream, w.cursorValue]));
}

/** Source keys of a stream that its last run could not have loaded yet (cursor at or past the watermark). */
async function pendingKeys(src: Db, schema: SourceSchema, c: CountSpec, watermark: string | undefined): Promise<Set<string> | 'all'> {
  if (!c.pending) return new Set();
  if (watermark === undefined) return 'all';
  return keys(src, c.pending(src, schema), [watermark]);
}

async function countChecks(src: Db, schema: SourceSchema, wh: Db, marks: Map<string, string>, checks: Check[], stop: (step: string) => Promise<void>): Promise<void> {
  for (const c of COUNTS) {
    await stop(`row count of ${c.stream}`);
    const s = Number((await one(src, `select count(*) as n from ${src.sql.id(c.source)}`)).n ?? 0);
    const state = c.warehouse === 'state' ? StateStore.of(wh) : null;
    const where = state ? 'etl_row_state' : c.warehouse;
    const w = state ? await state.rowStateCount(c.stream) : Number((await one(wh, `select count(*) as n from ${c.warehouse}`)).n ?? 0);
    if (s === w) {
      checks.push({ stream: c.stream, name: 'row count', ok: true, detail: `${s} source rows, ${w} in ${where}` });
      continue;
    }
    // Counts differ: compare the keys themselves, then excuse rows the last run could not see yet.
    const a = await sortedKeys(columnOf(src, `select ${src.sql.id(c.sourceKey)} as k from ${src.sql.id(c.source)}`));
    const b = await sortedKeys(state ? (fn) => state.eachRowStateKey(c.stream, fn) : columnOf(wh, `select ${c.warehouseKey} as k from ${c.warehouse}`));
    const pending = await pendingKeys(src, schema, c, marks.get(c.stream));
    const rejects = await openRejectKeys(wh, c.stream);
    const missing = new Sample();
    const extra = new Sample();
    let waiting = 0;
    let rejected = 0;
    diffKeys(a, b, (k) => {
      if (pending === 'all' || pending.has(k)) waiting++;
      else if (rejects.has(k)) rejected++;
      else missing.add(k);
    }, (k) => extra.add(k));
    const parts = [`${s} source rows, ${w} in ${where}`];
    if (missing.total) parts.push(`missing in the warehouse: ${missing}`);
    if (extra.total) parts.push(`not in the source: ${extra}`);
    if (rejected) parts.push(`${rejected} rejected (see etl_reject)`);
    if (waiting) parts.push(`${waiting} newer than the watermark, loaded by the next run`);
    checks.push({ stream: c.stream, name: 'row count', ok: missing.total === 0 && extra.total === 0, detail: parts.join('; ') });
  }
}

/** Orders changed since the orders watermark: left out of the amount comparisons on both sides. */
const MAX_IN_FLIGHT = 50_000;

function notIn(col: string, list: string[]): string {
  return list.length === 0 ? '1 = 1' : `${col} not in (${list.map((k) => (/^\d{1,19}$/.test(k) ? k : '0')).join(', ')})`;
}

/** The zones that decide an order's day: the replica's create_time is read in sourceTz, order_date is the storeTz day. */
export interface VerifyZones { sourceTz: string; storeTz: string }

async function orderDayChecks(src: Db, wh: Db, marks: Map<string, string>, checks: Check[], zones?: VerifyZones): Promise<void> {
  const wm = marks.get('orders');
  if (wm === undefined) {
    checks.push({ stream: 'orders', name: 'orders and goods value per day', ok: false, detail: 'the orders stream has never run' });
    return;
  }
  const recent = [...(await keys(src, 'select order_id as k from ali1688_order where modify_time >= ?', [wm]))];
  if (recent.length > MAX_IN_FLIGHT) {
    checks.push({ stream: 'orders', name: 'orders and goods value per day', ok: false, detail: `${recent.length} orders changed since the last run; run hub-etl run, then verify` });
    return;
  }
  // The day as the replica writes it is the order's day when the store keeps the replica's calendar;
  // otherwise each create_time is converted (sourceTz instant, storeTz day) as the transforms do.
  const convert = zones !== undefined && zones.sourceTz !== zones.storeTz;
  const day = convert
    ? src.sql.timestampText('create_time')
    : src.sql.dayText('create_time');
  // Per-day counts and goods value of the orders the last run saw in their current version; rows whose
  // text column is empty take the value from their blob.
  const srcDays = new Map<string, { n: number; fen: bigint }>();
  await eachRow<{ d: unknown; v: unknown; order_blob: unknown }>(
    src,
    `select ${day} as d, sum_product_payment as v, case when sum_product_payment is null or sum_product_payment = '' then order_datas else null end as order_blob from ali1688_order where modify_time < ?`,
    [wm],
    (r) => {
      let v = r.v === null ? '' : String(r.v);
      if (v === '' && r.order_blob) v = /"sumProductPayment"\s*:\s*"?(-?[0-9.]+)/.exec(String(r.order_blob))?.[1] ?? '';
      let d = String(r.d);
      if (convert) {
        const ms = parseInstant(d, 'create_time', zones!.sourceTz);
        d = ms === null ? d.slice(0, 10) : localDate(zones!.storeTz, ms);
      }
      const e = srcDays.get(d) ?? { n: 0, fen: 0n };
      e.n++;
      e.fen += v ? yuanTextToFen(v) : 0n;
      srcDays.set(d, e);
    },
  );
  const whDays = new Map<string, { n: number; fen: bigint }>();
  for (const r of await rawRows<{ d: unknown; n: unknown; f: unknown }>(wh, wh.dialect, `select order_date as d, count(*) as n, sum(${fen(wh, 'sum_product_payment')}) as f from fct_order where ${notIn('order_id', recent)} group by order_date`)) {
    whDays.set(String(r.d).slice(0, 10), { n: Number(r.n), fen: n(r.f) });
  }
  const bad: string[] = [];
  for (const d of new Set([...srcDays.keys(), ...whDays.keys()])) {
    const a = srcDays.get(d) ?? { n: 0, fen: 0n };
    const b = whDays.get(d) ?? { n: 0, fen: 0n };
    if (a.n !== b.n) bad.push(`${d}: ${a.n} orders in the source, ${b.n} in fct_order`);
    else if (a.fen !== b.fen) bad.push(`${d}: goods value ${fmtFen(a.fen)} in the source, ${fmtFen(b.fen)} in fct_order`);
  }
  const rejected = (await openRejectKeys(wh, 'orders')).size;
  checks.push({
    stream: 'orders',
    name: 'orders and goods value per day',
    ok: bad.length === 0 || (rejected > 0 && bad.length <= rejected),
    detail: bad.length === 0 ? `${srcDays.size} days agree` : `${bad.slice(0, 10).join('; ')}${bad.length > 10 ? `; … ${bad.length} days in all` : ''}`,
  });
}

async function moneyChecks(src: Db, wh: Db, marks: Map<string, string>, checks: Check[]): Promise<void> {
  const wm = marks.get('refunds');
  if (wm !== undefined) {
    // Refunds changed since the last run are compared next time; the rest must agree to the fen.
    const recent = [...(await keys(src, 'select refund_id as k from ali1688_order_refund where gmt_modified >= ?', [wm]))];
    const recentList = recent.map((k) => `'${k.replace(/'/g, "''")}'`).join(', ');
    const s = await one(src, 'select count(*) as n, sum(refund_payment) as f from ali1688_order_refund where gmt_modified < ?', [wm]);
    const w = await one(wh, `select count(*) as n, sum(${fen(wh, 'refund_amount')}) as f from fct_refund${recent.length ? ` where refund_id not in (${recentList})` : ''}`);
    const rejected = (await openRejectKeys(wh, 'refunds')).size;
    checks.push({
      stream: 'refunds',
      name: 'refund money (fen)',
      ok: n(s.f) === n(w.f) || rejected > 0,
      detail: `source ${n(s.f)} fen = ${fmtFen(n(s.f))} yuan; fct_refund ${fmtFen(n(w.f))} yuan${rejected ? `; ${rejected} rejected` : ''}`,
    });
  }
  const mism = await one(wh, `select count(*) as n from fct_order o join (select order_id, sum(${fen(wh, 'line_amount')}) as s from fct_order_line group by order_id) l on l.order_id = o.order_id where l.s <> ${fen(wh, 'o.item_amount')}`);
  const bad = Number(mism.n ?? 0);
  checks.push({ stream: 'order_lines', name: 'line amounts sum to the order\'s item amount', ok: bad === 0, detail: bad === 0 ? 'every order agrees' : `${bad} orders whose lines do not sum to fct_order.item_amount` });
  await discountCheck(wh, checks);
}

/**
 * fct_order.line_discount_amount = Σ fct_order_line.discount_amount, to the fen, for every order that has
 * both (an order whose blob lacks a price leaves its line discount empty: nothing to reconcile); a line
 * without a discount under an order that has one is a mismatch. Names the first orders that disagree.
 */
async function discountCheck(wh: Db, checks: Check[]): Promise<void> {
  const d = wh;
  const sql = `select o.order_id as k, ${fen(d, 'o.line_discount_amount')} as o, l.s as s, l.missing as missing from fct_order o
join (select order_id, sum(${fen(d, 'discount_amount')}) as s, sum(case when discount_amount is null then 1 else 0 end) as missing from fct_order_line group by order_id) l on l.order_id = o.order_id
where o.line_discount_amount is not null and (l.missing > 0 or l.s <> ${fen(d, 'o.line_discount_amount')})
order by o.order_id`;
  const bad = new Sample();
  await eachRow<{ k: unknown; o: unknown; s: unknown; missing: unknown }>(wh, sql, [], (r) => {
    const lines = Number(r.missing) > 0 ? `${Number(r.missing)} lines without a discount` : `lines ${fmtFen(n(r.s))}`;
    bad.add(`${String(r.k)} (order ${fmtFen(n(r.o))}, ${lines})`);
  });
  checks.push({
    stream: 'order_lines',
    name: 'line discounts sum to the order\'s line discount',
    ok: bad.total === 0,
    detail: bad.total === 0 ? 'every order agrees to the fen' : `${bad.total} orders whose fct_order.line_discount_amount is not the sum of their lines' discount_amount: ${bad}`,
  });
}

async function idChecks(src: Db, wh: Db, marks: Map<string, string>, checks: Check[]): Promise<void> {
  // The largest loaded order id, read back as text on both sides: a lossy conversion through a double
  // anywhere on the way (driver, JSON, column type) changes its last digits.
  const wm = marks.get('orders');
  if (wm === undefined) return;
  const cast = src.sql.int('order_id');
  const top = await one(src, `select order_id as k from ali1688_order where modify_time < ? order by ${cast} desc limit 1`, [wm]);
  if (top.k === undefined) return;
  const id = String(top.k);
  const back = /^\d{1,19}$/.test(id) ? await one(wh, `select order_id as k from fct_order where order_id = ${id}`) : {};
  const got = back.k === undefined ? null : String(back.k);
  checks.push({ stream: 'orders', name: 'largest order ID exact', ok: got === id, detail: `source ${id}, fct_order ${got ?? 'missing'}` });
}

/** `signal`: stops between checks (SIGINT/SIGTERM); verify only reads, so nothing is left to undo. */
export async function verify(src: Db, wh: Db, opts: { signal?: AbortSignal; logger?: Logger; zones?: VerifyZones } = {}): Promise<VerifyResult> {
  const stop = async (step: string) => {
    // SQLite's driver never yields to the event loop: give a SIGINT/SIGTERM handler its turn.
    if (opts.signal) await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw opts.signal.reason;
    opts.logger?.debug(`verify: ${step}`);
  };
  const schema = await inspectSource(src);
  const checks: Check[] = [];
  const marks = await watermarks(wh);
  await countChecks(src, schema, wh, marks, checks, stop);
  await stop('orders and goods value per day');
  await orderDayChecks(src, wh, marks, checks, opts.zones);
  await stop('refund money and line sums');
  await moneyChecks(src, wh, marks, checks);
  await stop('largest order id');
  await idChecks(src, wh, marks, checks);
  return { ok: checks.every((c) => c.ok), checks };
}

export function formatVerify(r: VerifyResult): string {
  const lines = r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.stream.padEnd(16)} ${c.name}: ${c.detail}`);
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `verify: all ${r.checks.length} checks passed` : `verify: ${failed} of ${r.checks.length} checks found a mismatch`);
  return lines.join('\n');
}
