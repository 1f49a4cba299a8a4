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
  /** IANA zone of the replica's naive DATETIME/DATE columns. */
  sourceTz: string;
  /**
   * IANA zone of 1688's offset-less time strings inside the blobs (acceptTime, gmtPayExpireTime,
   * accountPeriodTime, …): China time whatever zone the replica keeps its columns in. Default Asia/Shanghai.
   */
  apiTz?: string;
  /** IANA zone of the store's calendar: every `*_date` derived from an instant. Default Asia/Shanghai. */
  storeTz?: string;
  /**
   * Personal-data settings. Transforms that load buyer ids refuse to run without them (a programming
   * error, not a bad row): a buyer id must never reach the warehouse by accident.
   */
  pii?: PiiSettings;
}

export interface PiiSettings {
  /** Key of the buyer hashes (HMAC-SHA256). */
  key: string;
  /** buyer_member_id holds the clear memberId (ERP use) instead of the keyed hash. */
  keepBuyerIds: boolean;
  /** Invoices' VAT registration goes to fct_invoice_registration; off: that table stays empty. */
  invoiceRegistration: boolean;
}

/**
 * Warehouse rows by table name. A child table present with [] means "this parent has none now"; a child
 * table absent means "the source row said nothing about it": leave the rows already loaded alone.
 */
export type TransformOutput = Record<string, WarehouseRow[]>;

export type Transform = (row: SourceRow, ctx: TransformContext) => TransformOutput;

/** The warehouse contract's shapes, for checking transform output against it (see contract.ts). */
export type { Table, Column, ColumnType } from '../sql/warehouse/tables.js';
