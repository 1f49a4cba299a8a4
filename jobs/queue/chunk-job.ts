// Processes one backfill chunk: a [from, to) window of one stream's cursor, loaded in backfill mode.
// Idempotent (version-guarded upserts, no watermark), so a chunk run twice leaves the same warehouse;
// it takes no stream lease and, on shutdown, finishes its window before the worker exits.
import type { Job } from 'bullmq';
import { DEFAULT_RUN, runStreams } from '../run.js';
import { assertChunkPayload } from './payloads.js';
import type { JobHelpers } from './processor.js';

export interface ChunkResult {
  stream: string;
  runId: string;
  rowsRead: number;
  rowsUpserted: number;
  rowsUnchanged: number;
  rowsRejected: number;
  ms: number;
}

export async function processChunk(job: Job, h: JobHelpers): Promise<ChunkResult> {
  const data: unknown = job.data;
  assertChunkPayload(data);
  const [s] = await runStreams(h.ctx, {
    streams: [data.stream],
    mode: 'backfill',
    window: { from: data.from, to: data.to },
    batchSize: data.batchSize,
    lookbackMs: DEFAULT_RUN.lookbackMs,
    safetyLagMs: DEFAULT_RUN.safetyLagMs,
    // Progress for the backfill's bar; a lost update is harmless.
    onBatch: (p) => void job.updateProgress({ rowsRead: p.rowsRead }).catch(() => undefined),
  });
  // A stream only the API has, on a worker configured without one: skipped (said in the log), nothing loaded.
  if (!s) return { stream: data.stream, runId: '', rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0, ms: 0 };
  return { stream: s.stream, runId: s.runId, rowsRead: s.rowsRead, rowsUpserted: s.rowsUpserted, rowsUnchanged: s.rowsUnchanged, rowsRejected: s.rowsRejected, ms: s.ms };
}
