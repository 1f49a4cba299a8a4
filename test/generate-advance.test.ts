// hub-etl generate --advance: the simulated clock moves, rows change only forward in time, and every
// kind of change an incremental extract must handle shows up.
import test, { type ExecutionContext } from 'ava';
import { blobInstant, fen, gen, naiveIn, num, openStore, parseBlob, readStore, readTable, TABLES, unwrapRefund, type Json, type Store, type TextRow } from './generate-helpers.js';
import { needMysql, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';

interface Advanced {
  before: Store;
  after: Store;
}

async function advanced(t: ExecutionContext, url: string, orders: number, seed: number, days: number): Promise<Advanced> {
  await gen(t, url, { orders, seed });
  const db = await openStore(t, url);
  const before = await readStore(db);
  await gen(t, url, { advance: true, days });
  return { before, after: await readStore(db) };
}

const byId = (rows: TextRow[]) => new Map(rows.map((r) => [r.id!, r]));
const changed = (a: TextRow, b: TextRow) => Object.keys(a).some((k) => a[k] !== b[k]);
const blob = (text: string | null | undefined): Json => parseBlob(text!) as Json;
const steps = (route: TextRow) => {
  const b = blob(route.logistic_route_datas);
  return ((b.logisticsSteps ?? b.traceNodeList) as unknown[]).length;
};

function checkForwardOnly(t: ExecutionContext, { before, after }: Advanced): void {
  const orderAfter = new Map(after.ali1688_order.map((o) => [o.order_id!, o]));
  const orderBefore = new Map(before.ali1688_order.map((o) => [o.order_id!, o]));
  const orderMoved = (orderId: string) => orderAfter.get(orderId)!.modify_time! > orderBefore.get(orderId)!.modify_time!;
  for (const table of TABLES) {
    const now = byId(after[table]);
    for (const old of before[table]) {
      const row = now.get(old.id!);
      if (!row) {
        t.fail(`${table} row ${old.id} disappeared`);
        continue;
      }
      if (!changed(old, row)) continue;
      const what = `${table} ${old.id}`;
      switch (table) {
        case 'ali1688_category':
          t.fail(`${what}: categories do not change`);
          break;
        case 'ali1688_product':
          t.true(row.last_update_time! > old.last_update_time!, `${what}: last_update_time moves forward`);
          break;
        case 'ali1688_order': {
          t.true(row.modify_time! > old.modify_time!, `${what}: modify_time moves forward`);
          const base = blob(row.order_datas).baseInfo as Json;
          t.is(row.modify_time, naiveIn(blobInstant(base.modifyTime as string), 'Asia/Shanghai'), `${what}: blob modifyTime = column`);
          t.is(row.create_time, old.create_time);
          break;
        }
        case 'ali1688_order_line':
          t.true(orderMoved(row.order_id!), `${what}: a changed line moves its order's modify_time`);
          break;
        case 'ali1688_invoice':
          t.true(orderMoved(row.order_id!), `${what}: a changed invoice moves its order's modify_time`);
          break;
        case 'ali1688_order_refund':
          t.true(row.gmt_modified! > old.gmt_modified!, `${what}: gmt_modified moves forward`);
          t.true(orderMoved(row.order_ld!), `${what}: the order shows the refund's new status`);
          break;
        case 'ali1688_logistics_order':
          t.true(row.gmt_modified! >= old.gmt_modified!, `${what}: gmt_modified (a date) never goes back`);
          break;
        case 'ali1688_logistics_route':
          t.true(row.gmt_modified! >= old.gmt_modified!, `${what}: gmt_modified (a date) never goes back`);
          t.true(steps(row) > steps(old), `${what}: a route changes by appending steps`);
          break;
      }
    }
    const maxOld = Math.max(0, ...before[table].map((r) => Number(r.id)));
    for (const r of after[table].slice(before[table].length)) t.true(Number(r.id) > maxOld, `${table}: new ids continue`);
  }
  const clock = before.ali1688_order.reduce((a, o) => (o.modify_time! > a ? o.modify_time! : a), '');
  for (const o of after.ali1688_order.slice(before.ali1688_order.length)) t.true(o.create_time! >= clock.slice(0, 10), 'new orders come after the old clock');
}

test('advance moves modify times only forward and keeps changed children behind a moved order (SQLite)', async (t) => {
  checkForwardOnly(t, await advanced(t, tempSqliteUrl(t), 1500, 31, 3));
});

testWith('mysql')('advance moves modify times only forward and keeps changed children behind a moved order (MariaDB)', async (t) => {
  if (!(await needMysql(t))) return;
  checkForwardOnly(t, await advanced(t, await tempMysqlDb(t, 'hubgen'), 1500, 31, 3));
});

test('advance produces every kind of change an incremental extract must handle', async (t) => {
  const { before, after } = await advanced(t, tempSqliteUrl(t), 3000, 32, 6);
  const old = new Map(before.ali1688_order.map((o) => [o.order_id!, o]));
  const moves = new Map<string, number>();
  for (const o of after.ali1688_order) {
    const b = old.get(o.order_id!);
    if (b && b.status !== o.status) moves.set(`${b.status}>${o.status}`, (moves.get(`${b.status}>${o.status}`) ?? 0) + 1);
  }
  const some = (from: string[], to: string[]) => [...moves].some(([k, n]) => n > 0 && from.includes(k.split('>')[0]!) && to.includes(k.split('>')[1]!));
  t.true(after.ali1688_order.length > before.ali1688_order.length, 'new orders');
  t.true(after.ali1688_order.some((o) => old.get(o.order_id!)?.pay_time === null && o.pay_time !== null), 'unpaid orders get paid');
  t.true(some(['waitbuyerpay'], ['cancel']), 'unpaid orders time out');
  t.true(some(['waitsellersend'], ['waitlogisticstakein', 'waitbuyerreceive']), 'paid orders ship');
  t.true(some(['waitbuyerreceive', 'signinsuccess', 'confirm_goods', 'waitbuyersign'], ['success']), 'shipped orders complete');

  const oldOrderIds = new Set(before.ali1688_order.map((o) => o.order_id!));
  const newRefunds = after.ali1688_order_refund.slice(before.ali1688_order_refund.length).filter((r) => oldOrderIds.has(r.order_ld!));
  const disputes = new Set(newRefunds.map((r) => num(unwrapRefund(blob(r.order_refund_data)).disputeType, 'disputeType')));
  t.true(disputes.has('1'), 'new in-sale refunds on existing orders');
  t.true(disputes.has('2'), 'new after-sales refunds on completed orders');
  const oldRefunds = byId(before.ali1688_order_refund);
  t.true(after.ali1688_order_refund.some((r) => oldRefunds.has(r.id!) && oldRefunds.get(r.id!)!.status !== r.status), 'refunds move on');

  t.true(after.ali1688_logistics_order.slice(before.ali1688_logistics_order.length).some((l) => oldOrderIds.has(l.order_id!)), 'new shipments of existing orders');
  const oldRoutes = byId(before.ali1688_logistics_route);
  t.true(after.ali1688_logistics_route.some((r) => oldRoutes.has(r.id!) && steps(r) > steps(oldRoutes.get(r.id!)!)), 'route steps appended');

  const oldProducts = byId(before.ali1688_product);
  let edits = 0;
  let expirations = 0;
  for (const p of after.ali1688_product) {
    const b = oldProducts.get(p.id!);
    if (!b || !changed(b, p)) continue;
    if (b.subject !== p.subject || b.product_datas !== p.product_datas) edits++;
    if (!/expired|deleted|TBD/.test(b.status!) && /expired/.test(p.status!)) expirations++;
  }
  t.true(edits > 0, 'product edits (price, stock, title)');
  t.true(expirations > 0, 'product expirations');

  // The nightly batch touches many orders in the same second.
  const oldModify = new Map(before.ali1688_order.map((o) => [o.order_id!, o.modify_time!]));
  const touched = after.ali1688_order.filter((o) => oldModify.has(o.order_id!) && oldModify.get(o.order_id!) !== o.modify_time && o.modify_time!.endsWith('03:15:07'));
  t.true(touched.length >= 20, `${touched.length} orders re-saved by the nightly batch`);
});

test('advance defaults to one day and the store\'s own daily rate of new orders', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 600, seed: 33, start: '2024-02-01', days: 20 });
  const r = await gen(t, url, { advance: true });
  t.is(r.from, '2024-02-21 00:00:00');
  t.is(r.to, '2024-02-22 00:00:00');
  t.is(r.newOrders, 30);
  t.is(r.totalOrders, 630);
  const changedOrders = r.tables.ali1688_order!.updated;
  t.true(changedOrders > 0 && changedOrders < 600, `${changedOrders} existing orders changed in a day`);
});

