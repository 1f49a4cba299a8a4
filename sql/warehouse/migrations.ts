// Versioned warehouse migrations, applied in order by `hub-etl migrate` and recorded in etl_schema_migrations.
// Version 1 creates every table at its current definition; later versions only add (columns, tables,
// indexes, views) and must be idempotent, because a fresh install already has what version 1 created.
import type { Dialect } from '../../lib/db.js';
import { addColumnSql, createTableSql } from '../../sinks/ddl.js';
import { ALL_TABLES, API_DIMENSIONS, MESSAGE_REJECT, tableNamed } from './tables.js';
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
    statements: (d) => ALL_TABLES.flatMap((t) => createTableSql(d, t)),
  },
  {
    version: 2,
    name: 'stream lease table etl_lock (one run per stream at a time)',
    statements: (d) => createTableSql(d, tableNamed('etl_lock')),
  },
  { version: 3, name: 'BI views: v_sales_daily, v_sku_sales, v_refund_rate, v_order_fulfilment', statements: viewStatements },
  {
    version: 4,
    name: 'etl_lock.holder_host and holder_pid (a lease of a process gone from the same host is taken over at once)',
    statements: (d) => ['holder_host', 'holder_pid'].map((c) => addColumnSql(d, 'etl_lock', tableNamed('etl_lock').columns.find((x) => x.name === c)!)),
  },
  {
    version: 5,
    name: 'API dimensions: freight templates and their rules, ship-from addresses, store categories, category attributes and their values',
    statements: (d) => API_DIMENSIONS.flatMap((t) => createTableSql(d, t)),
  },
  {
    version: 6,
    name: 'etl_run.api_calls, api_retries and api_throttled (what a run asked of the 1688 API)',
    statements: (d) => API_RUN_COLUMNS.map((c) => addColumnSql(d, 'etl_run', tableNamed('etl_run').columns.find((x) => x.name === c)!)),
  },
  {
    version: 7,
    name: 'etl_message_reject: Cloud Hub messages that could not be parsed, kept whole with the reason',
    statements: (d) => createTableSql(d, MESSAGE_REJECT),
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
