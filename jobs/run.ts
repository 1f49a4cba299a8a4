// Runs streams inline: the replica in, the engine, the warehouse out. The only place that wires them.
import type { Context } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import { inspectSource, sourceNowUtc } from '../sources/replica.js';
import { runStream, type EngineOptions, type RunSummary } from './engine.js';
import { openSink } from './sink.js';
import { STREAM_NAMES, STREAMS, type StreamDef } from './streams.js';

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

export async function runStreams(ctx: Context, opts: RunOptions): Promise<RunSummary[]> {
  const defs = selectStreams(opts.streams);
  const src = await ctx.source();
  const schema = await inspectSource(src);
  const { sink, release } = await openSink(ctx);
  try {
    const { now, synthetic } = await sourceNowUtc(src);
    if (synthetic) ctx.logger.info('the source is a synthetic store: its simulated clock is "now"', { source_now: now.toISOString() });
    const results: RunSummary[] = [];
    for (const def of defs) {
      results.push(await runStream(src, schema, sink, def, {
        mode: opts.mode,
        batchSize: opts.batchSize,
        lookbackMs: opts.lookbackMs,
        safetyLagMs: opts.safetyLagMs,
        sourceTz: ctx.config.sourceTz,
        ...(opts.window ? { window: opts.window } : {}),
        ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }, now, ctx.logger));
      if (opts.signal?.aborted) break;
    }
    return results;
  } finally {
    await release();
  }
}
