// hub-etl docs --dbt: models/sources.yml read by a YAML parser holds every warehouse table and view, every
// column with its English and Chinese description, and the tests of every key; the data dictionary beside it.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { load } from 'js-yaml';
import { dataDictionary } from '../sql/warehouse/dictionary.js';
import { ALL_TABLES, physicalColumns } from '../sql/warehouse/tables.js';
import { VIEWS } from '../sql/warehouse/views.js';
import { runCli, tempDir, tempSqliteUrl } from './helpers.js';

interface DbtColumn { name: string; description: string; meta: { label_zh: string; type: string; nullable: boolean }; data_tests?: string[] }
interface DbtTable { name: string; description: string; meta: { kind: string; grain: string; unique_key: string[] }; columns: DbtColumn[] }
interface DbtFile { version: number; sources: Array<{ name: string; schema: string; database?: string; description: string; tables: DbtTable[] }> }

async function docs(t: Parameters<typeof tempDir>[0], args: string[], warehouse: string): Promise<{ dir: string; file: DbtFile }> {
  const dir = tempDir(t);
  const r = await runCli(['docs', '--dbt', '--out', dir, ...args], { env: { HUB_WAREHOUSE_URL: warehouse } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /wrote .*models\/sources\.yml/);
  return { dir, file: load(fs.readFileSync(path.join(dir, 'models', 'sources.yml'), 'utf8')) as DbtFile };
}

test('docs --dbt writes a sources.yml with every table, view and column, described in English and Chinese', async (t) => {
  const { dir, file } = await docs(t, [], tempSqliteUrl(t));
  t.is(file.version, 2);
  t.is(file.sources.length, 1);
  const src = file.sources[0]!;
  t.is(src.name, 'hub_etl');
  t.is(src.schema, 'main');
  t.false('database' in src);
  const expected = [
    ...ALL_TABLES.map((x) => ({ name: x.name, kind: 'table', key: x.primaryKey, columns: physicalColumns(x) })),
    ...VIEWS.map((v) => ({ name: v.name, kind: 'view', key: v.key, columns: v.columns })),
  ];
  t.deepEqual(src.tables.map((x) => x.name), expected.map((x) => x.name));
  for (const want of expected) {
    const got = src.tables.find((x) => x.name === want.name)!;
    t.is(got.meta.kind, want.kind, want.name);
    t.deepEqual(got.meta.unique_key, want.key, want.name);
    t.true(got.description.includes('Grain: one row per'), want.name);
    t.deepEqual(got.columns.map((c) => c.name), want.columns.map((c) => c.name), want.name);
    for (const c of want.columns) {
      const col = got.columns.find((x) => x.name === c.name)!;
      t.is(col.description, `${c.description} (${c.labelZh})`, `${want.name}.${c.name}`);
      t.is(col.meta.label_zh, c.labelZh);
      t.is(col.meta.nullable, c.nullable);
    }
  }
  t.is(fs.readFileSync(path.join(dir, 'docs', 'warehouse.md'), 'utf8'), dataDictionary());
});

test('every key column is tested: unique and not_null for a single-column key, not_null for each column of a composite one', async (t) => {
  const { file } = await docs(t, [], tempSqliteUrl(t));
  const tables = file.sources[0]!.tables;
  let single = 0;
  let composite = 0;
  for (const x of [...ALL_TABLES.map((a) => ({ name: a.name, key: a.primaryKey, columns: physicalColumns(a) })), ...VIEWS]) {
    const got = tables.find((g) => g.name === x.name)!;
    for (const c of got.columns) {
      const def = x.columns.find((d) => d.name === c.name)!;
      const inKey = x.key.includes(c.name);
      const want = !inKey || def.nullable ? undefined : x.key.length === 1 ? ['unique', 'not_null'] : ['not_null'];
      t.deepEqual(c.data_tests, want, `${x.name}.${c.name}`);
      if (want?.includes('unique')) single++;
      else if (want) composite++;
    }
    if (x.key.length > 1) t.true(got.description.includes(`Key: ${x.key.join(' + ')} (unique together)`), x.name);
  }
  t.true(single >= 10 && composite >= 20, `${single} single-column keys, ${composite} composite key columns`);
  const order = tables.find((g) => g.name === 'fct_order')!.columns.find((c) => c.name === 'order_id')!;
  t.deepEqual(order.data_tests, ['unique', 'not_null']);
  // v_sku_sales' key has the nullable sku_id (products without SKUs): no not_null on it.
  t.is(tables.find((g) => g.name === 'v_sku_sales')!.columns.find((c) => c.name === 'sku_id')!.data_tests, undefined);
});

test('the source schema is the MariaDB database name by default, and --dbt-schema and --dbt-database set it', async (t) => {
  const mysql = await docs(t, [], 'mysql://root@127.0.0.1:3306/hub_wh');
  t.is(mysql.file.sources[0]!.schema, 'hub_wh');
  const set = await docs(t, ['--dbt-schema', 'analytics', '--dbt-database', 'erp'], tempSqliteUrl(t));
  t.is(set.file.sources[0]!.schema, 'analytics');
  t.is(set.file.sources[0]!.database, 'erp');
  const bad = await runCli(['docs', '--dbt-schema', 'x', '--out', tempDir(t)]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--dbt-schema\/--dbt-database: give --dbt too/);
});

test('docs without --dbt writes the data dictionary only', async (t) => {
  const dir = tempDir(t);
  const r = await runCli(['docs', '--out', dir], { env: { HUB_WAREHOUSE_URL: tempSqliteUrl(t) } });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(fs.readdirSync(dir), ['docs']);
  t.is(fs.readFileSync(path.join(dir, 'docs', 'warehouse.md'), 'utf8'), dataDictionary());
});
