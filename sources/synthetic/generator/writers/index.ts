// The generator's writers by dialect: the one place a source database family is chosen. The replica is
// MySQL-compatible (or the embedded SQLite store); a dialect without an entry holds no source store.
import type { Db } from '../../../../lib/db.js';
import type { DialectName } from '../../../../lib/dialects/index.js';
import { UsageError } from '../../../../lib/errors.js';
import { MysqlWriter } from './mysql.js';
import { SqliteWriter } from './sqlite.js';
import type { StoreWriter } from './writer.js';

export type { StoreWriter } from './writer.js';

export const WRITERS: Partial<Record<DialectName, (db: Db) => Promise<StoreWriter>>> = {
  mysql: (db) => MysqlWriter.open(db),
  sqlite: (db) => SqliteWriter.open(db),
};

/** Opens the writer of the database's dialect; a dialect without one is a UsageError naming the databases that take a store. */
export async function openWriter(db: Db): Promise<StoreWriter> {
  const open = WRITERS[db.dialect];
  if (!open) {
    throw new UsageError(`generate writes a synthetic replica into SQLite or MariaDB/MySQL; ${db.label} is ${db.sql.title}, which hub-etl loads as a warehouse only (set --source to a sqlite: or mysql:// URL)`);
  }
  return open(db);
}
