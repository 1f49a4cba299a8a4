// The upsert every SQL writer of the warehouse shares (statements, or the dialect's bulk path).
import type { Knex } from 'knex';
import { writeInStatements, type SqlDialect } from '../lib/dialects/dialect.js';
import { physicalColumns, type Table, type WarehouseRow } from '../sql/warehouse/tables.js';

/** The source version column the version guard compares. */
export const VERSION = '_source_version';

/** Upserts rows into a table (statements of bounded size, or the dialect's bulk path); with `guard`, never over a newer source version. */
export async function upsertRows(k: Knex | Knex.Transaction, d: SqlDialect, table: Table, rows: WarehouseRow[], guard: boolean): Promise<void> {
  if (rows.length === 0) return;
  const columns = physicalColumns(table).filter((c) => !(table.name === 'etl_run' && c.name === 'run_id'));
  // In a transaction the dialect chooses statements or its bulk path; outside one (the run log), statements.
  if ((k as Knex.Transaction).isTransaction) await d.write(k as Knex.Transaction, table, columns, rows, guard ? VERSION : null);
  else await writeInStatements(d, k, table, columns, rows, guard ? VERSION : null);
}
