// Per stream: watermark, lag, last run and its counts, open rejects. Read from the warehouse only.
import type { Db } from '../lib/db.js';
import type { RunCounts } from '../sinks/sink.js';
import { appliedVersion } from './migrate.js';
import { STREAMS } from './streams.js';

export interface StreamStatus {
  stream: string;
  watermark: string | null;
  watermarkAt: string | null;
  /** How far the warehouse was behind the source at the last run: source clock − watermark, in seconds. */
  lagSeconds: number | null;
  lastRun: RunInfo | null;
  openRejects: number;
}

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
};

/** Reads an etl_run row (either database's value types) into a RunInfo. */
export function runInfo(run: Record<string, unknown>): RunInfo {
  return {
    runId: String(run.run_id),
    mode: String(run.mode),
    status: String(run.status),
    startedAt: String(run.started_at),
    finishedAt: str(run.finished_at),
    windowStart: str(run.window_start),
    windowEnd: str(run.window_end),
    rowsRead: Number(run.rows_read),
    rowsUpserted: Number(run.rows_upserted),
    rowsUnchanged: Number(run.rows_unchanged),
    rowsRejected: Number(run.rows_rejected),
    error: str(run.error),
  };
}

export interface WarehouseStatus { schemaVersion: number; generatedAt: string; streams: StreamStatus[] }

const utcMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export async function warehouseStatus(db: Db, now = new Date()): Promise<WarehouseStatus> {
  const schemaVersion = await appliedVersion(db);
  const streams: StreamStatus[] = [];
  const ready = schemaVersion > 0;
  const rejects = new Map<string, number>();
  if (ready) {
    const open = (await db.knex('etl_reject').select('stream').count({ n: '*' }).whereNull('resolved_at').groupBy('stream')) as Array<{ stream: string; n: unknown }>;
    for (const r of open) {
      rejects.set(String(r.stream), Number(r.n));
    }
  }
  for (const def of STREAMS) {
    const wm = ready ? await db.knex('etl_watermark').where({ stream: def.name }).first() : undefined;
    const run = ready ? await db.knex('etl_run').where({ stream: def.name }).orderBy('run_id', 'desc').first() : undefined;
    const at = str(wm?.cursor_at);
    const clock = str(wm?.source_clock_at);
    streams.push({
      stream: def.name,
      watermark: str(wm?.cursor_value),
      watermarkAt: at,
      lagSeconds: at ? Math.max(0, Math.round(((clock ? utcMs(clock) : now.getTime()) - utcMs(at)) / 1000)) : null,
      lastRun: run ? runInfo(run) : null,
      openRejects: rejects.get(def.name) ?? 0,
    });
  }
  return { schemaVersion, generatedAt: now.toISOString(), streams };
}

/** Lag as people read it: 45s, 12m, 3h 5m, 2d 4h. */
export function humanLag(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

/** A plain-text table of the status, one line per stream. */
export function formatStatus(s: WarehouseStatus): string {
  const header = ['stream', 'watermark', 'lag', 'last run', 'read', 'upserted', 'unchanged', 'rejected', 'open rejects'];
  const rows = s.streams.map((x) => [
    x.stream,
    x.watermark ?? '—',
    humanLag(x.lagSeconds),
    x.lastRun ? `#${x.lastRun.runId} ${x.lastRun.status}` : 'never',
    String(x.lastRun?.rowsRead ?? '—'),
    String(x.lastRun?.rowsUpserted ?? '—'),
    String(x.lastRun?.rowsUnchanged ?? '—'),
    String(x.lastRun?.rowsRejected ?? '—'),
    String(x.openRejects),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const failed = s.streams.filter((x) => x.lastRun?.status === 'failed').map((x) => `  ${x.stream}: ${x.lastRun!.error ?? 'failed'}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(failed.length ? ['', 'failed runs:', ...failed] : [])].join('\n');
}
