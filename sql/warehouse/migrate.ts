// Creates and upgrades the warehouse schema: applies pending versioned migrations, records each one.
import type { Db } from '../../lib/db.js';
import { HubError, sinkError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations.js';

export interface MigrateResult { applied: Migration[]; current: number }

const HISTORY = 'etl_schema_migrations';

// MySQL errors that mean "already done": a migration interrupted after some statements can be re-run.
const ALREADY = new Set(['ER_DUP_KEYNAME', 'ER_DUP_FIELDNAME', 'ER_TABLE_EXISTS_ERROR', 'ER_CANT_DROP_FIELD_OR_KEY']);

const alreadyThere = (err: unknown) => ALREADY.has(String((err as { code?: string }).code));

async function ensureHistory(db: Db): Promise<void> {
  const exists = await db.knex.schema.hasTable(HISTORY);
  if (exists) return;
  await db.knex.schema.createTable(HISTORY, (t) => {
    t.integer('version').notNullable().primary();
    t.string('name', 256).notNullable();
    t.string('applied_at', 32).notNullable();
  }).catch(async (err: unknown) => {
    if (!(await db.knex.schema.hasTable(HISTORY))) throw err;
  });
}

export async function appliedVersion(db: Db): Promise<number> {
  if (!(await db.knex.schema.hasTable(HISTORY))) return 0;
  const row = await db.knex(HISTORY).max({ v: 'version' }).first();
  return Number(row?.v ?? 0);
}

const record = (m: Migration) => ({ version: m.version, name: m.name, applied_at: new Date().toISOString() });

/**
 * Applies one migration; false when another process applied it first. Where DDL is transactional
 * (SQLite, PostgreSQL) the version is recorded first, in the same transaction as its statements: the
 * insert takes the write lock (a second process migrating at the same moment waits, then fails and
 * finds the version recorded), and a process killed part-way leaves nothing half done. Elsewhere (MySQL commits
 * each DDL statement) the statements are idempotent and an interrupted migration is re-run.
 */
async function applyOne(db: Db, m: Migration): Promise<boolean> {
  if (db.sql.transactionalDdl) {
    try {
      await db.knex.transaction(async (trx) => {
        await trx(HISTORY).insert(record(m));
        for (const sql of m.statements(db.dialect)) await trx.raw(sql);
      });
      return true;
    } catch (err) {
      // A duplicate key, or on SQLite a stale snapshot: either way, whether the other process applied it.
      if (await db.knex(HISTORY).where({ version: m.version }).first()) return false;
      throw err;
    }
  }
  for (const sql of m.statements(db.dialect)) {
    try {
      await db.knex.raw(sql);
    } catch (err) {
      if (!alreadyThere(err)) throw err;
    }
  }
  try {
    await db.knex(HISTORY).insert(record(m));
  } catch (err) {
    // Another process migrating at the same moment recorded it first: the version is applied.
    if (!(await db.knex(HISTORY).where({ version: m.version }).first())) throw err;
    return false;
  }
  return true;
}

/**
 * Applies every migration the history does not record, in order: also one numbered below the newest
 * applied (a version added later, in another line of development). Safe to run again.
 */
export async function migrate(db: Db, logger: Logger, opts: { to?: number } = {}): Promise<MigrateResult> {
  try {
    await ensureHistory(db);
    const recorded = new Set((await db.knex(HISTORY).select('version')).map((r: { version: unknown }) => Number(r.version)));
    const applied: Migration[] = [];
    for (const m of MIGRATIONS.filter((x) => !recorded.has(x.version) && x.version <= (opts.to ?? Infinity))) {
      if (!(await applyOne(db, m))) continue;
      logger.info(`warehouse migrated to version ${m.version}: ${m.name}`, { warehouse: db.label });
      applied.push(m);
    }
    return { applied, current: await appliedVersion(db) };
  } catch (err) {
    throw sinkError(`migrating ${db.label}`, err);
  }
}

/** Versions this code knows that the warehouse's history does not record (all of them on an empty warehouse). */
export async function pendingVersions(db: Db): Promise<number[]> {
  const recorded = (await db.knex.schema.hasTable(HISTORY))
    ? new Set((await db.knex(HISTORY).select('version')).map((r: { version: unknown }) => Number(r.version)))
    : new Set<number>();
  return MIGRATIONS.map((m) => m.version).filter((v) => !recorded.has(v));
}

/** The warehouse is older than this code and the process was not told to migrate it. */
export class WarehouseBehindError extends HubError {}

/** Refuses a warehouse that lacks a migration of this code, naming what it lacks and `fix` (how to migrate). */
export async function requireMigrated(db: Db, fix: string): Promise<void> {
  const pending = await pendingVersions(db);
  if (pending.length === 0) return;
  const version = await appliedVersion(db);
  const what = version === 0 ? 'has no hub-etl tables yet (schema version 0)' : `is at schema version ${version} and lacks version${pending.length > 1 ? 's' : ''} ${pending.join(', ')}`;
  throw new WarehouseBehindError(`warehouse ${db.label} ${what}; this hub-etl needs version ${LATEST_VERSION}. ${fix}`);
}
