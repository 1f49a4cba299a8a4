// What each BI view must return, computed in JavaScript with exact integer arithmetic from the fact rows:
// an implementation independent of the views' SQL, for the view tests.
import { rawRows, type Db } from '../lib/db.js';
import { VIEWS } from '../sql/warehouse/views.js';
import { cellText } from './csv-read.js';

type Row = Record<string, string | null>;

/** Exact decimal text to integer units of 10^-scale. */
export function units(s: string | null, scale: number): bigint | null {
  if (s === null) return null;
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const v = BigInt(m[2]!) * 10n ** BigInt(scale) + BigInt((m[3] ?? '').padEnd(scale, '0').slice(0, scale) || '0');
  return m[1] ? -v : v;
}

export function fmt(n: bigint, scale: number): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const p = 10n ** BigInt(scale);
  return `${neg ? '-' : ''}${a / p}.${String(a % p).padStart(scale, '0')}`;
}

const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

async function rows(db: Db, sql: string): Promise<Row[]> {
  return (await rawRows<Record<string, unknown>>(db, db.dialect, sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cellText(v)])));
}

/** A view's rows as text (ratios as numbers' text), sorted by its key. */
export async function viewRows(db: Db, name: string): Promise<Row[]> {
  const v = VIEWS.find((x) => x.name === name)!;
  const out = await rows(db, `select ${v.columns.map((c) => c.name).join(', ')} from ${name}`);
  return sortBy(out, v.key);
}

