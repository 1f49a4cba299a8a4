// The streams end to end on SQLite and MariaDB, and from SQLite into PostgreSQL: a generated store in,
// verify and checksums out.
import test from 'ava';
import { testWith } from './helpers.js';
import { verify } from '../jobs/verify.js';
import { rawRows } from '../lib/db.js';
import { checksums, contextFor, count, freshUrl, generate, PAIRS, run } from './stream-helpers.js';

for (const { source, warehouse, name } of PAIRS) {
  testWith(source, warehouse)(`${name}: after generate and run, verify finds no mismatch and every run reconciles`, async (t) => {
    const src = await freshUrl(t, source, 'src');
    const wh = await freshUrl(t, warehouse, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '400', '--seed', '7']);
    const ctx = contextFor(t, src, wh);
    const results = await run(ctx);
    t.is(results.length, 8);
    for (const r of results) {
      t.is(r.status, 'succeeded');
      t.is(r.rowsRead, r.rowsUpserted + r.rowsUnchanged + r.rowsRejected, r.stream);
      t.is(r.rowsRejected, 0, r.stream);
    }
    const v = await verify(await ctx.source(), await ctx.warehouse());
    t.deepEqual(v.checks.filter((c) => !c.ok), []);
    const whDb = await ctx.warehouse();
    t.is(await count(whDb, 'select count(*) as n from fct_order'), 400);
    // ids above 2^53 exact: every order id in the warehouse matches the source's text exactly
    const srcIds = (await rawRows<{ k: unknown }>(await ctx.source(), (await ctx.source()).dialect, 'select order_id as k from ali1688_order')).map((r) => String(r.k)).sort();
    const whIds = (await rawRows<{ k: unknown }>(whDb, whDb.dialect, 'select order_id as k from fct_order')).map((r) => String(r.k)).sort();
    t.deepEqual(whIds, srcIds);
    t.true(srcIds.every((id) => BigInt(id) > 2n ** 53n));
  });

  testWith(source, warehouse)(`${name}: a second run with no source change upserts nothing`, async (t) => {
    const src = await freshUrl(t, source, 'src');
    const wh = await freshUrl(t, warehouse, 'wh');
    if (!src || !wh) return;
    await generate(t, src, ['--orders', '200', '--seed', '8']);
    const ctx = contextFor(t, src, wh);
    await run(ctx);
    const before = await checksums(wh);
    const second = await run(ctx);
    for (const r of second) {
      t.is(r.rowsUpserted, 0, r.stream);
      t.is(r.rowsRejected, 0, r.stream);
    }
    t.deepEqual(await checksums(wh), before);
  });

  testWith(source, warehouse)(`${name}: after --advance an incremental run equals a full refresh into an empty warehouse`, async (t) => {
    const src = await freshUrl(t, source, 'src');
    const wh = await freshUrl(t, warehouse, 'wh');
    const fresh = await freshUrl(t, warehouse, 'fresh');
    if (!src || !wh || !fresh) return;
    await generate(t, src, ['--orders', '300', '--seed', '9']);
    const ctx = contextFor(t, src, wh);
    await run(ctx);
    await generate(t, src, ['--advance', '--days', '2']);
    const inc = await run(ctx);
    t.true(inc.some((r) => r.rowsUpserted > 0));
    await run(contextFor(t, src, fresh), { mode: 'full_refresh' });
    t.deepEqual(await checksums(wh), await checksums(fresh));
    const v = await verify(await ctx.source(), await ctx.warehouse());
    t.deepEqual(v.checks.filter((c) => !c.ok), []);
  });
}
