// The view definitions as data: described like the tables; the views migration version 3 creates on every
// warehouse have the declared columns, as the database's own catalog reports them.
import test from 'ava';
import { relations } from '../jobs/export.js';
import { migrate } from '../sql/warehouse/migrate.js';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { DIALECTS } from '../lib/dialects/index.js';
import { VIEWS, viewStatements } from '../sql/warehouse/views.js';
import { freshWarehouseUrl, target, testWith, WAREHOUSES } from './helpers.js';

test('every view has a grain, a description, a key among its columns, and each column a meaning and a Chinese label', (t) => {
  for (const v of VIEWS) {
    t.true(v.grain.startsWith('one row per'), v.name);
    t.true(v.description.length > 20, v.name);
    for (const k of v.key) t.true(v.columns.some((c) => c.name === k), `${v.name}.${k}`);
    for (const c of v.columns) {
      t.true(c.description.length > 3, `${v.name}.${c.name}`);
      t.true(c.labelZh.length > 0, `${v.name}.${c.name}`);
    }
  }
});

test('Chinese headers are unique within every table and view, and need no quoting', (t) => {
  for (const r of relations()) {
    const labels = r.columns.map((c) => c.labelZh);
    t.is(new Set(labels).size, labels.length, r.name);
    t.false(labels.some((l) => /[",\r\n]/.test(l)), r.name);
  }
});

test('migration version 3 creates the views as they were then, versions 8 and 9 as they became; each repeatable', (t) => {
  const versions = MIGRATIONS.map((m) => m.version);
  t.deepEqual(versions, [...versions].sort((a, b) => a - b));
  t.is(new Set(versions).size, versions.length);
  const v3 = MIGRATIONS.find((m) => m.version === 3)!;
  const v8 = MIGRATIONS.find((m) => m.version === 8)!;
  for (const d of Object.values(DIALECTS)) {
    const then = v3.statements(d.name);
    // Each view is dropped or replaced before it is created, so that running the version again works.
    for (const v of VIEWS.filter((x) => (x.since ?? 3) === 3)) {
      const create = then.findIndex((s) => new RegExp(`create (or replace )?view ${d.id(v.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} as`).test(s));
      t.true(create >= 0, `${d.name}: version 3 creates ${v.name}`);
      t.true(/create or replace view/.test(then[create]!) || then.slice(0, create + 1).some((s) => s.includes(`drop view if exists ${d.id(v.name)}`)), `${d.name}: ${v.name} is replaceable`);
    }
    // Version 3 counted buyers by buyer_member_id (buyer_key came with version 8): its views must not read it.
    t.false(then.join('\n').includes('buyer_key'), `${d.name}: version 3's views read only version 1's columns`);
    t.false(then.join('\n').includes('v_sales_by_province'), `${d.name}: v_sales_by_province came with version 9`);
    const now = v8.statements(d.name).join('\n');
    t.true(now.includes('coalesce(o.buyer_key, o.buyer_member_id)'), `${d.name}: version 8 counts buyers on buyer_key`);
    t.false(now.includes('product_title'), `${d.name}: version 8's views have no names yet`);
    const v9 = MIGRATIONS.find((m) => m.version === 9)!.statements(d.name).join('\n');
    for (const name of ['product_title', 'sku_attributes', 'category_path', 'v_sales_by_province']) t.true(v9.includes(name), `${d.name}: version 9 brings ${name}`);
  }
});

// What the database itself says (knex's catalog reader, not hub-etl's dialect code) against the
// definitions: each view has exactly its declared columns, and applying version 3 again changes nothing.
for (const kind of WAREHOUSES) {
  testWith(kind)(`${kind}: the migrations create every view with exactly its declared columns, repeatably`, async (t) => {
    const url = await freshWarehouseUrl(t, kind, 'viewdefs');
    if (!url) return;
    const db = await openDb(target(url), { create: true });
    t.teardown(() => db.close());
    await migrate(db, createLogger({ format: 'json', level: 'error', silent: true }));
    const columns = async (view: string) => Object.keys(await db.knex(view).columnInfo()).map((c) => c.toLowerCase()).sort();
    for (const v of VIEWS) t.deepEqual(await columns(v.name), v.columns.map((c) => c.name).sort(), v.name);
    // The versions that (re)create views, replayed in order: the views end as they are.
    for (const version of [3, 8, 9]) for (const sql of viewStatements(db.dialect, version)) await db.knex.raw(sql);
    for (const v of VIEWS) {
      t.deepEqual(await columns(v.name), v.columns.map((c) => c.name).sort(), `${v.name} after versions 3, 8 and 9 again`);
      t.deepEqual(await rawRows(db, db.dialect, `select * from ${v.name}`), [], `${v.name} of an empty warehouse`);
    }
  });
}
