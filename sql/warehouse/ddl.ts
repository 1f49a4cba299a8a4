// The warehouse tables (tables.ts) as DDL in a dialect: the dialect renders types and statements.
import type { Dialect } from '../../lib/db.js';
import { DIALECTS } from '../../lib/dialects/index.js';
import { physicalColumns, type Column, type Table } from './tables.js';

export { indexName } from '../../lib/dialects/dialect.js';

/** `create table` for one table (with its grain as the table's comment) and its indexes. */
export function createTableSql(d: Dialect, table: Table): string[] {
  return DIALECTS[d].createTable(table, physicalColumns(table), table.name === 'etl_run' || table.autoId === true);
}

export function createIndexSql(d: Dialect, table: string, cols: string[]): string {
  return DIALECTS[d].createIndex(table, cols);
}

/** Statements that add a column introduced by a later migration (added columns are nullable). */
export function dropColumnSql(d: Dialect, table: string, column: string): string[] {
  return DIALECTS[d].dropColumn(table, column);
}

export function addColumnSql(d: Dialect, table: string, c: Column): string[] {
  return DIALECTS[d].addColumn(table, c);
}
