// The run log (etl_run): a row per run, written when it starts and when it ends, read by status, the
// dashboard, /metrics and the lease holder that finds runs whose process died.
import os from 'node:os';
import type { Knex } from 'knex';
import { utcNow } from '../../lib/clock.js';
import { marks, type SqlDialect } from '../../lib/dialects/dialect.js';
import type { RunInfo, RunRecord, RunStart } from './types.js';

const str = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** The columns a RunInfo is read from. */
const RUN_COLUMNS = ['run_id', 'stream', 'mode', 'status', 'started_at', 'finished_at', 'window_start', 'window_end', 'rows_read', 'rows_upserted',
  'rows_unchanged', 'rows_rejected', 'error', 'api_calls', 'api_retries', 'api_throttled'];

/** Reads an etl_run row (any database's value types) into a RunInfo. */
export function runInfo(run: Record<string, unknown>): RunInfo {
  return {
    runId: String(run.run_id),
    mode: String(run.mode),
    status: String(run.status),
    startedAt: String(str(run.started_at)),
    finishedAt: str(run.finished_at),
    windowStart: str(run.window_start),
    windowEnd: str(run.window_end),
    rowsRead: Number(run.rows_read),
    rowsUpserted: Number(run.rows_upserted),
    rowsUnchanged: Number(run.rows_unchanged),
    rowsRejected: Number(run.rows_rejected),
    error: str(run.error),
    api: run.api_calls === null || run.api_calls === undefined
      ? null
      : { calls: Number(run.api_calls), retries: Number(run.api_retries ?? 0), throttled: Number(run.api_throttled ?? 0) },
  };
}

export class RunLog {
  constructor(private readonly k: Knex | Knex.Transaction, private readonly d: SqlDialect) {}

  /** Records a run as running and returns its id. */
  async start(run: RunStart): Promise<string> {
    return this.d.insertReturningId(this.k, 'etl_run', {
      stream: run.stream,
      mode: run.mode,
      status: 'running',
      started_at: utcNow(),
      window_start: run.windowStart,
      window_end: run.windowEnd,
      rows_read: 0,
      rows_upserted: 0,
      rows_unchanged: 0,
      rows_rejected: 0,
      host: `${os.hostname()}:${process.pid}`.slice(0, 128),
    }, 'run_id');
  }

  /** Records how a run ended: its status, window, counts, error and API calls. */
  async finish(run: RunRecord): Promise<void> {
    await this.k('etl_run').where({ run_id: run.runId }).update({
      status: run.status,
      finished_at: run.finishedAt ?? utcNow(),
      window_start: run.windowStart,
      window_end: run.windowEnd,
      rows_read: run.rowsRead,
      rows_upserted: run.rowsUpserted,
      rows_unchanged: run.rowsUnchanged,
      rows_rejected: run.rowsRejected,
      error: run.error,
      ...(run.api ? { api_calls: run.api.calls, api_retries: run.api.retries, api_throttled: run.api.throttled } : {}),
    });
  }

  /** The stream's latest run, or null when it never ran. */
  async last(stream: string): Promise<RunInfo | null> {
    const r = (await this.k('etl_run').select(RUN_COLUMNS).where({ stream }).orderBy('run_id', 'desc').first()) as Record<string, unknown> | undefined;
    return r ? runInfo(r) : null;
  }

  /** The last `limit` runs of a stream (of every stream when null), oldest first. */
  async recent(stream: string | null, limit: number): Promise<RunInfo[]> {
    const q = this.k('etl_run').select(RUN_COLUMNS).orderBy('run_id', 'desc').limit(limit);
    if (stream !== null) q.where({ stream });
    return ((await q) as Array<Record<string, unknown>>).reverse().map(runInfo);
  }

  /**
   * Calls `fn` for the runs with an id above `afterId` in id order, and for the runs `ids` names,
   * streamed without holding the result (the first /metrics scrape reads the whole table).
   */
  async each(afterId: number, ids: string[], fn: (run: RunInfo & { stream: string }) => void): Promise<void> {
    const cols = RUN_COLUMNS.join(', ');
    const knex = this.k as Knex;
    await this.d.eachRow(knex, `select ${cols} from etl_run where run_id > ? order by run_id`, [afterId], (r) => fn({ ...runInfo(r), stream: String(r.stream) }));
    if (ids.length > 0) await this.d.eachRow(knex, `select ${cols} from etl_run where run_id in (${marks(ids.length)})`, ids, (r) => fn({ ...runInfo(r), stream: String(r.stream) }));
  }

  /** The runs of a mode still marked running, with the host:pid that started each. */
  async running(mode: RunStart['mode']): Promise<Array<{ runId: string; host: string; startedAt: string }>> {
    const rows = (await this.k('etl_run').select('run_id', 'host', 'started_at').where({ mode, status: 'running' })) as Array<{ run_id: unknown; host: unknown; started_at: unknown }>;
    return rows.map((r) => ({ runId: String(r.run_id), host: String(r.host ?? ''), startedAt: String(str(r.started_at)) }));
  }

  /** Marks runs still running as abandoned: those `ids` names. Returns how many it marked. */
  async abandon(ids: string[], error: string): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.k('etl_run').whereIn('run_id', ids).where({ status: 'running' }).update({ status: 'abandoned', finished_at: utcNow(), error }));
  }

  /** Marks a stream's runs of these modes still running as abandoned. Returns how many it marked. */
  async abandonStream(stream: string, modes: Array<RunStart['mode']>, error: string): Promise<number> {
    return Number(await this.k('etl_run').where({ stream, status: 'running' }).whereIn('mode', modes).update({ status: 'abandoned', finished_at: utcNow(), error }));
  }
}
