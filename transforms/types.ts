// Types shared by all transforms: what a source row looks like when it reaches a transform,
// and what a transform returns. Transforms import nothing else from the project.
import type { WarehouseRow } from '../sql/warehouse/tables.js';

export type { WarehouseRow };

/**
 * One replica row as the reader hands it over: column name (lower-case, with the printed typos
 * aliased: order_ld / order_Id arrive as order_id) to its value as exact text, or null.
 * BIGINT as decimal digits, DECIMAL as its decimal text, DATETIME as 'YYYY-MM-DD HH:MM:SS' and
 * DATE as 'YYYY-MM-DD' (both naive, in the source time zone), JSON columns as raw text.
 * Child streams without a modify time also get their parent's columns as parent_<column>
 * (for order lines and invoices: parent_create_time, parent_modify_time).
 */
export type SourceRow = Record<string, string | null>;

export interface TransformContext {
  /** IANA zone of the replica's naive DATETIME/DATE columns and of zone-less blob times. */
  sourceTz: string;
}

/**
 * Warehouse rows by table name. A child table present with [] means "this parent has none now"; a child
 * table absent means "the source row said nothing about it": leave the rows already loaded alone.
 */
export type TransformOutput = Record<string, WarehouseRow[]>;

export type Transform = (row: SourceRow, ctx: TransformContext) => TransformOutput;

/** The warehouse contract's shapes, for checking transform output against it (see contract.ts). */
export type { Table, Column, ColumnType } from '../sql/warehouse/tables.js';
