// The view definitions as data: described like the tables, applied by migration version 3 in order.
import test from 'ava';
import { relations } from '../jobs/export.js';
import { MIGRATIONS } from '../sql/warehouse/migrations.js';
import { VIEWS, viewStatements } from '../sql/warehouse/views.js';

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

test('migration version 3 creates the views, after the earlier versions, repeatably', (t) => {
  const versions = MIGRATIONS.map((m) => m.version);
  t.deepEqual(versions, [...versions].sort((a, b) => a - b));
  t.is(new Set(versions).size, versions.length);
  const v3 = MIGRATIONS.find((m) => m.version === 3)!;
  for (const d of ['mysql', 'sqlite'] as const) {
    const sql = v3.statements(d).join('\n');
    for (const v of VIEWS) t.regex(sql, new RegExp(d === 'mysql' ? `create or replace view \`${v.name}\`` : `drop view if exists "${v.name}"`));
    t.deepEqual(v3.statements(d), viewStatements(d));
  }
});
