// Runs streams inline: the source in, the engine, the warehouse out. The only place that wires them.
import { describeTarget } from '../lib/config.js';
import type { Context } from './context.js';
import { UsageError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Sink } from '../sinks/sink.js';
import { readerFor, withApiSnapshots } from '../sources/routing.js';
import type { SourceReader } from '../sources/source.js';
import { runStream, type EngineOptions, type RunSummary } from './engine/engine.js';
import { openSink } from './engine/sink.js';
import { openReader } from './engine/source.js';
import { transformSettings, type TransformSettings } from './engine/transform-settings.js';
import { STREAM_NAMES, STREAMS, type StreamDef } from './engine/streams.js';

export interface RunOptions {
  streams: string[];
  mode: EngineOptions['mode'];
  batchSize: number;
  lookbackMs: number;
  safetyLagMs: number;
  window?: EngineOptions['window'];
  onBatch?: EngineOptions['onBatch'];
  signal?: AbortSignal;
}

export const DEFAULT_RUN: Omit<RunOptions, 'streams' | 'mode'> = { batchSize: 1000, lookbackMs: 15 * 60_000, safetyLagMs: 60_000 };

/** The streams named (all, in dependency order, when none), or a UsageError naming the unknown ones. */
export function selectStreams(names: string[]): StreamDef[] {
  const unknown = names.filter((n) => !STREAM_NAMES.includes(n));
  if (unknown.length > 0) throw new UsageError(`--stream: unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected one of ${STREAM_NAMES.join(', ')}`);
  return names.length === 0 ? STREAMS : STREAMS.filter((s) => names.includes(s.name));
}

/**
 * The streams the reader can read. Without an API, the streams only the API has are left out with one
 * info line (not run, no etl_run row: status shows them never loaded); any other stream the reader lacks
 * is a UsageError.
 */
export function readableStreams(defs: StreamDef[], reader: SourceReader, logger: Logger): StreamDef[] {
  const missing = defs.filter((d) => !reader.has(d.name));
  const other = missing.filter((d) => !d.apiOnly);
  if (other.length > 0) throw new UsageError(`the source ${reader.label} has no stream ${other.map((d) => d.name).join(', ')}`);
  if (missing.length > 0) logger.info(`no API configured: ${missing.map((d) => d.name).join(', ')} skipped; set HUB_API_URL`, { skipped: missing.map((d) => d.name) });
  return defs.filter((d) => reader.has(d.name));
}

/** What every stream of one run shares: the source reader, the sink and what the transforms are told. */
export interface RunSession {
  reader: SourceReader;
  sink: Sink;
  /** Zones and personal-data settings (the key of the buyer hashes read once per session). */
  transform?: TransformSettings;
  release(): Promise<void>;
}

/** Opens the source reader (inspecting a replica once) and the sink (migrating a SQL warehouse), once per run. */
export async function openRunSession(ctx: Context): Promise<RunSession> {
  // The streams only the API has go through the API whatever the source: HUB_API_URL beside a replica.
  const api = ctx.config.api;
  const reader = withApiSnapshots(await openReader(ctx), api ? { client: () => ctx.api(), label: describeTarget(api) } : null, ctx.logger);
  try {
    const { sink, release } = await openSink(ctx);
    try {
      const transform = await transformSettings(ctx.config, sink);
      return { reader, sink, transform, release: async () => { await release(); await reader.close(); } };
    } catch (err) {
      await release();
      throw err;
    }
  } catch (err) {
    await reader.close();
    throw err;
  }
}

/** Runs the streams named in order, in the session given or in one of their own. */
export async function runStreams(ctx: Context, opts: RunOptions, session?: RunSession): Promise<RunSummary[]> {
  const selected = selectStreams(opts.streams);
  const s = session ?? (await openRunSession(ctx));
  try {
    const defs = readableStreams(selected, s.reader, ctx.logger);
    if (defs.length === 0) return [];
    // Read when the streams start (after any lease wait), so that a window never ends before a watermark another run set.
    const now = await s.reader.now();
    const transform = s.transform ?? (await transformSettings(ctx.config, s.sink));
    ctx.logger.debug('source clock', { source_now: now.toISOString() });
    const results: RunSummary[] = [];
    for (const def of defs) {
      results.push(await runStream(readerFor(s.reader, def.name), s.sink, def, {
        mode: opts.mode,
        batchSize: opts.batchSize,
        lookbackMs: opts.lookbackMs,
        safetyLagMs: opts.safetyLagMs,
        sourceTz: ctx.config.sourceTz,
        transform,
        ...(opts.window ? { window: opts.window } : {}),
        ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }, now, ctx.logger));
      if (opts.signal?.aborted) break;
    }
    return results;
  } finally {
    if (!session) await s.release();
  }
}
