// The view definitions as data: described like the tables; the views migration version 3 creates on every
// warehouse have the declared columns, as the database's own catalog reports them.
import test from 'ava';
import { relations } from '../jobs/export.js';
import { migrate } from '../jobs/migrate.js';
import { openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { VIEWS } from '../sql/warehouse/views.js';
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

test('the migrations are numbered in order, each once', (t) => {
  const versions = MIGRATIONS.map((m) => m.version);
  t.deepEqual(versions, [...versions].sort((a, b) => a - b));
  t.is(new Set(versions).size, versions.length);
});

// What the database itself says (knex's catalog reader, not hub-etl's dialect code) against the
// definitions: each view has exactly its declared columns, and applying version 3 again changes nothing.
for (const kind of WAREHOUSES) {
  testWith(kind)(`${kind}: migration version 3 creates every view with exactly its declared columns, repeatably`, async (t) => {
    const url = await freshWarehouseUrl(t, kind, 'viewdefs');
    if (!url) return;
    const db = await openDb(target(url), { create: true });
    t.teardown(() => db.close());
    await migrate(db, createLogger({ format: 'json', level: 'error', silent: true }));
    const columns = async (view: string) => Object.keys(await db.knex(view).columnInfo()).map((c) => c.toLowerCase()).sort();
    for (const v of VIEWS) t.deepEqual(await columns(v.name), v.columns.map((c) => c.name).sort(), v.name);
    const v3 = MIGRATIONS.find((m) => m.version === 3)!;
    for (const sql of v3.statements(db.dialect)) await db.knex.raw(sql);
    for (const v of VIEWS) {
      t.deepEqual(await columns(v.name), v.columns.map((c) => c.name).sort(), `${v.name} after version 3 again`);
      t.deepEqual(await rawRows(db, db.dialect, `select * from ${v.name}`), [], `${v.name} of an empty warehouse`);
    }
  });
}
