// The warehouse schema's vocabulary: column types, the table shape, lineage columns.
// One definition drives the DDL of every dialect (lib/dialects), the upserts, the CSV headers and
// docs/warehouse.md. Names promised to BI users are a contract: add columns, never rename or drop.

/**
 * Logical column types. Values travel in one canonical text form whatever the database:
 * - id: 64-bit integer as a decimal string ("240517803316129437")
 * - decimal: exact decimal string with exactly `scale` digits after the point ("12.30"); on SQLite
 *   stored as TEXT (SQLite has no exact decimal), on MySQL as DECIMAL(p,s), on PostgreSQL as NUMERIC(p,s)
 * - timestamp: UTC "YYYY-MM-DD HH:MM:SS.SSS"; date: "YYYY-MM-DD"
 * - int: JS number (safe integer); bool: 0 or 1; text: string of at most `length` characters
 */
export type { ColumnType } from '../../../lib/dialects/dialect.js';
import type { ColumnType } from '../../../lib/dialects/dialect.js';

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** What the column means, in a BI user's words. */
  description: string;
  /** Chinese column label for exports (header-lang zh). */
  labelZh: string;
}

export interface Table {
  name: string;
  /** Grain, written into the table comment: "one row per order line". */
  grain: string;
  description: string;
  columns: Column[];
  primaryKey: string[];
  /**
   * For child tables loaded as a set per parent: the columns naming the parent. Rows of a parent
   * that are not in the new set are deleted, so a line that disappears from the source disappears here.
   */
  parentKey?: string[];
  indexes?: string[][];
  /** Operations tables carry no lineage columns of their own. */
  operational?: boolean;
  /** The first primary-key column is numbered by the database (auto increment). */
  autoId?: boolean;
  /**
   * Who may read it. `restricted`: data an ERP needs and BI must not see (the invoices' VAT registration):
   * in no view, exported only with --include-restricted; grant it to the ERP's account alone. `secret`:
   * hub-etl's own keys, never exported.
   */
  access?: 'restricted' | 'secret';
}

export const ID: ColumnType = { kind: 'id' };
export const INT: ColumnType = { kind: 'int' };
export const BOOL: ColumnType = { kind: 'bool' };
export const TS: ColumnType = { kind: 'timestamp' };
export const DATE: ColumnType = { kind: 'date' };
export const LONGTEXT: ColumnType = { kind: 'longtext' };
/** Money in yuan, 2 decimals (fen exact). */
export const MONEY: ColumnType = { kind: 'decimal', precision: 18, scale: 2 };
/** Money in yuan with 3 decimals, as the replica's order_line.refund. */
export const MONEY3: ColumnType = { kind: 'decimal', precision: 18, scale: 3 };
/** Unit prices in yuan: 1688 lists prices below one fen for small parts. */
export const PRICE: ColumnType = { kind: 'decimal', precision: 18, scale: 4 };
/** Quantities: the API's quantity is decimal (quantityFactor). */
export const QTY: ColumnType = { kind: 'decimal', precision: 18, scale: 4 };
/** Weights in kg: 1688 sends a double (shippingInfo.unitWeight); grams of small parts need 3 decimals and more. */
export const WEIGHT: ColumnType = { kind: 'decimal', precision: 18, scale: 6 };
export const text = (length: number): ColumnType => ({ kind: 'text', length });

export type ColSpec = [name: string, type: ColumnType, nullable: boolean, description: string, labelZh: string];
export const cols = (specs: ColSpec[]): Column[] => specs.map(([name, type, nullable, description, labelZh]) => ({ name, type, nullable, description, labelZh }));

/** Lineage columns every fact and dimension carries. */
export const LINEAGE: Column[] = cols([
  ['_source_version', text(32), false, 'Modify time of the source row this version came from (source time zone, as stored in the replica); a load never replaces a newer version with an older one', '来源版本'],
  ['_run_id', ID, false, 'etl_run.run_id of the run that last wrote this row', '批次号'],
  ['_loaded_at', TS, false, 'When hub-etl last wrote this row (UTC)', '装载时间'],
]);

