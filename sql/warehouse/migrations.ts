// Versioned warehouse migrations, applied in order by `hub-etl migrate` and recorded in etl_schema_migrations.
// Each version creates what it introduced and nothing more: a table as it was at that version (the
// columns later versions add are left to them), so a fresh install replays the history an upgraded
// warehouse went through, and the history table says which version brought what. Statements are
// idempotent (a migration interrupted halfway is run again).
import type { Dialect } from '../../lib/db.js';
import { addColumnSql, createIndexSql, createTableSql, dropColumnSql } from './ddl.js';
import { text, type Column } from './schema/types.js';
import { ALL_TABLES, API_DIMENSIONS, MESSAGE_REJECT, tableNamed, V8_TABLES, type Table } from './tables.js';
import { viewStatements } from './views.js';

/** The columns version 6 adds to etl_run. */
export const API_RUN_COLUMNS = ['api_calls', 'api_retries', 'api_throttled'] as const;

export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'facts, dimensions and operations tables',
    statements: (d) => ALL_TABLES.filter((t) => !LATER_TABLES.has(t.name)).flatMap((t) => createTableSql(d, asOf(t, 1))),
  },
  {
    version: 2,
    name: 'stream lease table etl_lock (one run per stream at a time)',
    statements: (d) => createTableSql(d, asOf(tableNamed('etl_lock'), 2)),
  },
  { version: 3, name: 'BI views: v_sales_daily, v_sku_sales, v_refund_rate, v_order_fulfilment', statements: (d) => viewStatements(d, 3) },
  {
    version: 4,
    name: 'etl_lock.holder_host and holder_pid (a lease of a process gone from the same host is taken over at once)',
    statements: (d) => ['holder_host', 'holder_pid'].flatMap((c) => addColumnSql(d, 'etl_lock', tableNamed('etl_lock').columns.find((x) => x.name === c)!)),
  },
  {
    version: 5,
    name: 'API dimensions: freight templates and their rules, ship-from addresses, store categories, category attributes and their values',
    statements: (d) => API_DIMENSIONS.flatMap((t) => createTableSql(d, asOf(t, 5))),
  },
  {
    version: 6,
    name: 'etl_run.api_calls, api_retries and api_throttled (what a run asked of the 1688 API)',
    statements: (d) => API_RUN_COLUMNS.flatMap((c) => addColumnSql(d, 'etl_run', tableNamed('etl_run').columns.find((x) => x.name === c)!)),
  },
  {
    version: 7,
    name: 'etl_message_reject: Cloud Hub messages that could not be parsed, kept whole with the reason',
    statements: (d) => createTableSql(d, asOf(MESSAGE_REJECT, 7)),
  },
  {
    version: 8,
    name: 'the fields sellers\' teams ask for and buyers\' personal data kept out: buyer_key, refund and shipment details, product attributes, order steps, refund events, the restricted invoice registration, etl_setting',
    statements: (d) => [
      ...V8_TABLES.flatMap((t) => createTableSql(d, asOf(tableNamed(t), 8))),
      ...Object.entries(V8_COLUMNS).flatMap(([table, names]) => names.flatMap((c) => addColumnSql(d, table, columnOf(table, c)))),
      createIndexSql(d, 'fct_order', ['buyer_key']),
      // The views count buyers on buyer_key now (rows loaded before version 8 fall back to buyer_member_id).
      ...viewStatements(d, 8),
    ],
  },
  {
    version: 9,
    name: 'BI views a reader needs no joins for: product title, SKU attributes and category path in v_sku_sales and v_refund_rate; v_sales_by_province',
    statements: (d) => viewStatements(d, 9),
  },
  {
    version: 10,
    name: 'etl_row_state without parent_key: never filled, since a unit\'s key already names the parent of a child set',
    statements: (d) => Object.entries(DROPPED_COLUMNS).flatMap(([table, cols]) => cols.flatMap((c) => dropColumnSql(d, table, c.column.name))),
  },
];

/**
 * Columns a version dropped: table → the column (as the versions before created it, after the column
 * named) and the version that dropped it. Operational tables only: a contract column is never dropped.
 */
const DROPPED_COLUMNS: Record<string, Array<{ column: Column; after: string; version: number }>> = {
  etl_row_state: [{ column: { name: 'parent_key', type: text(128), nullable: true, description: 'Key of the parent row (never filled)', labelZh: '父主键' }, after: 'source_key', version: 10 }],
};

/** Columns warehouse version 8 adds to tables that existed before it (appended, all nullable). */
export const V8_COLUMNS: Record<string, string[]> = {
  fct_order: [
    'buyer_key', 'in_sale_refund_status', 'after_sales_refund_status', 'reported_discount_amount', 'line_discount_amount', 'trade_type_code',
    'trade_type_desc', 'business_type', 'close_reason', 'closed_by', 'received_at', 'confirmed_at', 'account_period_due_at', 'ship_to_province',
    'ship_to_city', 'ship_to_district', 'ship_to_district_code',
  ],
  fct_refund: [
    'buyer_key', 'dispute_type', 'apply_reason_id', 'reject_reason', 'reject_reason_id', 'reject_count', 'timeout_at', 'is_seven_day_return',
    'return_bill_no', 'return_carrier_name',
  ],
  fct_invoice: ['is_personal_title'],
  fct_shipment: ['carrier_id', 'carrier_no', 'carriage', 'send_type'],
  dim_product: ['reposted_at', 'approved_at', 'store_category_id', 'store_category_ids', 'sku_cargo_numbers', 'amount_on_sale', 'unit_weight_kg', 'freight_template_id'],
  dim_category: ['user_category_id', 'user_category_name'],
};

/** Tables created by a version after 1, by name. */
const LATER_TABLES = new Set(['etl_lock', ...API_DIMENSIONS.map((t) => t.name), MESSAGE_REJECT.name, ...V8_TABLES]);

/** Columns added to existing tables after version 1: table → column → the version that added it. */
function addedColumns(): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const add = (version: number, table: string, names: readonly string[]) => {
    const m = out.get(table) ?? new Map<string, number>();
    for (const n of names) m.set(n, version);
    out.set(table, m);
  };
  add(4, 'etl_lock', ['holder_host', 'holder_pid']);
  add(6, 'etl_run', API_RUN_COLUMNS);
  for (const [table, names] of Object.entries(V8_COLUMNS)) add(8, table, names);
  return out;
}

/** A table as version `version` created it: without the columns (and their indexes) later versions add. */
export function asOf(table: Table, version: number): Table {
  const later = new Set([...(addedColumns().get(table.name) ?? new Map<string, number>())].filter(([, v]) => v > version).map(([c]) => c));
  const dropped = (DROPPED_COLUMNS[table.name] ?? []).filter((d) => d.version > version);
  if (later.size === 0 && dropped.length === 0) return table;
  const columns = table.columns.filter((c) => !later.has(c.name));
  for (const d of dropped) columns.splice(columns.findIndex((c) => c.name === d.after) + 1, 0, d.column);
  return { ...table, columns, indexes: table.indexes?.filter((cols) => !cols.some((c) => later.has(c))) };
}

function columnOf(table: string, name: string) {
  const c = tableNamed(table).columns.find((x) => x.name === name);
  if (!c) throw new Error(`migration 8: ${table}.${name} is not in the table definition`);
  return c;
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
