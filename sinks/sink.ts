// The one small interface every warehouse implementation offers. Writes are idempotent: replaying a
// batch is normal (lookback windows, retries, backfills) and never replaces a newer version with an older one.
import type { Table, WarehouseRow } from '../sql/warehouse/tables.js';

/** A row bound for a fact or dimension table, with the version of the source row it came from. */
export interface VersionedRows {
  table: Table;
  rows: WarehouseRow[];
}

/** One loaded unit: the parent key every target row of the unit carries, and its source version. */
export interface UnitWrite {
  /** Unit key (order_id for an order and its lines, product_id for a product and its SKUs, …). */
  key: string;
  version: string;
  /** Rows per target table; a table missing here is left untouched for this unit. */
  tables: Map<string, WarehouseRow[]>;
  /** Keys of child rows rejected in this unit: their previous version is kept, not deleted. */
  keepChildKeys?: string[];
  /** The unit was never loaded before (no fingerprint): it has no old children to delete. */
  fresh?: boolean;
}

export interface RowState { hash: string; version: string }

export interface RejectRecord { sourceKey: string; field: string; reason: string; sample: string | null }

export interface Watermark { stream: string; cursorValue: string; cursorAt: string | null; runId: string; updatedAt: string; streamVersion: number; sourceClockAt: string | null }

/** How a run accounts for every source row it read: read = upserted + unchanged + rejected. */
export interface RunCounts {
  rowsRead: number;
  rowsUpserted: number;
  rowsUnchanged: number;
  rowsRejected: number;
}

/** incremental, full_refresh and backfill read windows; refresh loads specific entities (fetch, messages). Only the first two move watermarks. */
export type RunMode = 'incremental' | 'full_refresh' | 'backfill' | 'refresh';

export interface RunRecord extends RunCounts {
  runId: string;
  stream: string;
  mode: RunMode;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  error: string | null;
  /** What the run asked of the 1688 API (etl_run.api_*); absent or null for a run that read the replica. */
  api?: ApiCounts | null;
}

/** A run's requests to the 1688 API: calls sent (retries included), retries, throttled answers. */
export interface ApiCounts {
  calls: number;
  retries: number;
  throttled: number;
}

/** Everything written inside one transaction commits together (data, states, rejects, watermark). */
export interface SinkTx {
  /**
   * Loads units: for every target table, deletes the unit's rows that are not in the new set
   * (children) and upserts the new rows, both guarded by the version.
   */
  writeUnits(stream: string, units: UnitWrite[], targets: Table[], runId: string): Promise<void>;
  putRowStates(stream: string, states: Array<{ key: string; hash: string; version: string; parentKey?: string | null }>, runId: string): Promise<void>;
  putRejects(stream: string, rejects: RejectRecord[], runId: string): Promise<void>;
  resolveRejects(stream: string, keys: string[], runId: string): Promise<void>;
  setWatermark(w: Omit<Watermark, 'updatedAt'>): Promise<void>;
  /** Deletes the stream's rows and row states not written by this run (end of a full refresh), except those of the kept units. */
  sweep(stream: string, targets: Table[], unitKeyOf: (t: Table) => string, runId: string, keepUnits: string[]): Promise<void>;
}

export interface Sink {
  readonly kind: 'mysql' | 'sqlite' | 'postgres' | 'csv' | 'memory';
  /** Where it writes, safe to print. */
  readonly label: string;
  transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T>;
  getWatermark(stream: string): Promise<Watermark | null>;
  getRowStates(stream: string, keys: string[]): Promise<Map<string, RowState>>;
  openRejectKeys(stream: string): Promise<Set<string>>;
  startRun(run: Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>): Promise<string>;
  finishRun(run: RunRecord): Promise<void>;
  /**
   * A secret of the installation kept with the warehouse's own state (etl_setting): read, or generated
   * (32 random bytes, hex) and stored on first use, the same for every process and run. Sinks without a
   * state of their own leave it out; hub-etl then needs the secret configured.
   */
  installationSecret?(name: string): Promise<string>;
  close(): Promise<void>;
}
