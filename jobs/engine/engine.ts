// The one incremental engine: read a window in keyset batches, skip what is already loaded, transform,
// and commit each batch's rows together with the stream's watermark. Serves every stream in jobs/streams.ts.
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { DataError, describe, HubError, UsageError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { finishRun, startRun, type ApiCounts, type RejectRecord, type RunCounts, type RunMode, type Sink, type UnitWrite } from '../../sinks/sink.js';
import { utcNow } from '../../lib/clock.js';
import { tableNamed, type Table, type WarehouseRow } from '../../sql/warehouse/tables.js';
import { maskSample } from '../../transforms/mask.js';
import type { SourceRow, TransformContext } from '../../transforms/types.js';
import type { CursorKind, ReadStats, ReadWindow, SourceReader, SourceUnit } from '../../sources/source.js';
import type { StreamDef } from './streams.js';

export interface EngineOptions {
  mode: RunMode;
  /** Units per batch (an order with its lines is one unit). */
  batchSize: number;
  /** How far behind the watermark each incremental run starts again, in ms. */
  lookbackMs: number;
  /** How far behind the source's clock the window ends, in ms (replication lag). */
  safetyLagMs: number;
  /** Backfill: an explicit [from, to) window in the source time zone ('YYYY-MM-DD HH:MM:SS'); the watermark stays. */
  window?: { from: string; to: string };
  /** Refresh: these units (from SourceReader.lookup) instead of a window; the watermark stays. */
  units?: SourceUnit[];
  /** The reader's counters before `units` were looked up, so that the run's API calls include the lookup's. */
  statsBefore?: ReadStats;
  /** The calls the lookup of `units` made, counted alone (SourceReader.counting): the run's API calls, exact among concurrent refreshes. */
  lookupStats?: ReadStats;
  sourceTz: string;
  /** The rest of what transforms need: 1688's and the store's zones, the personal-data settings (jobs/transform-settings.ts). */
  transform?: Omit<TransformContext, 'sourceTz'>;
  /** Called after every committed batch (progress bars, tests). */
  onBatch?: (p: BatchProgress) => void;
  /** When aborted, the run stops after the batch in hand has committed (status `interrupted`). */
  signal?: AbortSignal;
  /**
   * Refresh only: write under this run, which the caller opened and will finish (a worker's rolling
   * refresh run, one per stream for minutes of messages). The engine then neither starts nor finishes a
   * run record, and a failure is the caller's to record; without it each call is a run of its own.
   */
  runId?: string;
}

export interface BatchProgress extends RunCounts { stream: string; runId: string; position: string | null }

export interface RunSummary extends RunCounts {
  runId: string;
  stream: string;
  mode: EngineOptions['mode'];
  status: 'succeeded' | 'failed' | 'interrupted';
  windowStart: string | null;
  windowEnd: string | null;
  ms: number;
  error?: string;
  /** What the run asked of the 1688 API; absent for a run that read the replica. */
  api?: ApiCounts;
}

/** The run's read window and the watermark the run reaches when it completes. */
export interface Window extends ReadWindow { watermarkAfter: string | null }

const DATETIME_FMT = 'yyyy-MM-dd HH:mm:ss';

/** Parses '15m', '2h', '1d', '30s', '500ms' (or plain milliseconds) into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option}: "${text}" is not a duration; expected e.g. 30s, 15m, 2h or 1d`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
}

/** Streams read whole every run: no window, fingerprints decide, the watermark is the source clock. */
export function readsWhole(kind: CursorKind): boolean {
  return kind === 'text' || kind === 'snapshot';
}

/**
 * A watermark as an instant in the source zone. A watermark holds a datetime, or a day when the stream
 * was last read by a source that finds its changes by day (a day stands for its start here).
 */
function watermarkTime(value: string, zone: string): DateTime {
  const v = value.trim();
  return v.length <= 10 ? DateTime.fromISO(v.slice(0, 10), { zone }) : DateTime.fromFormat(v.slice(0, 19), DATETIME_FMT, { zone });
}

/** The read window for a run, in the source's own notation (naive times in the source zone). */
export function computeWindow(kind: CursorKind, watermark: string | null, nowUtc: Date, opts: EngineOptions): Window {
  const zone = opts.sourceTz;
  const now = DateTime.fromJSDate(nowUtc, { zone });
  if (opts.mode === 'refresh') return { from: null, to: null, toInclusive: false, watermarkAfter: null };
  if (opts.window) {
    if (kind === 'date') return { from: opts.window.from.slice(0, 10), to: opts.window.to.slice(0, 10), toInclusive: false, watermarkAfter: null };
    return { from: opts.window.from, to: opts.window.to, toInclusive: false, watermarkAfter: null };
  }
  if (readsWhole(kind)) return { from: null, to: null, toInclusive: false, watermarkAfter: null };
  const start = opts.mode === 'full_refresh' || watermark === null ? null : watermarkTime(watermark, zone);
  if (start !== null && !start.isValid) throw new UsageError(`the watermark "${watermark}" is not a time; run with --full-refresh to start again`);
  if (kind === 'date') {
    const to = now.minus({ milliseconds: opts.safetyLagMs }).toFormat('yyyy-MM-dd');
    const lookbackDays = Math.floor(opts.lookbackMs / 86_400_000);
    const from = start === null ? null : start.startOf('day').minus({ days: lookbackDays }).toFormat('yyyy-MM-dd');
    return { from, to, toInclusive: true, watermarkAfter: to };
  }
  const to = now.minus({ milliseconds: opts.safetyLagMs }).toFormat(DATETIME_FMT);
  const from = start === null ? null : start.minus({ milliseconds: opts.lookbackMs }).toFormat(DATETIME_FMT);
  return { from, to, toInclusive: false, watermarkAfter: to };
}

/** The UTC instant of a cursor value, for display and lag. */
export function cursorAtUtc(kind: CursorKind, value: string, zone: string): string | null {
  if (readsWhole(kind)) return value || null;
  // A DATE watermark covers its whole day: the instant it stands for is the end of that day.
  const dt = kind === 'date' ? DateTime.fromISO(value.slice(0, 10), { zone }).plus({ days: 1 }) : watermarkTime(value, zone);
  return dt.isValid ? dt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS') : null;
}

function fingerprint(def: StreamDef, rows: SourceRow[], settings: string): string {
  // One string, one native update: many small updates cost more than the hashing itself.
  let text = `${def.name}/${def.version}${settings}`;
  for (const r of rows) {
    text += '\u0002';
    for (const k of Object.keys(r)) text += `\u0001${k}=${r[k] ?? '\u0000'}`;
  }
  return crypto.createHash('md5').update(text).digest('hex');
}

/** '' for the defaults (so fingerprints of earlier versions stay valid), else a short digest of the settings. */
function settingsDigest(c: TransformContext): string {
  const parts = [c.apiTz ?? '', c.storeTz ?? '', c.pii ? crypto.createHash('sha256').update(c.pii.key).digest('hex').slice(0, 16) : '', c.pii?.keepBuyerIds ? 'ids' : '', c.pii?.invoiceRegistration ? 'reg' : ''];
  return parts.every((p) => p === '') ? '' : `/${crypto.createHash('md5').update(parts.join('\u0001')).digest('hex').slice(0, 12)}`;
}

/** Backfills and refreshes load what they are given and leave the stream's watermark where it is. */
function movesWatermark(mode: RunMode): boolean {
  return mode === 'incremental' || mode === 'full_refresh';
}

async function* inBatches<T>(items: T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Reads one batch ahead: the source query for batch n+1 runs while batch n is transformed and
 * written, so the database and the transform overlap instead of taking turns.
 */
async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  next.catch(() => undefined); // surfaced when awaited below; never an unhandled rejection meanwhile
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = source.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await source.return(undefined);
  }
}

