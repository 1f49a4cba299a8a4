// Reconciles source and warehouse per stream: row counts, per-day order counts and amounts, refund
// money in fen, line sums against their order, and exact extreme ids. Names every mismatch.
import type { Db, Dialect } from '../lib/db.js';
import { rawRows } from '../lib/db.js';
import { inspectSource, quoteIdent, type SourceSchema } from '../sources/replica.js';

export interface Check { stream: string; name: string; ok: boolean; detail: string }

export interface VerifyResult { ok: boolean; checks: Check[] }

/** Exact integer fen of a money column, whatever the database stores (DECIMAL or fixed-scale text). */
function fen(d: Dialect, col: string): string {
  return d === 'mysql' ? `cast(${col} * 100 as signed)` : `cast(replace(${col}, '.', '') as integer)`;
}

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

async function openRejects(wh: Db, stream: string): Promise<number> {
  const r = await one(wh, 'select count(*) as n from etl_reject where stream = ? and resolved_at is null', [stream]);
  return Number(r.n ?? 0);
}

/** Keys present on one side only (only computed when counts differ). */
async function keyDiff(src: Db, srcSql: string, wh: Db, whSql: string): Promise<{ missing: string[]; extra: string[] }> {
  const a = new Set((await rawRows<{ k: unknown }>(src, src.dialect, srcSql)).map((r) => String(r.k)));
  const b = new Set((await rawRows<{ k: unknown }>(wh, wh.dialect, whSql)).map((r) => String(r.k)));
  const missing: string[] = [];
  const extra: string[] = [];
  for (const k of a) if (!b.has(k)) missing.push(k);
  for (const k of b) if (!a.has(k)) extra.push(k);
  return { missing, extra };
}

const sample = (keys: string[]) => `${keys.slice(0, 10).join(', ')}${keys.length > 10 ? `, … (${keys.length} in all)` : ''}`;

interface CountSpec { stream: string; source: string; sourceKey: string; warehouse: string; warehouseKey: string }

const COUNTS: CountSpec[] = [
  { stream: 'categories', source: 'ali1688_category', sourceKey: 'category_id', warehouse: 'dim_category', warehouseKey: 'category_id' },
  { stream: 'products', source: 'ali1688_product', sourceKey: 'product_id', warehouse: 'dim_product', warehouseKey: 'product_id' },
  { stream: 'orders', source: 'ali1688_order', sourceKey: 'order_id', warehouse: 'fct_order', warehouseKey: 'order_id' },
  { stream: 'order_lines', source: 'ali1688_order_line', sourceKey: 'sub_item_id', warehouse: 'fct_order_line', warehouseKey: 'sub_item_id' },
  { stream: 'invoices', source: 'ali1688_invoice', sourceKey: 'local_invoice_id', warehouse: 'fct_invoice', warehouseKey: 'local_invoice_id' },
  { stream: 'refunds', source: 'ali1688_order_refund', sourceKey: 'refund_id', warehouse: 'fct_refund', warehouseKey: 'refund_id' },
  { stream: 'shipments', source: 'ali1688_logistics_order', sourceKey: 'logistic_id', warehouse: 'fct_shipment', warehouseKey: 'logistics_id' },
  { stream: 'shipment_events', source: 'ali1688_logistics_route', sourceKey: 'logistic_id', warehouse: 'etl_row_state', warehouseKey: 'source_key' },
];

async function countChecks(src: Db, wh: Db, checks: Check[]): Promise<void> {
  for (const c of COUNTS) {
    const s = Number((await one(src, `select count(*) as n from ${quoteIdent(src.dialect, c.source)}`)).n ?? 0);
    const whereState = c.warehouse === 'etl_row_state' ? ` where stream = '${c.stream}'` : '';
    const w = Number((await one(wh, `select count(*) as n from ${c.warehouse}${whereState}`)).n ?? 0);
    const rejected = await openRejects(wh, c.stream);
    if (s === w) {
      checks.push({ stream: c.stream, name: 'row count', ok: true, detail: `${s} source rows, ${w} in ${c.warehouse}` });
      continue;
    }
    const diff = await keyDiff(
      src, `select ${quoteIdent(src.dialect, c.sourceKey)} as k from ${quoteIdent(src.dialect, c.source)}`,
      wh, `select ${c.warehouseKey} as k from ${c.warehouse}${whereState}`,
    );
    const explained = rejected > 0 && diff.extra.length === 0 && diff.missing.length <= rejected;
    const parts = [`${s} source rows, ${w} in ${c.warehouse}`];
    if (diff.missing.length) parts.push(`missing in the warehouse: ${sample(diff.missing)}`);
    if (diff.extra.length) parts.push(`not in the source: ${sample(diff.extra)}`);
    if (rejected) parts.push(`${rejected} open rejects (see etl_reject)`);
    checks.push({ stream: c.stream, name: 'row count', ok: explained, detail: parts.join('; ') });
  }
}

