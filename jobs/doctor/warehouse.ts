// Doctor checks of the warehouse: reachable, server version, schema version against this hub-etl's, and the
// privileges loads and migrations use, proven on a scratch table that is removed again (never on real tables).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { openDb, rawRows, type Db } from '../../lib/db.js';
import { DIALECTS } from '../../lib/dialects/index.js';
import { describe } from '../../lib/errors.js';
import { MIGRATIONS } from '../../sql/warehouse/migrations.js';
import { appliedVersion, pendingVersions } from '../../sql/warehouse/migrate.js';
import { connectFix, type Report } from './checks.js';
import { FAMILIES, type DoctorFamily } from './families/index.js';

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

export async function checkWarehouse(ctx: Context, report: Report): Promise<void> {
  const wh = ctx.config.warehouse;
  if (wh.kind === 'csv') {
    const problem = folderProblem(wh.dir);
    if (problem) report({ name: 'connect', level: 'error', message: `${wh.url}: ${problem}`, fix: 'create the folder, or give the user running hub-etl write access to it' });
    else report({ name: 'connect', level: 'ok', message: `${wh.url}: a folder hub-etl can write CSV files into` });
    return;
  }
  const sql = DIALECTS[wh.kind];
  const family = FAMILIES[wh.kind];
  const file = sql.file(wh);
  if (file && !fs.existsSync(file)) {
    const problem = folderProblem(path.dirname(file));
    if (problem) report({ name: 'connect', level: 'error', message: `${wh.url}: the file does not exist and its folder ${problem}`, fix: 'create the folder, or give the user running hub-etl write access to it' });
    else report({ name: 'connect', level: 'warn', message: `${wh.url} does not exist yet`, fix: 'run "hub-etl migrate" to create it' });
    return;
  }
  let db: Db;
  try {
    // Not through the context: doctor must not create the database it inspects.
    db = await openDb(wh, { create: false });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (sql.isMissingDatabase(err)) {
      report({ name: 'connect', level: 'warn', message: `${describe(err)}`, fix: family.createDatabase(wh) });
    } else {
      report({ name: 'connect', level: 'error', message: describe(err), fix: connectFix(cause ?? err, 'warehouse') });
    }
    return;
  }
  try {
    await family.connectWarehouse(db, report);
    const problem = file ? folderProblem(path.dirname(file)) : null;
    if (problem) {
      report({ name: 'privileges', level: 'error', message: `the folder of ${db.label} ${problem}: ${sql.title} keeps its journal (-wal, -shm files) beside the database`, fix: 'give the user running hub-etl write access to the folder' });
    }
    const version = await appliedVersion(db);
    if (version === 0) report({ name: 'schema', level: 'warn', message: 'the warehouse has no hub-etl tables yet', fix: 'run "hub-etl migrate"' });
    else if ((await pendingVersions(db)).length > 0) report({ name: 'schema', level: 'warn', message: `the warehouse is at schema version ${version} and lacks version(s) ${(await pendingVersions(db)).join(', ')}; this hub-etl needs ${LATEST}`, fix: 'run "hub-etl migrate"' });
    else if (version > LATEST) report({ name: 'schema', level: 'error', message: `the warehouse is at schema version ${version}, newer than this hub-etl knows (${LATEST}): an older hub-etl may write it wrongly`, fix: 'upgrade hub-etl to the version that migrated the warehouse' });
    else report({ name: 'schema', level: 'ok', message: `schema version ${version}, as this hub-etl expects` });
    await reportPrivileges(db, family, report);
  } finally {
    await db.close();
  }
}

/** Why hub-etl could not write files into a folder (or create it), or null when it can. */
function folderProblem(dir: string): string | null {
  let at = dir;
  while (!fs.existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) return 'cannot be created';
    at = up;
  }
  try {
    if (!fs.statSync(at).isDirectory()) return `cannot be created: ${at} is not a folder`;
    fs.accessSync(at, fs.constants.W_OK);
    return null;
  } catch {
    return at === dir ? 'is not writable' : `cannot be created: ${at} is not writable`;
  }
}

/**
 * Every kind of statement loads and migrations send, on a scratch table of a random name: what fails is
 * named with the privilege it needs. Where DDL is transactional the steps run in a transaction that is
 * rolled back; elsewhere the scratch table is dropped again.
 */
async function reportPrivileges(db: Db, family: DoctorFamily, report: Report): Promise<void> {
  const name = `etl_doctor_${crypto.randomBytes(4).toString('hex')}`;
  const q = (s: string) => db.sql.id(s);
  const steps: Array<[string, string]> = [
    ['CREATE', `create table ${q(name)} (id bigint not null primary key, v varchar(16) null)`],
    ['ALTER', `alter table ${q(name)} add column w int null`],
    ['INDEX', `create index ${q(`${name}_v`)} on ${q(name)} (v)`],
    ['INSERT', `insert into ${q(name)} (id, v) values (1, 'a')`],
    ['UPDATE', `update ${q(name)} set v = 'b' where id = 1`],
    ['SELECT', `select count(*) as n from ${q(name)}`],
    ['DELETE', `delete from ${q(name)} where id = 1`],
    ['CREATE VIEW', `create view ${q(`${name}_view`)} as select id from ${q(name)}`],
    ['DROP', `drop view ${q(`${name}_view`)}`],
    ['DROP', `drop table ${q(name)}`],
  ];
  // What the server tells without trying comes first: the statements would only fail on it.
  const known = await family.missingPrivileges(db);
  const failed = known.length > 0 ? known : await tryStatements(db, name, steps);
  if (failed.length > 0) {
    report({ name: 'privileges', level: 'error', message: `the warehouse account cannot ${failed.join(', ')}`, fix: family.warehouseGrant(db.target) });
  } else {
    report({ name: 'privileges', level: 'ok', message: 'the account can create, alter and drop tables, indexes and views, and read and write rows' });
  }
}

/** Runs the steps on the scratch table `name`; returns each that failed, with the privilege it needs. */
async function tryStatements(db: Db, name: string, steps: Array<[string, string]>): Promise<string[]> {
  const failed: string[] = [];
  if (db.sql.transactionalDdl) {
    try {
      await db.knex.transaction(async (trx) => {
        for (const [privilege, sql] of steps) {
          try {
            await trx.raw(sql);
          } catch (err) {
            failed.push(`${privilege} (${describe(err)})`);
            break;
          }
        }
        throw new RolledBack();
      });
    } catch (err) {
      if (!(err instanceof RolledBack)) failed.push(`a write transaction (${describe(err)})`);
    }
  } else {
    let created = false;
    for (const [privilege, sql] of steps) {
      try {
        await db.knex.raw(sql);
        if (privilege === 'CREATE') created = true;
        if (sql.startsWith('drop table')) created = false;
      } catch (err) {
        failed.push(`${privilege} (${describe(err)})`);
        if (privilege === 'CREATE') break;
      }
    }
    if (created) await db.knex.raw(`drop table if exists ${db.sql.id(name)}`).catch(() => undefined);
    if (created && (await rawRows(db, db.dialect, db.sql.tablesLikeSql(false), [name])).length > 0) {
      failed.push(`DROP (the scratch table ${name} is left behind: drop it)`);
    }
  }
  return failed;
}

class RolledBack extends Error {}
