// Doctor's knowledge of PostgreSQL (a warehouse only): the server's version and zone, and the schema
// privileges an account needs, which PostgreSQL 15 no longer gives everyone on the public schema.
import type { DbTarget } from '../../../lib/config.js';
import { rawRows, type Db } from '../../../lib/db.js';
import { versionCheck, type Report } from '../checks.js';
import { databaseOf, type DoctorFamily } from './family.js';

const userOf = (target: DbTarget) => ('user' in target ? target.user : '<user>');

async function connected(db: Db, report: Report): Promise<void> {
  report({ name: 'connect', level: 'ok', message: `${db.label}: connected` });
  const [v] = await rawRows<{ v: string }>(db, db.dialect, 'select version() as v');
  report(versionCheck(String(v!.v)));
}

export const postgresFamily: DoctorFamily = {
  connectSource: (db, report) => connected(db, report),
  connectWarehouse: (db, report) => connected(db, report),

  async serverZone(db) {
    // hub-etl's sessions run in UTC; the server's own zone is the setting's value before the session changed it.
    const [row] = await rawRows<{ tz: string }>(db, db.dialect, "select reset_val as tz from pg_settings where name = 'TimeZone'");
    return row ? { named: row.tz, offset: null } : null;
  },

  async writeGrants(db) {
    const rows = await rawRows<{ g: string }>(db, db.dialect,
      "select privilege_type || ' on ' || table_name as g from information_schema.role_table_grants where grantee = current_user and table_schema = current_schema() and privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') order by 1");
    return rows.map((r) => r.g);
  },

  async missingPrivileges(db) {
    const [row] = await rawRows<{ schema: string | null; usage: boolean | null; create: boolean | null }>(db, db.dialect,
      'select current_schema() as schema, has_schema_privilege(current_schema(), \'USAGE\') as usage, has_schema_privilege(current_schema(), \'CREATE\') as "create"');
    if (!row?.schema) return ['use any schema (no schema of its search_path exists)'];
    return [...(row.usage ? [] : [`USAGE on schema ${row.schema}`]), ...(row.create ? [] : [`CREATE on schema ${row.schema} (has_schema_privilege)`])];
  },

  readGrant: (target) => `grant select on all tables in schema public to ${userOf(target)}`,
  warehouseGrant: (target) =>
    `grant usage, create on schema public to ${userOf(target)} (PostgreSQL 15 no longer lets every account create in public), or give it a schema of its own: create schema hub_etl authorization ${userOf(target)}, first in its search_path; hub-etl owns the tables it creates`,
  createDatabase: (target) => `"hub-etl migrate" creates it when the account may (CREATEDB), or create it: create database ${databaseOf(target) || '<name>'} encoding 'UTF8' owner ${userOf(target)}`,
};
