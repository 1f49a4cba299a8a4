// Per stream: watermark, lag, last run and its counts, open rejects. Read from the warehouse, plus the
// source's clock for the lag as of now.
import { maskSecrets } from '../lib/config.js';
import type { Context } from './context.js';
import type { Db } from '../lib/db.js';
import { describe } from '../lib/errors.js';
import type { RunInfo, Watermark } from '../sinks/sink.js';
import { StateStore } from '../sinks/state/store.js';
import { isSynthetic, sourceNowUtc } from '../sources/replica.js';
import { appliedVersion } from '../sql/warehouse/migrate.js';
import { openReader, sourceKind } from './engine/source.js';
import { STREAMS } from './engine/streams.js';

export interface StreamStatus {
  stream: string;
  watermark: string | null;
  watermarkAt: string | null;
  /** How far the warehouse was behind the source at the last run: source clock − watermark, in seconds. */
  lagSeconds: number | null;
  /**
   * How far it is behind now: the source's clock when the status was taken − watermark, in seconds.
   * Grows while nothing loads (a dead scheduler, stopped workers); null for a stream never loaded.
   */
  lagNowSeconds: number | null;
  lastRun: RunInfo | null;
  openRejects: number;
}

export interface WarehouseStatus {
  schemaVersion: number;
  generatedAt: string;
  /** The source's clock (UTC) that lagNowSeconds is measured against: this host's clock when the source could not be read. */
  sourceClockAt: string;
  /** Why the source's clock could not be read (lagNowSeconds then uses this host's clock). */
  sourceClockError?: string;
  streams: StreamStatus[];
}

/** The source's clock, or why it could not be read. A synthetic store's clock is its simulated time. */
export type SourceClock = { at: Date } | { error: string };

export async function readSourceClock(ctx: Context): Promise<SourceClock> {
  try {
    // The 1688 API as the source: its gateway's clock.
    if (sourceKind(ctx) === 'api') return { at: await (await openReader(ctx)).now() };
    const src = await ctx.source();
    return { at: await sourceNowUtc(src, await isSynthetic(src)) };
  } catch (err) {
    return { error: maskSecrets(describe(err)) };
  }
}

const utcMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

/** The status of every stream; `clock` is the source's clock for the lag as of now (this host's when absent or unreadable). */
export async function warehouseStatus(db: Db, now = new Date(), clock?: SourceClock): Promise<WarehouseStatus> {
  const sourceNow = clock && 'at' in clock ? clock.at : now;
  const schemaVersion = await appliedVersion(db);
  const streams: StreamStatus[] = [];
  const ready = schemaVersion > 0;
  const state = StateStore.of(db);
  const rejects = ready ? await state.openRejectCounts() : new Map<string, number>();
  const marks = ready ? await state.watermarks() : new Map<string, Watermark>();
  for (const def of STREAMS) {
    const wm = marks.get(def.name);
    const at = wm?.cursorAt ?? null;
    const clockAtRun = wm?.sourceClockAt ?? null;
    streams.push({
      stream: def.name,
      watermark: wm?.cursorValue ?? null,
      watermarkAt: at,
      lagSeconds: at ? Math.max(0, Math.round(((clockAtRun ? utcMs(clockAtRun) : now.getTime()) - utcMs(at)) / 1000)) : null,
      lagNowSeconds: at ? Math.max(0, Math.round((sourceNow.getTime() - utcMs(at)) / 1000)) : null,
      lastRun: ready ? await state.runs.last(def.name) : null,
      openRejects: rejects.get(def.name) ?? 0,
    });
  }
  return {
    schemaVersion,
    generatedAt: now.toISOString(),
    sourceClockAt: sourceNow.toISOString(),
    ...(clock && 'error' in clock ? { sourceClockError: clock.error } : {}),
    streams,
  };
}

/** Streams whose lag as of now exceeds `maxSeconds`, or that were never loaded; `ignore`: streams this configuration does not load (the API's, without an API). */
export function staleStreams(s: WarehouseStatus, maxSeconds: number, ignore: readonly string[] = []): Array<{ stream: string; lagSeconds: number | null }> {
  return s.streams
    .filter((x) => !ignore.includes(x.stream) && (x.lagNowSeconds === null || x.lagNowSeconds > maxSeconds))
    .map((x) => ({ stream: x.stream, lagSeconds: x.lagNowSeconds }));
}

/** The streams only the 1688 API has, which a configuration without an API never loads. */
export function streamsNeedingApi(hasApi: boolean): string[] {
  return hasApi ? [] : STREAMS.filter((d) => d.apiOnly).map((d) => d.name);
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
  // Runs through the 1688 API also show the calls they made.
  const api = s.streams.some((x) => x.lastRun?.api);
  const header = ['stream', 'watermark', 'lag now', 'at last run', 'last run', 'read', 'upserted', 'unchanged', 'rejected', 'open rejects', ...(api ? ['api calls', 'retries', 'throttled'] : [])];
  const rows = s.streams.map((x) => [
    x.stream,
    x.watermark ?? '—',
    humanLag(x.lagNowSeconds),
    humanLag(x.lagSeconds),
    x.lastRun ? `#${x.lastRun.runId} ${x.lastRun.status}` : 'never',
    String(x.lastRun?.rowsRead ?? '—'),
    String(x.lastRun?.rowsUpserted ?? '—'),
    String(x.lastRun?.rowsUnchanged ?? '—'),
    String(x.lastRun?.rowsRejected ?? '—'),
    String(x.openRejects),
    ...(api ? [String(x.lastRun?.api?.calls ?? '—'), String(x.lastRun?.api?.retries ?? '—'), String(x.lastRun?.api?.throttled ?? '—')] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const failed = s.streams.filter((x) => x.lastRun?.status === 'failed').map((x) => `  ${x.stream}: ${x.lastRun!.error ?? 'failed'}`);
  const clock = s.sourceClockError
    ? `lag now by this host's clock (${s.sourceClockAt}): the source's clock could not be read: ${s.sourceClockError}`
    : `lag now = source clock ${s.sourceClockAt.replace('T', ' ').replace('Z', '')} UTC − watermark; at last run = as the last run left it`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', clock, ...(failed.length ? ['', 'failed runs:', ...failed] : [])].join('\n');
}