function sortBy(list: Row[], key: string[]): Row[] {
  return list.sort((a, b) => {
    for (const k of key) {
      const x = a[k] ?? '';
      const y = b[k] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

const add = (m: Map<string, bigint>, k: string, v: bigint | null) => m.set(k, (m.get(k) ?? 0n) + (v ?? 0n));

/** The expected rows of every view, from the fact tables. */
export async function expectedViews(db: Db): Promise<Record<string, Row[]>> {
  const orders = await rows(db, 'select order_id, order_date, status, buyer_member_id, created_at, paid_at, shipped_at, completed_at, shipping_fee, refund_amount, ship_to_province from fct_order');
  const lines = await rows(db, 'select order_id, sub_item_id, product_id, sku_id, quantity, line_amount, refund_amount from fct_order_line');
  const refunds = await rows(db, 'select refund_id, status from fct_refund');
  const refundLines = await rows(db, 'select refund_id, sub_item_id, quantity from fct_refund_line');
  // The names the version-9 views add, read from the dimensions and joined here in JavaScript.
  const products = new Map((await rows(db, 'select product_id, subject, category_id from dim_product')).map((p) => [p.product_id!, p]));
  const skuAttributes = new Map((await rows(db, 'select sku_id, sku_attributes from dim_sku')).map((k) => [k.sku_id!, k.sku_attributes ?? null]));
  const paths = new Map((await rows(db, 'select category_id, level1_name, level2_name, level3_name from dim_category')).map((c) => [c.category_id!, [c.level1_name, c.level2_name, c.level3_name].filter((x) => x !== null && x !== undefined).join(' > ')]));
  const titleOf = (productId: string) => products.get(productId)?.subject ?? null;
  const pathOf = (productId: string) => paths.get(products.get(productId)?.category_id ?? '') ?? null;
  for (const o of orders) o.order_date = o.order_date!.slice(0, 10);
  const orderOf = new Map(orders.map((o) => [o.order_id!, o]));
  const paid = (orderId: string | null | undefined) => orderOf.get(orderId ?? '')?.paid_at != null;
  const month = (orderId: string | null) => orderOf.get(orderId!)!.order_date!.slice(0, 7);

  // v_sales_daily and v_sales_by_province
  const sales = (by: (o: Row) => string[]) => {
    const groups = new Map<string, { key: string[]; orders: number; buyers: Set<string>; shipping: bigint; refunds: bigint; amount: bigint }>();
    for (const o of orders.filter((x) => x.paid_at !== null)) {
      const k = JSON.stringify(by(o));
      const d = groups.get(k) ?? { key: by(o), orders: 0, buyers: new Set<string>(), shipping: 0n, refunds: 0n, amount: 0n };
      d.orders++;
      d.buyers.add(o.buyer_member_id!);
      d.shipping += units(o.shipping_fee ?? null, 2) ?? 0n;
      d.refunds += units(o.refund_amount ?? null, 2) ?? 0n;
      groups.set(k, d);
    }
    for (const l of lines.filter((x) => paid(x.order_id))) groups.get(JSON.stringify(by(orderOf.get(l.order_id!)!)))!.amount += units(l.line_amount ?? null, 2)!;
    return [...groups.values()].map((d) => ({
      key: d.key, orders: String(d.orders), buyers: String(d.buyers.size), line_amount: fmt(d.amount, 2), shipping_fee: fmt(d.shipping, 2),
      refund_amount: fmt(d.refunds, 2), net_amount: fmt(d.amount + d.shipping - d.refunds, 2),
    }));
  };
  const salesDaily = sales((o) => [o.order_date!]).map(({ key, ...r }) => ({ order_date: key[0]!, ...r }));
  const salesByProvince = sales((o) => [o.order_date!, o.ship_to_province ?? '']).map(({ key, ...r }) => ({ order_date: key[0]!, province: key[1] || null, ...r }));

  // v_sku_sales
  const lineOf = new Map(lines.map((l) => [l.sub_item_id!, l]));
  const skuKey = (l: Row) => `${month(l.order_id ?? null)}|${l.product_id}|${l.sku_id ?? ''}`;
  const sku = new Map<string, { month: string; product_id: string; sku_id: string | null; n: number; qty: bigint; amount: bigint; refundQty: bigint }>();
  for (const l of lines.filter((x) => paid(x.order_id))) {
    const k = skuKey(l);
    const e = sku.get(k) ?? { month: month(l.order_id ?? null), product_id: l.product_id!, sku_id: l.sku_id ?? null, n: 0, qty: 0n, amount: 0n, refundQty: 0n };
    e.n++;
    e.qty += units(l.quantity ?? null, 4)!;
    e.amount += units(l.line_amount ?? null, 2)!;
    sku.set(k, e);
  }
  const refundStatus = new Map(refunds.map((r) => [r.refund_id!, r.status]));
  for (const rl of refundLines) {
    const l = lineOf.get(rl.sub_item_id!);
    if (!l || refundStatus.get(rl.refund_id!) !== 'refundsuccess' || !paid(l.order_id ?? null)) continue;
    const e = sku.get(skuKey(l));
    if (e) e.refundQty += units(rl.quantity ?? null, 4) ?? 0n;
  }
  const skuSales = [...sku.values()].map((e) => ({
    month: e.month, product_id: e.product_id, sku_id: e.sku_id, order_lines: String(e.n), quantity: fmt(e.qty, 4), line_amount: fmt(e.amount, 2), refund_quantity: fmt(e.refundQty, 4),
    product_title: titleOf(e.product_id), sku_attributes: e.sku_id === null ? null : skuAttributes.get(e.sku_id) ?? null, category_path: pathOf(e.product_id),
  }));

  // v_refund_rate
  const rate = new Map<string, { month: string; product_id: string; n: number; refunded: number; amount: bigint; refund: bigint }>();
  for (const l of lines.filter((x) => paid(x.order_id))) {
    const k = `${month(l.order_id ?? null)}|${l.product_id}`;
    const e = rate.get(k) ?? { month: month(l.order_id ?? null), product_id: l.product_id!, n: 0, refunded: 0, amount: 0n, refund: 0n };
    const r = units(l.refund_amount ?? null, 3);
    e.n++;
    if (r !== null && r > 0n) e.refunded++;
    e.amount += units(l.line_amount ?? null, 2)!;
    e.refund += r ?? 0n;
    rate.set(k, e);
  }
  const refundRate = [...rate.values()].map((e) => ({
    month: e.month, product_id: e.product_id, order_lines: String(e.n), refunded_lines: String(e.refunded), line_amount: fmt(e.amount, 2), refund_amount: fmt(e.refund, 3),
    // The same two integers (milli-yuan) divided as doubles, as the view does.
    refund_rate: e.amount === 0n ? null : String(Number(e.refund) / Number(e.amount * 10n)),
    product_title: titleOf(e.product_id), category_path: pathOf(e.product_id),
  }));

  // v_order_fulfilment
  const secs = (a: string | null, b: string | null) => (a === null || b === null ? null : String(Math.trunc((ms(b) - ms(a)) / 1000)));
  const fulfilment = orders.map((o): Row => ({
    order_id: o.order_id ?? null, order_date: o.order_date ?? null, status: o.status ?? null, created_at: o.created_at ?? null, paid_at: o.paid_at ?? null,
    shipped_at: o.shipped_at ?? null, completed_at: o.completed_at ?? null,
    seconds_to_pay: secs(o.created_at ?? null, o.paid_at ?? null), seconds_to_ship: secs(o.paid_at ?? null, o.shipped_at ?? null),
    seconds_to_complete: secs(o.shipped_at ?? null, o.completed_at ?? null), seconds_paid_to_completed: secs(o.paid_at ?? null, o.completed_at ?? null),
  }));

  const out: Record<string, Row[]> = { v_sales_daily: salesDaily, v_sales_by_province: salesByProvince, v_sku_sales: skuSales, v_refund_rate: refundRate, v_order_fulfilment: fulfilment };
  for (const v of VIEWS) out[v.name] = sortBy(out[v.name]!, v.key);
  return out;
}

/** View rows with DATE values cut to YYYY-MM-DD (every dialect gives that text already). */
export function normalised(list: Row[]): Row[] {
  return list.map((r) => ({ ...r, ...(r.order_date ? { order_date: r.order_date.slice(0, 10) } : {}) }));
}
