// The one small interface every warehouse implementation offers: writing rows in a transaction and
// sweeping. Writes are idempotent: replaying a batch is normal (lookback windows, retries, backfills) and
// never replaces a newer version with an older one. What the engine knows about the stream (watermark,
// fingerprints, rejects, the run log) is the warehouse's state store (state/store.ts), the same code for
// every sink; inside a transaction it is the transaction's, so rows and state commit together.
import type { Table, WarehouseRow } from '../sql/warehouse/tables.js';
import type { StateStore } from './state/store.js';
import type { RunMode, RunRecord, RunStart } from './state/types.js';

export type { ApiCounts, RejectRecord, RowState, RowStateWrite, RunCounts, RunInfo, RunMode, RunRecord, RunStart, Watermark } from './state/types.js';
export type { StateStore } from './state/store.js';

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

/** Everything written inside one transaction commits together (data, and the state written through `state`). */
export interface SinkTx {
  /**
   * Loads units: for every target table, deletes the unit's rows that are not in the new set
   * (children) and upserts the new rows, both guarded by the version.
   */
  writeUnits(stream: string, units: UnitWrite[], targets: Table[], runId: string): Promise<void>;
  /** Deletes the stream's rows and row states not written by this run (end of a full refresh), except those of the kept units. */
  sweep(stream: string, targets: Table[], unitKeyOf: (t: Table) => string, runId: string, keepUnits: string[]): Promise<void>;
  /** The state store inside this transaction. */
  readonly state: StateStore;
}

/** A run as a sink that commits whole runs sees it begin. */
export interface RunOpening { runId: string; stream: string; mode: RunMode }

export interface Sink {
  readonly kind: 'mysql' | 'sqlite' | 'postgres' | 'csv' | 'memory';
  /** Where it writes, safe to print. */
  readonly label: string;
  /** The warehouse's state: watermarks, fingerprints, rejects, the run log, leases, secrets. */
  readonly state: StateStore;
  transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T>;
  /**
   * For a sink whose runs commit as a whole (CSV): called after the run is recorded (state.runs.start)
   * and before its first transaction; `endRun` after its end is recorded (state.runs.finish), to commit
   * it. A SQL warehouse commits every transaction as it goes and leaves them out.
   */
  beginRun?(run: RunOpening): Promise<void>;
  endRun?(runId: string): Promise<void>;
  /** Turns a failure of its state into the error to report (CSV: another run holds the folder), or leaves it out. */
  explain?(what: string, err: unknown): Error;
  close(): Promise<void>;
}

/** Starts a run: records it in the state and opens it in the sink. Returns its id. */
export async function startRun(sink: Sink, run: RunStart): Promise<string> {
  let runId: string;
  try {
    runId = await sink.state.runs.start(run);
  } catch (err) {
    throw sink.explain ? sink.explain(`starting a ${run.stream} run`, err) : err;
  }
  await sink.beginRun?.({ runId, stream: run.stream, mode: run.mode });
  return runId;
}

/** Finishes a run: records how it ended, then lets the sink commit it. */
export async function finishRun(sink: Sink, run: RunRecord): Promise<void> {
  await sink.state.runs.finish(run);
  await sink.endRun?.(run.runId);
}
