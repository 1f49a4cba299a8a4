// The records of the warehouse's state (etl_watermark, etl_row_state, etl_reject, etl_run, etl_lock) as
// hub-etl reads and writes them through the state store (store.ts).

export interface RowState { hash: string; version: string }

/** A row state to write: the fingerprint and source version of one unit (an order with its lines, a product with its SKUs). */
export interface RowStateWrite { key: string; hash: string; version: string }

export interface RejectRecord { sourceKey: string; field: string; reason: string; sample: string | null }

/** An open reject as the dashboard shows it. */
export interface RejectSample { sourceKey: string; field: string; reason: string; lastSeenAt: string }

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

/** A run's requests to the 1688 API: calls sent (retries included), retries, throttled answers. */
export interface ApiCounts {
  calls: number;
  retries: number;
  throttled: number;
}

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

/** What starting a run records. */
export type RunStart = Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>;

/** One etl_run row as status, the dashboard and /metrics show it. */
export type RunInfo = RunCounts & {
  runId: string;
  mode: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  error: string | null;
  /** What the run asked of the 1688 API (etl_run.api_*), or null for a run that read the replica. */
  api: ApiCounts | null;
};

/** Who holds a stream's lease and until when (empty owner when it was never taken). */
export interface LeaseHolder {
  owner: string;
  expiresAt: string;
  held: boolean;
  /** Host name and process id of the holder (null for a lease taken before warehouse version 4). */
  host: string | null;
  pid: number | null;
}