async function orderDayChecks(src: Db, schema: SourceSchema, wh: Db, checks: Check[]): Promise<void> {
  void schema;
  const day = src.dialect === 'mysql' ? 'date_format(create_time, \'%Y-%m-%d\')' : 'substr(create_time, 1, 10)';
  // Per-day counts and goods value; rows whose text column is empty take the value from their blob.
  const srcDays = new Map<string, { n: number; fen: bigint }>();
  const rows = await rawRows<{ d: string; v: string | null; order_blob: string | null }>(
    src, src.dialect,
    `select ${day} as d, sum_product_payment as v, case when sum_product_payment is null or sum_product_payment = '' then order_datas else null end as order_blob from ali1688_order`,
  );
  for (const r of rows) {
    let v = r.v === null ? '' : String(r.v);
    if (v === '' && r.order_blob) v = /"sumProductPayment"\s*:\s*"?(-?[0-9.]+)/.exec(r.order_blob)?.[1] ?? '';
    const e = srcDays.get(r.d) ?? { n: 0, fen: 0n };
    e.n++;
    e.fen += v ? yuanTextToFen(v) : 0n;
    srcDays.set(String(r.d), e);
  }
  const whDays = new Map<string, { n: number; fen: bigint }>();
  for (const r of await rawRows<{ d: unknown; n: unknown; f: unknown }>(wh, wh.dialect, `select order_date as d, count(*) as n, sum(${fen(wh.dialect, 'sum_product_payment')}) as f from fct_order group by order_date`)) {
    whDays.set(String(r.d).slice(0, 10), { n: Number(r.n), fen: n(r.f) });
  }
  const bad: string[] = [];
  for (const d of new Set([...srcDays.keys(), ...whDays.keys()])) {
    const a = srcDays.get(d) ?? { n: 0, fen: 0n };
    const b = whDays.get(d) ?? { n: 0, fen: 0n };
    if (a.n !== b.n) bad.push(`${d}: ${a.n} orders in the source, ${b.n} in fct_order`);
    else if (a.fen !== b.fen) bad.push(`${d}: goods value ${fmtFen(a.fen)} in the source, ${fmtFen(b.fen)} in fct_order`);
  }
  const rejected = await openRejects(wh, 'orders');
  checks.push({
    stream: 'orders',
    name: 'orders and goods value per day',
    ok: bad.length === 0 || (rejected > 0 && bad.length <= rejected),
    detail: bad.length === 0 ? `${srcDays.size} days agree` : `${bad.slice(0, 10).join('; ')}${bad.length > 10 ? `; … ${bad.length} days in all` : ''}`,
  });
}

async function moneyChecks(src: Db, wh: Db, checks: Check[]): Promise<void> {
  const s = await one(src, 'select count(*) as n, sum(refund_payment) as f from ali1688_order_refund');
  const w = await one(wh, `select count(*) as n, sum(${fen(wh.dialect, 'refund_amount')}) as f from fct_refund`);
  const same = n(s.f) === n(w.f);
  checks.push({
    stream: 'refunds',
    name: 'refund money (fen)',
    ok: same || (await openRejects(wh, 'refunds')) > 0,
    detail: `source ${n(s.f)} fen = ${fmtFen(n(s.f))} yuan; fct_refund ${fmtFen(n(w.f))} yuan`,
  });
  const mism = await one(wh, `select count(*) as n from fct_order o join (select order_id, sum(${fen(wh.dialect, 'line_amount')}) as s from fct_order_line group by order_id) l on l.order_id = o.order_id where l.s <> ${fen(wh.dialect, 'o.item_amount')}`);
  const bad = Number(mism.n ?? 0);
  checks.push({ stream: 'order_lines', name: 'line amounts sum to the order\'s item amount', ok: bad === 0, detail: bad === 0 ? 'every order agrees' : `${bad} orders whose lines do not sum to fct_order.item_amount` });
}

async function idChecks(src: Db, wh: Db, checks: Check[]): Promise<void> {
  // The largest ids, compared as text on both sides: any lossy conversion through a double shows here.
  const cast = src.dialect === 'mysql' ? 'cast(order_id as unsigned)' : 'cast(order_id as integer)';
  const sMax = await one(src, `select order_id as k from ali1688_order order by ${cast} desc limit 1`);
  const wMax = await one(wh, 'select order_id as k from fct_order order by order_id desc limit 1');
  const a = sMax.k === undefined ? null : String(sMax.k);
  const b = wMax.k === undefined ? null : String(wMax.k);
  checks.push({ stream: 'orders', name: 'largest order ID exact', ok: a === b, detail: `source ${a ?? '—'}, fct_order ${b ?? '—'}` });
}

export async function verify(src: Db, wh: Db): Promise<VerifyResult> {
  const schema = await inspectSource(src);
  const checks: Check[] = [];
  await countChecks(src, wh, checks);
  await orderDayChecks(src, schema, wh, checks);
  await moneyChecks(src, wh, checks);
  await idChecks(src, wh, checks);
  return { ok: checks.every((c) => c.ok), checks };
}

export function formatVerify(r: VerifyResult): string {
  const lines = r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.stream.padEnd(16)} ${c.name}: ${c.detail}`);
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `verify: all ${r.checks.length} checks passed` : `verify: ${failed} of ${r.checks.length} checks found a mismatch`);
  return lines.join('\n');
}
