// The three zones end to end: a replica that keeps its columns in UTC (HUB_SOURCE_TZ=UTC), with 1688's
// zone and the store's calendar at their defaults (China). Tracking times written by 1688 without an
// offset are not shifted by the replica's zone, an order and its lines show the same day, the China day,
// and verify agrees.
import test from 'ava';
import { verify } from '../jobs/verify.js';
import { openDb } from '../lib/db.js';
import { localDate } from '../transforms/time.js';
import { backendsOf, loadStore, scalar, SOURCES, textRows } from './fields-helpers.js';
import { parseBlob, type Json } from './generate-helpers.js';
import { target, testWith } from './helpers.js';
import { BACKENDS } from './stream-helpers.js';

const blob = (text: string | null | undefined): Json => parseBlob(text!) as Json;
const arr = (v: unknown): Json[] => (v ?? []) as Json[];
/** A China wall time 'yyyy-MM-dd HH:mm:ss' as the warehouse's UTC timestamp. */
const china = (wall: string) => new Date(Date.parse(`${wall.replace(' ', 'T')}+08:00`)).toISOString().replace('T', ' ').replace('Z', '');

for (const source of SOURCES) {
  for (const backend of backendsOf(source, BACKENDS)) {
    testWith(backend)(`${backend}, ${source}: a replica kept in UTC, 1688 and the store in China time: nothing shifts by 8 hours`, async (t) => {
      const l = await loadStore(t, { source, backend, orders: 600, seed: 71, storeTz: 'UTC', name: 'tz' });
      if (!l) return;
      t.is(l.ctx.config.sourceTz, 'UTC');
      t.is(l.ctx.config.apiTz, 'Asia/Shanghai');
      t.is(l.ctx.config.storeTz, 'Asia/Shanghai');
      const srcDb = await openDb(target(l.storeUrl));
      t.teardown(() => srcDb.close());

      // Tracking steps: acceptTime is China time.
      const events = new Map<string, string[]>();
      for (const e of await textRows(l.wh, 'select logistics_id, event_at from fct_shipment_event order by logistics_id, event_seq')) {
        events.set(e.logistics_id!, [...(events.get(e.logistics_id!) ?? []), e.event_at!.slice(0, 23)]);
      }
      const routes = await textRows(srcDb, 'select logistic_id, logistic_route_datas as d from ali1688_logistics_route');
      t.true(routes.length > 50);
      for (const r of routes) {
        const b = blob(r.d);
        const want = [...new Set(arr(b.logisticsSteps ?? b.traceNodeList).map((x) => china(String(x.acceptTime))))].sort();
        t.deepEqual([...new Set(events.get(r.logistic_id!))].sort(), want, r.logistic_id!);
      }

      // Orders: the China day of the instant the UTC column names, on the order and on every line.
      t.is(await scalar(l.wh, 'select count(*) as n from fct_order_line l join fct_order o on o.order_id = l.order_id where l.order_date <> o.order_date'), 0);
      const orders = new Map((await textRows(l.wh, 'select order_id, order_date, account_period_due_at from fct_order')).map((o) => [o.order_id!, o]));
      let otherDay = 0;
      for (const o of await textRows(srcDb, 'select order_id, create_time, order_datas as d from ali1688_order')) {
        const day = localDate('Asia/Shanghai', Date.parse(`${o.create_time!.replace(' ', 'T')}Z`));
        t.is(orders.get(o.order_id!)!.order_date!.slice(0, 10), day, o.order_id!);
        if (day !== o.create_time!.slice(0, 10)) otherDay++;
        const due = (blob(o.d).orderBizInfo as Json | undefined)?.accountPeriodTime;
        t.is(orders.get(o.order_id!)!.account_period_due_at?.slice(0, 23) ?? null, due === undefined ? null : china(String(due)));
      }
      t.true(otherDay > 0, 'some orders placed on another day in China than in UTC');

      // verify reads the replica's days in UTC and compares China days.
      const v = await verify(srcDb, l.wh, { zones: l.ctx.config });
      t.deepEqual(v.checks.filter((c) => !c.ok), []);
    });
  }
}
