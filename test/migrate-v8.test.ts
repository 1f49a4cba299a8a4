// Warehouse version 8 over a warehouse of the version before it, on SQLite, MariaDB and PostgreSQL: the migration adds
// its columns and tables, every promised column and every BI view still answers, the views give the
// same rows as before, and a full refresh fills the new columns in.
import test from 'ava';
import { testWith } from './helpers.js';
import { appliedVersion, migrate } from '../sql/warehouse/migrate.js';
import { rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { addColumnSql, indexName } from '../sql/warehouse/ddl.js';
import { asOf, LATEST_VERSION, MIGRATIONS, V8_COLUMNS } from '../sql/warehouse/migrations.js';
import { ALL_TABLES, V8_TABLES } from '../sql/warehouse/tables.js';
import { VIEWS, viewStatements } from '../sql/warehouse/views.js';
import { DEFAULT_RUN, runStreams } from '../jobs/run.js';
import { loadStore, scalar, textRows } from './fields-helpers.js';
import { PAIRS } from './stream-helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });
const BEFORE = Math.max(...MIGRATIONS.filter((m) => m.version < 8).map((m) => m.version));

/** Turns a warehouse of this version back into one of the version before 8: its tables, columns and views as they were. */
async function downgrade(db: Db): Promise<void> {
  const q = (n: string) => db.sql.id(n);
  for (const v of VIEWS) await db.knex.raw(`drop view if exists ${q(v.name)}`);
  await db.knex.schema.alterTable('fct_order', (t) => t.dropIndex([], indexName('fct_order', ['buyer_key'])));
  for (const [table, cols] of Object.entries(V8_COLUMNS)) for (const c of cols) await db.knex.raw(`alter table ${q(table)} drop column ${q(c)}`);
  for (const t of V8_TABLES) await db.knex.raw(`drop table if exists ${q(t)}`);
  // Columns a later version dropped, back as they were.
  for (const table of ALL_TABLES) {
    const now = new Set(table.columns.map((c) => c.name));
    for (const c of asOf(table, BEFORE).columns.filter((x) => !now.has(x.name))) for (const sql of addColumnSql(db.dialect, table.name, c)) await db.knex.raw(sql);
  }
  await db.knex('etl_schema_migrations').where('version', '>=', 8).delete();
  // The views as the version before 8 defined them: buyers counted on buyer_member_id.
  for (const sql of viewStatements(db.dialect, BEFORE)) await db.knex.raw(sql);
}

/** The rows of the views the version before 8 had, in the columns they had then. */
async function viewRows(db: Db): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of VIEWS.filter((x) => (x.since ?? 3) <= BEFORE)) {
    const columns = v.columns.map((c) => c.name).filter((c) => !LATER_VIEW_COLUMNS.has(c));
    out[v.name] = await textRows(db, `select ${columns.join(', ')} from ${v.name} order by ${v.key.join(', ')}`);
  }
  return out;
}

/** Columns the views gained after version 8 (version 9's names): left out when comparing with before. */
const LATER_VIEW_COLUMNS = new Set(['product_title', 'sku_attributes', 'category_path']);

for (const { source, warehouse, name } of PAIRS) {
  testWith(source, warehouse)(`${name}: migrating to version 8 breaks no promised column or view, and a full refresh fills the new columns`, async (t) => {
    const l = await loadStore(t, { source: 'replica', backend: source, warehouse, orders: 400, seed: 61, name: 'mig' });
    if (!l) return;
    const db = l.wh;
    await downgrade(db);
    t.is(await appliedVersion(db), BEFORE);
    const before = await viewRows(db);
    t.true((before.v_sales_daily as unknown[]).length > 0);

    const r = await migrate(db, logger);
    t.deepEqual(r.applied.map((m) => m.version), MIGRATIONS.filter((m) => m.version > BEFORE).map((m) => m.version));
    t.is(r.current, LATEST_VERSION);

    // Every column promised before version 8 answers a query of its own.
    const added = new Set(Object.entries(V8_COLUMNS).flatMap(([table, cols]) => cols.map((c) => `${table}.${c}`)));
    let promised = 0;
    for (const table of ALL_TABLES.filter((x) => !V8_TABLES.includes(x.name))) {
      for (const c of table.columns.filter((x) => !added.has(`${table.name}.${x.name}`))) {
        await t.notThrowsAsync(rawRows(db, db.dialect, `select ${c.name} from ${table.name} limit 1`), `${table.name}.${c.name}`);
        promised++;
      }
    }
    t.true(promised > 200, `${promised} promised columns`);
    // The views answer as they did: old rows count their buyers on buyer_member_id until loaded again.
    t.deepEqual(await viewRows(db), before);
    // The new columns are there, empty on the rows loaded before; the new tables are there, empty.
    for (const [table, cols] of Object.entries(V8_COLUMNS)) {
      t.is(await scalar(db, `select count(*) as n from ${table} where ${cols.map((c) => `${c} is not null`).join(' or ')}`), 0, table);
    }
    for (const table of V8_TABLES.filter((x) => x !== 'etl_setting')) t.is(await scalar(db, `select count(*) as n from ${table}`), 0, table);

    // A full refresh loads the new columns; the views still give the same rows.
    await runStreams(l.ctx, { streams: [], mode: 'full_refresh', ...DEFAULT_RUN, safetyLagMs: 0 });
    t.is(await scalar(db, 'select count(*) as n from fct_order where buyer_key is null or ship_to_district_code is null'), 0);
    t.true(await scalar(db, 'select count(*) as n from fct_refund_event') > 0);
    t.true(await scalar(db, 'select count(*) as n from dim_product_attribute') > 0);
    t.deepEqual(await viewRows(db), before);
  });
}