function rejectOf(def: StreamDef, row: SourceRow | null, key: string, err: DataError): RejectRecord {
  const column = err.field.split('.')[0]!;
  const raw = row && column in row ? row[column] : null;
  // A sample is the start of a blob or column: never a person's data (etl_reject is read for debugging).
  return { sourceKey: key, field: err.field, reason: err.reason, sample: raw === null || raw === undefined ? null : maskSample(raw.slice(0, 500)) };
}

/** The column of a target table holding the unit key (the parent for child tables). */
export function unitColumn(table: Table): string {
  return table.parentKey?.[0] ?? table.primaryKey[0]!;
}

/** Runs one stream once: incremental from its watermark, a full refresh, or a backfill window. */
export async function runStream(reader: SourceReader, sink: Sink, def: StreamDef, opts: EngineOptions, nowUtc: Date, logger: Logger): Promise<RunSummary> {
  const started = Date.now();
  const clock = nowUtc.toISOString().replace('T', ' ').replace('Z', '');
  const targets = def.targets.map(tableNamed);
  const kind = reader.cursorKind(def.name);
  if (opts.runId !== undefined && opts.mode !== 'refresh') throw new UsageError(`${def.name}: only a refresh writes under a run it did not start (mode ${opts.mode})`);
  // A refresh reads no window: the watermark plays no part in it.
  const wm = opts.mode === 'refresh' ? null : await sink.state.watermark(def.name);
  const w = computeWindow(kind, wm?.cursorValue ?? null, nowUtc, opts);
  const owned = opts.runId === undefined;
  const runId = opts.runId ?? await startRun(sink, { stream: def.name, mode: opts.mode, windowStart: w.from, windowEnd: w.to });
  // The API calls of this run: the reader's counters now and at the end (zero for the replica, left NULL).
  const callsBefore = opts.statsBefore ?? reader.stats();
  const apiCounts = (): ApiCounts | null => {
    if (reader.kind !== 'api') return null;
    // A refresh reads nothing beyond its lookup.
    if (opts.lookupStats && opts.units) return { calls: opts.lookupStats.calls, retries: opts.lookupStats.retries, throttled: opts.lookupStats.throttled };
    const after = reader.stats();
    return { calls: after.calls - callsBefore.calls, retries: after.retries - callsBefore.retries, throttled: after.throttled - callsBefore.throttled };
  };
  const counts = { rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0 };
  const openRejects = await sink.state.openRejectKeys(def.name);
  const keepUnits = new Set<string>();
  // Snapshot streams: every unit the source still has, so that units gone from it can be removed at the end.
  const seenUnits = kind === 'snapshot' ? new Set<string>() : null;
  const rewrite = opts.mode !== 'incremental';
  const tctx: TransformContext = { ...opts.transform, sourceTz: opts.sourceTz };
  // Settings that change what a transform writes are part of every fingerprint: a row read again after
  // they changed is written again (rows not read again keep their old form until a --full-refresh).
  const settings = settingsDigest(tctx);
  const log = logger.child({ stream: def.name, run: runId });
  // Inside a caller's run (many small refreshes a second) the start and end lines are detail.
  // winston formats a line before its level filters it out: debug lines are only built when shown.
  const debug = log.isLevelEnabled('debug');
  const note = (message: string, fields: Record<string, unknown>) => {
    if (owned) log.info(message, fields);
    else if (debug) log.debug(message, fields);
  };
  note(`run started (${opts.mode})`, { window_start: w.from, window_end: w.to });
  let pendingWrite: Promise<void> = Promise.resolve();
  try {
    // Where the time goes (waiting for the source, fingerprint lookups, transforms, writes), for --verbose.
    const phases = { readWait: 0, state: 0, transform: 0, write: 0 };
    let mark = performance.now();
    const lap = (phase: keyof typeof phases) => {
      const now = performance.now();
      phases[phase] += now - mark;
      mark = now;
    };
    const units = opts.mode === 'refresh'
      ? inBatches(opts.units ?? [], opts.batchSize)
      : reader.units(def.name, w, { batchSize: opts.batchSize, ...(opts.signal ? { signal: opts.signal } : {}) });
    for await (const batch of readAhead<SourceUnit[]>(units)) {
      lap('readWait');
      const states = await sink.state.rowStates(def.name, [...new Set(batch.map((u) => u.key))]);
      lap('state');
      const writes: UnitWrite[] = [];
      const newStates: Array<{ key: string; hash: string; version: string }> = [];
      const rejects: RejectRecord[] = [];
      const resolved: string[] = [];
      for (const unit of batch) {
        seenUnits?.add(unit.key);
        counts.rowsRead += unit.rows.length;
        if (unit.invalid) {
          rejects.push(rejectOf(def, null, unit.key, unit.invalid));
          counts.rowsRejected += Math.max(1, unit.rows.length);
          counts.rowsRead += unit.rows.length === 0 ? 1 : 0;
          keepUnits.add(unit.key);
          continue;
        }
        const hash = fingerprint(def, unit.rows, settings);
        const state = states.get(unit.key);
        // A newer version is already loaded (a backfill racing an incremental run): keep it.
        if (state && state.version > unit.version) {
          counts.rowsUnchanged += unit.rows.length;
          continue;
        }
        if (state && state.hash === hash && !rewrite) {
          counts.rowsUnchanged += unit.rows.length;
          continue;
        }
        const tables = new Map<string, WarehouseRow[]>();
        if (def.unit === 'set') for (const t of def.targets) tables.set(t, []);
        const keepChildKeys: string[] = [];
        let rejectedRows = 0;
        for (const row of unit.rows) {
          const rowKey = def.rowKey(row);
          try {
            const out = def.transform(row, tctx);
            for (const [t, rs] of Object.entries(out)) {
              let list = tables.get(t);
              if (!list) tables.set(t, (list = []));
              for (const r of rs) list.push(r);
            }
            if (openRejects.has(rowKey)) resolved.push(rowKey);
          } catch (err) {
            if (!(err instanceof DataError)) throw err;
            rejects.push(rejectOf(def, row, rowKey, err));
            rejectedRows++;
            keepUnits.add(unit.key);
            const child = targets.find((t) => t.parentKey)?.primaryKey.find((c) => !targets.find((t) => t.parentKey)!.parentKey!.includes(c));
            if (def.unit === 'set' && child && row[child]) keepChildKeys.push(row[child]!);
          }
        }
        counts.rowsRejected += rejectedRows;
        if (rejectedRows === unit.rows.length && unit.rows.length > 0 && def.unit === 'row') continue;
        const unchanged = state !== undefined && state.hash === hash;
        if (unchanged) counts.rowsUnchanged += unit.rows.length - rejectedRows;
        else counts.rowsUpserted += unit.rows.length - rejectedRows;
        writes.push({ key: unit.key, version: unit.version, tables, ...(keepChildKeys.length ? { keepChildKeys } : {}), ...(state ? {} : { fresh: true }) });
        // A unit with rejected rows gets a fingerprint that never matches, so it is tried again whenever
        // it is read; its state still records that rows of it may be in the warehouse.
        newStates.push({ key: unit.key, hash: rejectedRows === 0 ? hash : `rejected-${hash.slice(9)}`, version: unit.version });
      }
      const last = batch[batch.length - 1]!;
      lap('transform');
      // Writes are serialised in batch order but overlap the next batch's read and transform: the
      // previous batch's transaction must have committed before this one starts (watermark order).
      await pendingWrite;
      lap('write');
      const snapshot = { ...counts };
      const committing = sink.transaction(async (tx) => {
        await tx.writeUnits(def.name, writes, targets, runId);
        await tx.state.putRowStates(def.name, newStates, runId);
        await tx.state.putRejects(def.name, rejects, runId);
        if (resolved.length) await tx.state.resolveRejects(def.name, resolved, runId);
        if (movesWatermark(opts.mode) && !readsWhole(kind)) {
          await tx.state.setWatermark({ stream: def.name, cursorValue: last.cursor, cursorAt: cursorAtUtc(kind, last.cursor, opts.sourceTz), runId, streamVersion: def.version, sourceClockAt: clock });
        }
      }).then(() => {
        for (const k of resolved) openRejects.delete(k);
        opts.onBatch?.({ stream: def.name, runId, ...snapshot, position: last.cursor });
        if (debug) log.debug('batch committed', { ...snapshot, position: last.cursor });
      });
      committing.catch(() => undefined); // awaited before the next write or at the end
      pendingWrite = committing;
      // SQLite's driver is synchronous and never yields to the event loop: give a SIGINT/SIGTERM handler its turn.
      if (opts.signal) await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) break;
    }
    await pendingWrite;
    lap('write');
    if (opts.signal?.aborted) {
      // Stopped between batches: the watermark stands at the last committed batch, the next run resumes there.
      const api = apiCounts();
      const summary: RunSummary = { runId, stream: def.name, mode: opts.mode, status: 'interrupted', windowStart: w.from, windowEnd: w.to, ...counts, ms: Date.now() - started, ...(api ? { api } : {}) };
      if (owned) await finishRun(sink, { ...summary, startedAt: '', finishedAt: utcNow(), error: 'interrupted: stopped after a committed batch', api });
      log.warn('run interrupted after a committed batch', { ...counts });
      return summary;
    }
    if (movesWatermark(opts.mode)) {
      // A stream read whole every run is complete up to the source's clock.
      const end = readsWhole(kind) ? clock : w.watermarkAfter;
      await sink.transaction(async (tx) => {
        if (end) await tx.state.setWatermark({ stream: def.name, cursorValue: end, cursorAt: cursorAtUtc(kind, end, opts.sourceTz), runId, streamVersion: def.version, sourceClockAt: clock });
        // A full refresh removes what it did not write; a snapshot removes the units the source no longer has.
        if (opts.mode === 'full_refresh' || seenUnits) await tx.sweep(def.name, targets, unitColumn, runId, [...keepUnits, ...(seenUnits ?? [])]);
      });
    }
    const api = apiCounts();
    const summary: RunSummary = { runId, stream: def.name, mode: opts.mode, status: 'succeeded', windowStart: w.from, windowEnd: w.to, ...counts, ms: Date.now() - started, ...(api ? { api } : {}) };
    if (owned) await finishRun(sink, { ...summary, startedAt: '', finishedAt: utcNow(), error: null, api });
    note('run succeeded', { ...counts, ms: summary.ms, ...(api ? { apiCalls: api.calls, apiRetries: api.retries, apiThrottled: api.throttled } : {}) });
    if (debug) log.debug('run phases (ms)', Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])));
    return summary;
  } catch (err) {
    // A batch may still be committing when the read of the next one fails: let it finish (or fail) first.
    await pendingWrite.catch(() => undefined);
    const message = err instanceof HubError ? err.message : describe(err);
    if (owned) await finishRun(sink, { runId, stream: def.name, mode: opts.mode, status: 'failed', startedAt: '', finishedAt: utcNow(), windowStart: w.from, windowEnd: w.to, ...counts, error: message, api: apiCounts() }).catch(() => undefined);
    log[owned ? 'error' : 'warn']('run failed', { error: message });
    throw err;
  }
}
