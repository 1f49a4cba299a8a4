// What the generator needs of a source database: the same rows written each database family's fastest way
// (mysql.ts, sqlite.ts), chosen by dialect name in index.ts. Also how rows already written are found again
// by their natural key, which both families share.
import type { Row, TableKey, TableSpec } from '../../tables.js';

export interface StoreWriter {
  /** New orders per chunk: the memory bound and the write granularity that suit this database. */
  readonly chunkOrders: number;
  /** The generator's state table (sql/source/*.sql holds the ali1688_* tables); its presence marks a synthetic store. */
  readonly markerDdl: string;
  /** A SQL literal of a text value. */
  quote(text: string): string;
  exec(sql: string): Promise<void>;
  /** Statement with ? parameters; returns the number of rows changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Surrogate ids of existing rows, by natural key. */
  lookup(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>): Promise<Map<string, string>>;
  /** Inserts (or upserts by id) rows; on MariaDB it may return before the rows are written. */
  write(spec: TableSpec, rows: Row[], upsert: boolean): Promise<void>;
  /** Size of the LOAD DATA buffers this database takes (from a TsvWriter), or null when it takes rows. */
  readonly tsvBytes: number | null;
  loadBuffer(spec: TableSpec, buf: Buffer): Promise<void>;
  /** Waits until every write has finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** How to find existing rows: the indexed column to filter on, and the column holding the hint value. */
export const LOOKUP: Record<TableKey, { by: number; hint?: string }> = {
  category: { by: 3 },
  product: { by: 1 },
  order: { by: 1 },
  order_line: { by: 2 },
  order_refund: { by: 1, hint: 'gmt_modified' },
  invoice: { by: 1 },
  logistics_order: { by: 1, hint: 'gmt_modified' },
  logistics_route: { by: 1, hint: 'gmt_modified' },
};

/** Groups updates by hint value and by up to `size` filter values. */
export function lookupGroups(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>, size: number): Array<{ hint: string | null; values: string[] }> {
  const by = LOOKUP[spec.key].by;
  const groups = new Map<string | null, Set<string>>();
  for (const u of updates) {
    const h = LOOKUP[spec.key].hint ? u.hint : null;
    let set = groups.get(h);
    if (!set) groups.set(h, (set = new Set()));
    set.add(u.row[by]!);
  }
  const out: Array<{ hint: string | null; values: string[] }> = [];
  for (const [hint, set] of groups) {
    const all = [...set];
    for (let i = 0; i < all.length; i += size) out.push({ hint, values: all.slice(i, i + size) });
  }
  return out;
}
