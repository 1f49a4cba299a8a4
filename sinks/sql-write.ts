// Statements every SQL writer of the warehouse shares: raw execution and the bounded multi-row upsert.
import type { Knex } from 'knex';
import { writeInStatements, type SqlDialect } from '../lib/dialects/dialect.js';
import { physicalColumns, type Table, type WarehouseRow } from '../sql/warehouse/tables.js';

/** The source version column the version guard compares. */
export const VERSION = '_source_version';

export async function exec(k: Knex | Knex.Transaction, sql: string, bindings: unknown[]): Promise<void> {
  // Without bindings knex passes the text through untouched (a literal '?' in the data stays as it is).
  await (bindings.length > 0 ? k.raw(sql, bindings as Knex.RawBinding[]) : k.raw(sql));
}

/** Upserts rows into a table (statements of bounded size, or the dialect's bulk path); with `guard`, never over a newer source version. */
export async function upsertRows(k: Knex | Knex.Transaction, d: SqlDialect, table: Table, rows: WarehouseRow[], guard: boolean): Promise<void> {
  if (rows.length === 0) return;
  const columns = physicalColumns(table).filter((c) => !(table.name === 'etl_run' && c.name === 'run_id'));
  // In a transaction the dialect chooses statements or its bulk path; outside one (the run log), statements.
  if ((k as Knex.Transaction).isTransaction) await d.write(k as Knex.Transaction, table, columns, rows, guard ? VERSION : null);
  else await writeInStatements(d, k, table, columns, rows, guard ? VERSION : null);
}
