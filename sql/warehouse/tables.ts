// The warehouse schema as data: every table, its grain, keys and columns with their meaning
// (sql/warehouse/schema/: the types, facts, dimensions, API dimensions and operations tables).
// One definition drives the DDL of every dialect (lib/dialects), the upserts, the CSV headers and
// docs/warehouse.md. Names promised to BI users are a contract: add columns, never rename or drop.
import { API_DIMENSIONS } from './schema/api-dimensions.js';
import { DIMENSIONS } from './schema/dimensions.js';
import { FACTS, LATER_FACTS } from './schema/facts.js';
import { OPERATIONS } from './schema/operations.js';
import { LINEAGE, type Column, type Table } from './schema/types.js';

export * from './schema/types.js';
export { API_DIMENSIONS } from './schema/api-dimensions.js';
export { MESSAGE_REJECT, OPERATIONS } from './schema/operations.js';

/** The tables the replica streams fill, in the order the dictionary lists them. */
export const FACTS_AND_DIMENSIONS: Table[] = [...FACTS, ...DIMENSIONS, ...LATER_FACTS];

export const ALL_TABLES: Table[] = [...FACTS_AND_DIMENSIONS, ...API_DIMENSIONS, ...OPERATIONS];

/** Tables of warehouse version 8, created by its migration on a warehouse of an earlier version. */
export const V8_TABLES = ['dim_product_attribute', 'fct_order_step', 'fct_refund_event', 'fct_invoice_registration', 'etl_setting'];

/** The columns a table holds in the database: its own plus lineage for facts and dimensions. */
export function physicalColumns(table: Table): Column[] {
  return table.operational ? table.columns : [...table.columns, ...LINEAGE];
}

export function tableNamed(name: string): Table {
  const t = ALL_TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown warehouse table ${name}`);
  return t;
}

/** The row type a transform emits for a table: column name to canonical value. */
export type WarehouseRow = Record<string, string | number | null>;

