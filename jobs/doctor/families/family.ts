// What doctor knows of each database family beyond its SQL (lib/dialects): how a connection to it stands,
// its server's version and time zone, the grants an account holds, and the advice for each problem.
// One file per family, chosen by dialect name in index.ts.
import type { DbTarget } from '../../../lib/config.js';
import type { Db } from '../../../lib/db.js';
import type { Report } from '../checks.js';

export interface DoctorFamily {
  /** The connect lines of a replica (how the connection travels, the server's version). */
  connectSource(db: Db, report: Report, synthetic: boolean): Promise<void>;
  /** The connect lines of a warehouse (the server's version). */
  connectWarehouse(db: Db, report: Report): Promise<void>;
  /** The server's time zone by name, and in minutes east of UTC when the server says; null where the database has none. */
  serverZone(db: Db): Promise<{ named: string; offset: number | null } | null>;
  /** The account's grants that let it write into its database, as the server prints them; null where there are no accounts or they cannot be read. */
  writeGrants(db: Db): Promise<string[] | null>;
  /** Privileges a warehouse account lacks that the server tells without trying a statement, in words. */
  missingPrivileges(db: Db): Promise<string[]>;
  /** The fix for replica tables the account may not read. */
  readGrant(target: DbTarget): string;
  /** The fix for a warehouse account that cannot do all that loads and migrations do. */
  warehouseGrant(target: DbTarget): string;
  /** The fix for a warehouse database that does not exist. */
  createDatabase(target: DbTarget): string;
}

/** The database name of a server target ('' for a file). */
export const databaseOf = (target: DbTarget): string => ('database' in target ? target.database : '');
