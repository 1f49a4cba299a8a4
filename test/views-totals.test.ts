// The BI views against the fact tables, on SQLite, MariaDB and PostgreSQL: every row equals an independent
// exact computation from the facts, the grand totals equal plain sums over the facts, and all databases agree.
import test, { type ExecutionContext } from 'ava';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { VIEWS } from '../sql/warehouse/views.js';
import { freshWarehouseUrl, target, testWith, type Warehouse, WAREHOUSES } from './helpers.js';
import { expectedViews, fmt, normalised, units, viewRows } from './views-expected.js';
import { IDS, plantWarehouse } from './warehouse-fixture.js';

async function planted(t: ExecutionContext, kind: Warehouse): Promise<Db | null> {
  const url = await freshWarehouseUrl(t, kind, 'views');
  if (!url) return null;
  const db = await openDb(target(url), { create: true });
  t.teardown(() => db.close());
  await plantWarehouse(db);
  return db;
}

const fen = (db: Db, col: string) => db.sql.smallestUnits(col, 2);

for (const name of WAREHOUSES) {
  for (const view of VIEWS) {
    testWith(name)(`${name}: ${view.name} returns, row by row, what an exact computation from the fact tables gives`, async (t) => {
      const db = await planted(t, name);
      if (!db) return;
      const expected = (await expectedViews(db))[view.name]!;
      t.true(expected.length > 0);
      t.deepEqual(normalised(await viewRows(db, view.name)), expected);
    });
  }

  testWith(name)(`${name}: v_sales_daily totals equal plain sums over the paid orders and their lines`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const [facts] = await rawRows<Record<string, unknown>>(db, db.dialect, `select
      (select count(*) from fct_order where paid_at is not null) as orders,
      (select sum(${fen(db, 'l.line_amount')}) from fct_order_line l join fct_order o on o.order_id = l.order_id where o.paid_at is not null) as line_fen,
      (select sum(${fen(db, 'shipping_fee')}) from fct_order where paid_at is not null) as shipping,
      (select sum(${fen(db, 'refund_amount')}) from fct_order where paid_at is not null) as refunds`);
    const rows = await viewRows(db, 'v_sales_daily');
    const total = (col: string) => rows.reduce((a, r) => a + units(r[col]!, 2)!, 0n);
    t.is(rows.reduce((a, r) => a + Number(r.orders), 0), Number(facts!.orders));
    t.is(total('line_amount'), BigInt(String(facts!.line_fen)));
    t.is(total('shipping_fee'), BigInt(String(facts!.shipping)));
    t.is(total('refund_amount'), BigInt(String(facts!.refunds)));
    t.is(total('net_amount'), BigInt(String(facts!.line_fen)) + BigInt(String(facts!.shipping)) - BigInt(String(facts!.refunds)));
  });

  testWith(name)(`${name}: the planted edge cases come out as specified`, async (t) => {
    const db = await planted(t, name);
    if (!db) return;
    const daily = await viewRows(db, 'v_sales_daily');
    // A day whose refunds exceed its sales has a negative net; unpaid orders are no sales.
    t.like(daily.find((r) => r.order_date?.startsWith('2024-05-18')), { orders: '1', line_amount: '100.00', shipping_fee: '12.50', refund_amount: '999.99', net_amount: '-887.49' });
    t.like(daily.find((r) => r.order_date?.startsWith('2024-05-17')), { orders: '2', buyers: '1', line_amount: fmt(12345678901234567n + 2469n + 1n, 2) });
    // Buyers that differ only by case or a trailing space are different buyers on every database.
    t.like(daily.find((r) => r.order_date?.startsWith('2024-06-01')), { orders: '2', buyers: '2' });
    const ful = await viewRows(db, 'v_order_fulfilment');
    t.like(ful.find((r) => r.order_id === IDS.o1), { seconds_to_pay: '45', seconds_to_ship: '1' });
    t.like(ful.find((r) => r.order_id === IDS.o2), { seconds_to_ship: '-1', seconds_to_complete: null });
    t.like(ful.find((r) => r.order_id === IDS.o6), { seconds_to_complete: '86399' });
    const sku = await viewRows(db, 'v_sku_sales');
    t.like(sku.find((r) => r.sku_id === null && r.month === '2024-05'), { product_id: IDS.p2, quantity: '3.0000', refund_quantity: '0.5000' });
    const rate = await viewRows(db, 'v_refund_rate');
    t.is(Number(rate.find((r) => r.month === '2024-05' && r.product_id === IDS.p2)!.refund_rate), 9.9999);
  });
}

testWith('MariaDB', 'PostgreSQL')('SQLite, MariaDB and PostgreSQL return identical rows from every view', async (t) => {
  const [first, ...others] = WAREHOUSES;
  const a = (await planted(t, first!))!;
  for (const kind of others) {
    const b = await planted(t, kind);
    if (!b) return;
    for (const v of VIEWS) t.deepEqual(normalised(await viewRows(b, v.name)), normalised(await viewRows(a, v.name)), `${kind}: ${v.name}`);
  }
});
