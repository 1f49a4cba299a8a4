// Migrations describe the schema: each version creates what it introduced, a fresh install replays the
// history, and what it ends with is exactly the schema of sql/warehouse/tables.ts, on every warehouse.
import { appliedVersion, migrate } from '../sql/warehouse/migrate.js';
import { listColumns, listTables, openDb, rawRows } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { LATEST_VERSION, MIGRATIONS } from '../sql/warehouse/migrations.js';
import { ALL_TABLES, physicalColumns } from '../sql/warehouse/tables.js';
import { freshWarehouseUrl, runCli, target, testWith, WAREHOUSES } from './helpers.js';

const logger = createLogger({ format: 'json', level: 'error', silent: true });

for (const kind of WAREHOUSES) {
  testWith(kind)(`${kind}: version 1 alone has the first schema; the later versions add their own tables and columns; the end is tables.ts exactly`, async (t) => {
    const url = await freshWarehouseUrl(t, kind, 'history');
    if (!url) return;
    const db = await openDb(target(url), { create: true });
    t.teardown(() => db.close());

    await migrate(db, logger, { to: 1 });
    t.is(await appliedVersion(db), 1);
    const v1 = new Set(await listTables(db, ''));
    t.true(v1.has('fct_order') && v1.has('etl_run'));
    for (const later of ['etl_lock', 'dim_freight_template', 'etl_message_reject', 'etl_setting', 'fct_order_step']) t.false(v1.has(later), `${later} is not in version 1`);
    const order1 = await listColumns(db, 'fct_order');
    t.false(order1.includes('buyer_key'), 'buyer_key came with version 8');
    t.false((await listColumns(db, 'etl_run')).includes('api_calls'), 'api_calls came with version 6');
    t.true((await listColumns(db, 'etl_row_state')).includes('parent_key'), 'parent_key was there until version 10');

    await migrate(db, logger, { to: 4 });
    t.deepEqual((await listColumns(db, 'etl_lock')).filter((c) => c.startsWith('holder_')), ['holder_host', 'holder_pid']);

    const rest = await migrate(db, logger);
    t.deepEqual(rest.applied.map((m) => m.version), MIGRATIONS.map((m) => m.version).filter((v) => v > 4));
    t.is(rest.current, LATEST_VERSION);
    for (const table of ALL_TABLES) {
      t.deepEqual((await listColumns(db, table.name)).sort(), physicalColumns(table).map((c) => c.name).sort(), `${table.name} has the columns of tables.ts`);
    }
    // What ran when: every version with its name and time, in order.
    const history = await rawRows<{ version: unknown; name: unknown; applied_at: unknown }>(db, db.dialect, 'select version, name, applied_at from etl_schema_migrations order by version');
    t.deepEqual(history.map((h) => Number(h.version)), MIGRATIONS.map((m) => m.version));
    t.deepEqual(history.map((h) => String(h.name)), MIGRATIONS.map((m) => m.name));
    for (const h of history) t.regex(String(h.applied_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
}

for (const kind of WAREHOUSES) {
  testWith(kind)(`${kind}: processes migrating one warehouse at the same moment (workers starting together) all succeed, each version applied once`, async (t) => {
    const url = await freshWarehouseUrl(t, kind, 'together');
    if (!url) return;
    const db = await openDb(target(url), { create: true });
    t.teardown(() => db.close());
    // From an older version too: the views of later versions are dropped and created again.
    await migrate(db, logger, { to: 2 });
    const results = await Promise.all([0, 1, 2].map(() => runCli(['migrate', '--json'], { env: { HUB_WAREHOUSE_URL: url } })));
    for (const r of results) t.is(r.code, 0, r.stderr);
    const applied = results.flatMap((r) => (JSON.parse(r.stdout) as { applied: Array<{ version: number }> }).applied.map((m) => m.version)).sort((a, b) => a - b);
    t.deepEqual(applied, MIGRATIONS.map((m) => m.version).filter((v) => v > 2), 'every pending version applied by exactly one process');
    for (const table of ALL_TABLES) {
      t.deepEqual((await listColumns(db, table.name)).sort(), physicalColumns(table).map((c) => c.name).sort(), `${table.name} has the columns of tables.ts`);
    }
  });
}