test('--hours advances the clock by hours, at the store\'s rate, and the nightly batch lands in the hours that hold it', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 600, seed: 35, start: '2024-02-01', days: 20 });
  const early = await gen(t, url, { advance: true, hours: 2 });
  t.is(early.from, '2024-02-21 00:00:00');
  t.is(early.to, '2024-02-21 02:00:00');
  t.is(early.newOrders, 3); // 30 a day for 2 hours is 2.5, rounded
  const nightly = async () => (await readTable(await openStore(t, url), 'ali1688_order')).filter((o) => o.modify_time === '2024-02-21 03:15:07').length;
  t.is(await nightly(), 0, 'no nightly batch before 03:15');
  const batch = await gen(t, url, { advance: true, hours: 2 });
  t.is(batch.to, '2024-02-21 04:00:00');
  t.true((await nightly()) >= 3, 'the 03:15 nightly batch re-saves orders');
});

testWith('mysql')('the same store on SQLite and MariaDB holds the same values, ids exact end to end', async (t) => {
  if (!(await needMysql(t))) return;
  const lite = tempSqliteUrl(t);
  const maria = await tempMysqlDb(t, 'hubgen');
  for (const url of [lite, maria]) {
    await gen(t, url, { orders: 500, seed: 34 });
    await gen(t, url, { advance: true, days: 2 });
  }
  const a = await readStore(await openStore(t, lite));
  const b = await readStore(await openStore(t, maria));
  for (const table of TABLES) {
    t.is(a[table].length, b[table].length, table);
    // SQLite keeps decimal(10,3) as a number; compare money by value, everything else as exact text.
    const norm = (r: TextRow) => ({ ...r, ...(r.refund !== undefined && r.refund !== null ? { refund: String(fen(r.refund)) } : {}) });
    t.deepEqual(a[table].map(norm), b[table].map(norm), table);
  }
});
