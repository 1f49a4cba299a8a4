// The cursor boundary, late rows and bad rows: where incremental loaders lose or corrupt data.
import test from 'ava';
import { testWith } from './helpers.js';
import { DateTime } from 'luxon';
import { verify } from '../jobs/verify.js';
import { rawRows } from '../lib/db.js';
import { BACKENDS, contextFor, count, freshUrl, generate, run, writableSource } from './stream-helpers.js';

const TZ = 'Asia/Shanghai';

for (const backend of BACKENDS) {
  testWith(backend)(`${backend}: 5,000 orders sharing one modify time all arrive with --batch-size 100`, async (t) => {
    const src = await freshUrl(t, backend, 'src');
    const wh = await freshUrl(t, backend, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '5000', '--seed', '11']);
    const db = await writableSource(t, src);
    await db.knex('ali1688_order').update({ modify_time: '2024-05-20 12:00:00' });
    const ctx = contextFor(t, src, wh);
    const [orders, lines] = await run(ctx, { streams: ['orders', 'order_lines'], batchSize: 100 });
    t.is(orders!.rowsRead, 5000);
    t.is(orders!.rowsUpserted, 5000);
    t.is(await count(await ctx.warehouse(), 'select count(*) as n from fct_order'), 5000);
    t.is(await count(await ctx.warehouse(), 'select count(*) as n from fct_order_line'), await count(db, 'select count(*) as n from ali1688_order_line'));
    t.is(lines!.rowsRejected, 0);
  });

  testWith(backend)(`${backend}: a late row inside the lookback arrives on the next run; one outside it is reported by verify`, async (t) => {
    const src = await freshUrl(t, backend, 'src');
    const wh = await freshUrl(t, backend, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '100', '--seed', '12']);
    const ctx = contextFor(t, src, wh);
    await run(ctx, { streams: ['orders'] });
    const whDb = await ctx.warehouse();
    const wm = String((await rawRows<{ v: string }>(whDb, whDb.dialect, "select cursor_value as v from etl_watermark where stream = 'orders'"))[0]!.v);
    const db = await writableSource(t, src);
    const template = (await db.knex('ali1688_order').orderBy('id').first()) as Record<string, unknown>;
    const maxId = Number((await rawRows<{ m: unknown }>(db, db.dialect, 'select max(id) as m from ali1688_order'))[0]!.m);
    // Two orders committed late: one stamped 5 minutes before the watermark (inside the 15-minute
    // lookback), one 2 hours before it (outside). Same blob shape, new ids.
    const plant = async (offset: number, orderId: string, minutesBefore: number) => {
      const at = DateTime.fromFormat(wm, 'yyyy-MM-dd HH:mm:ss', { zone: TZ }).minus({ minutes: minutesBefore });
      const blobTime = at.toFormat("yyyyMMddHHmmssSSS") + '+0800';
      const blob = String(template.order_datas)
        .replaceAll(String(template.order_id), orderId)
        .replace(/"modifyTime":"\d{17}[+-]\d{4}"/, `"modifyTime":"${blobTime}"`);
      await db.knex('ali1688_order').insert({ ...template, id: maxId + offset, order_id: orderId, modify_time: at.toFormat('yyyy-MM-dd HH:mm:ss'), order_datas: blob });
    };
    await plant(1, '249999999999999991', 5);
    await plant(2, '249999999999999993', 120);
    const [next] = await run(ctx, { streams: ['orders'] });
    t.is(next!.rowsUpserted, 1);
    t.is(await count(whDb, 'select count(*) as n from fct_order where order_id = 249999999999999991'), 1);
    t.is(await count(whDb, 'select count(*) as n from fct_order where order_id = 249999999999999993'), 0);
    const v = await verify(await ctx.source(), whDb);
    const failed = v.checks.filter((c) => !c.ok);
    t.true(failed.some((c) => c.stream === 'orders' && c.detail.includes('249999999999999993')), JSON.stringify(failed));
  });

  testWith(backend)(`${backend}: each kind of bad row is rejected naming the field, the run succeeds and reconciles, and a fix resolves it`, async (t) => {
    const src = await freshUrl(t, backend, 'src');
    const wh = await freshUrl(t, backend, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '60', '--seed', '13']);
    const db = await writableSource(t, src);
    const orders = (await db.knex('ali1688_order').orderBy('id').limit(4)) as Array<Record<string, unknown>>;
    const originals = orders.map((o) => String(o.order_datas));
    const broken = [
      { what: 'malformed JSON', blob: originals[0]!.slice(0, 40), field: /^order_datas$/ },
      { what: 'missing required field', blob: originals[1]!.replace('"baseInfo":', '"baseInfoRenamed":'), field: /baseInfo/ },
      { what: 'wrong type', blob: originals[2]!.replace(/"totalAmount":[^,}]+/, '"totalAmount":"abc"'), field: /totalAmount/ },
      { what: 'unknown enum value', blob: originals[3]!.replace(/"status":"[a-z_]+"/, '"status":"teleported"'), field: /status/ },
    ];
    for (const [i, b] of broken.entries()) await db.knex('ali1688_order').where({ id: orders[i]!.id }).update({ order_datas: b.blob });
    const ctx = contextFor(t, src, wh);
    const [r] = await run(ctx, { streams: ['orders'] });
    t.is(r!.status, 'succeeded');
    t.is(r!.rowsRejected, 4);
    t.is(r!.rowsRead, r!.rowsUpserted + r!.rowsUnchanged + r!.rowsRejected);
    const whDb = await ctx.warehouse();
    const rejects = await rawRows<Record<string, unknown>>(whDb, whDb.dialect, "select source_key, field, reason from etl_reject where stream = 'orders' and resolved_at is null");
    t.is(rejects.length, 4);
    for (const [i, b] of broken.entries()) {
      const rej = rejects.find((x) => String(x.source_key) === String(orders[i]!.order_id));
      t.truthy(rej, b.what);
      t.regex(String(rej!.field), b.field, b.what);
      t.true(String(rej!.reason).length > 5, b.what);
    }
    // The source fixes the rows: the next run reading them (a long lookback reaches back to them) loads
    // them, because their fingerprint changed, and resolves the rejects.
    for (const [i, o] of orders.entries()) await db.knex('ali1688_order').where({ id: o.id }).update({ order_datas: originals[i] });
    const [again] = await run(ctx, { streams: ['orders'], lookbackMs: 3650 * 86_400_000 });
    t.is(again!.rowsRejected, 0);
    t.is(await count(whDb, "select count(*) as n from etl_reject where stream = 'orders' and resolved_at is null"), 0);
    t.is(await count(whDb, "select count(*) as n from etl_reject where stream = 'orders' and resolved_at is not null"), 4);
    t.is(await count(whDb, 'select count(*) as n from fct_order'), 60);
  });

  testWith(backend)(`${backend}: verify compares keys when counts differ: names missing and extra rows, excuses rows newer than the watermark`, async (t) => {
    const src = await freshUrl(t, backend, 'src');
    const wh = await freshUrl(t, backend, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '200', '--seed', '14']);
    const ctx = contextFor(t, src, wh);
    await run(ctx);
    const whDb = await ctx.warehouse();
    const db = await writableSource(t, src);
    const lines = await rawRows<{ id: unknown; sub: unknown; ord: unknown }>(db, db.dialect, 'select id, sub_item_id as sub, order_id as ord from ali1688_order_line order by id');
    const byOrder = new Map<string, string[]>();
    for (const l of lines) byOrder.set(String(l.ord), [...(byOrder.get(String(l.ord)) ?? []), String(l.sub)]);
    const [gone, lost, late] = [...byOrder.keys()].slice(0, 3).map((o) => ({ order: o, subs: byOrder.get(o)! }));
    // 1. A line the source no longer has (extra in the warehouse).
    await db.knex.raw(`delete from ali1688_order_line where sub_item_id = ${gone!.subs[0]}`);
    // 2. A line lost from the warehouse whose order has not changed (missing).
    await whDb.knex.raw(`delete from fct_order_line where sub_item_id = ${lost!.subs[0]}`);
    // 3. An order changed after the watermark: its lines are not loaded yet (waiting, not a mismatch).
    await db.knex('ali1688_order').where('order_id', late!.order).update({ modify_time: '2099-01-01 00:00:00' });
    await whDb.knex.raw(`delete from fct_order_line where order_id = ${late!.order}`);
    // 4. A shipment lost from the warehouse: text keys (BX…/LP…) take the same path.
    const ship = String((await rawRows<{ k: unknown }>(whDb, whDb.dialect, 'select logistics_id as k from fct_shipment order by logistics_id limit 1'))[0]!.k);
    await whDb.knex('fct_shipment').where('logistics_id', ship).delete();

    const v = await verify(await ctx.source(), whDb);
    const linesCheck = v.checks.find((c) => c.stream === 'order_lines' && c.name === 'row count')!;
    t.false(linesCheck.ok);
    t.regex(linesCheck.detail, new RegExp(`missing in the warehouse: ${lost!.subs[0]}(;|$)`));
    t.regex(linesCheck.detail, new RegExp(`not in the source: ${gone!.subs[0]}(;|$)`));
    t.true(linesCheck.detail.includes(`${late!.subs.length} newer than the watermark`), linesCheck.detail);
    const shipCheck = v.checks.find((c) => c.stream === 'shipments' && c.name === 'row count')!;
    t.false(shipCheck.ok);
    t.regex(shipCheck.detail, new RegExp(`missing in the warehouse: ${ship}(;|$)`));
  });
}
