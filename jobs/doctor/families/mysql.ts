// Doctor's knowledge of MariaDB/MySQL (and PolarDB): TLS on the connection, the server's version and
// time zone, and the GRANT statements an account holds or needs.
import { rawRows, type Db } from '../../../lib/db.js';
import { versionCheck, type Report } from '../checks.js';
import { databaseOf, type DoctorFamily } from './family.js';

async function version(db: Db, report: Report): Promise<void> {
  const [v] = await rawRows<{ v: string }>(db, db.dialect, 'select version() as v');
  report(versionCheck(String(v!.v)));
}

/** How the connection travels: a password and a store's orders should not cross a network in clear. */
async function reportTransport(db: Db, report: Report): Promise<void> {
  const target = 'host' in db.target ? db.target : null;
  const [row] = await rawRows<{ Value: string }>(db, db.dialect, "show session status like 'Ssl_version'");
  const tls = row?.Value ?? '';
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target?.host ?? '');
  if (tls) {
    const mode = target?.tls?.mode ?? 'required';
    report({ name: 'connect', level: 'ok', message: `${db.label}: connected over ${tls} (ssl=${mode}${mode === 'required' ? ': the server\'s certificate is not checked' : ''})` });
  } else if (local) {
    report({ name: 'connect', level: 'ok', message: `${db.label}: connected (not encrypted; a local connection)` });
  } else {
    report({ name: 'connect', level: 'warn', message: `${db.label}: connected without TLS: the password and the store's data cross the network in clear`, fix: 'add ?ssl=verify-full&ssl-ca=/path/ca.pem to the URL (the CA file from your database console)' });
  }
}

export const mysqlFamily: DoctorFamily = {
  async connectSource(db, report) {
    await reportTransport(db, report);
    await version(db, report);
  },

  async connectWarehouse(db, report) {
    report({ name: 'connect', level: 'ok', message: `${db.label}: connected` });
    await version(db, report);
  },

  async serverZone(db) {
    const [row] = await rawRows<{ tz: string; sys: string; off: number | string | null }>(db, db.dialect,
      "select @@global.time_zone as tz, @@system_time_zone as sys, timestampdiff(minute, utc_timestamp(), convert_tz(utc_timestamp(), '+00:00', @@global.time_zone)) as off");
    return { named: row!.tz === 'SYSTEM' ? `SYSTEM (${row!.sys})` : row!.tz, offset: row!.off === null ? null : Number(row!.off) };
  },

  async writeGrants(db) {
    let grants: string[];
    try {
      grants = (await rawRows<Record<string, string>>(db, db.dialect, 'show grants')).map((r) => String(Object.values(r)[0]));
    } catch {
      return null;
    }
    const database = databaseOf(db.target);
    return grants.filter((g) => {
      const m = /^GRANT (.+?) ON (\S+) TO /i.exec(g);
      if (!m) return false;
      const on = m[2]!.replace(/`/g, '').replace(/\\_/g, '_');
      const here = on === '*.*' || on === `${database}.*` || on.startsWith(`${database}.`);
      return here && /\b(ALL|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(m[1]!);
    }).map((g) => g.replace(/ IDENTIFIED BY .*/i, ''));
  },

  // Only trying tells: the scratch table's statements name what fails.
  missingPrivileges: async () => [],

  readGrant: (target) => `grant select on \`${databaseOf(target)}\`.* to the hub-etl user (README: "Connecting a real replica")`,
  warehouseGrant: (target) => `grant select, insert, update, delete, create, alter, index, drop, create view on \`${databaseOf(target)}\`.* to the hub-etl user`,
  createDatabase: () => '"hub-etl migrate" creates it when the user may (CREATE privilege), or create it: create database <name> character set utf8mb4',
};
