// Processes a stream run from the queue: incremental or full refresh, holding the stream's lease.
// On shutdown the run stops after the batch in hand and the job goes back to the queue; when the
// stream is held by someone else (an inline run, a stalled worker still alive) the job waits.
import type { Job } from 'bullmq';
import { DEFAULT_RUN } from '../run.js';
import { LeaseBusyError, runStreamsExclusive } from '../lock.js';
import { assertRunPayload } from './payloads.js';
import { later, putBack, type JobHelpers } from './processor.js';

export interface RunJobResult {
  runId: string;
  stream: string;
  status: string;
  rowsRead: number;
  rowsUpserted: number;
  rowsUnchanged: number;
  rowsRejected: number;
  ms: number;
}

/** How long a run job waits in the worker for a busy stream before going to the delayed set. */
const IN_WORKER_WAIT_MS = 5_000;

export async function processRun(job: Job, h: JobHelpers): Promise<RunJobResult> {
  const data: unknown = job.data;
  assertRunPayload(data);
  if (h.shutdown.aborted) return putBack(job, h.token);
  let summaries;
  try {
    summaries = await runStreamsExclusive(h.ctx, {
      streams: [data.stream],
      mode: data.mode,
      batchSize: data.batchSize ?? DEFAULT_RUN.batchSize,
      lookbackMs: data.lookbackMs ?? DEFAULT_RUN.lookbackMs,
      safetyLagMs: data.safetyLagMs ?? DEFAULT_RUN.safetyLagMs,
      signal: h.shutdown,
    }, { waitMs: IN_WORKER_WAIT_MS, ...h.lease, logger: h.ctx.logger });
  } catch (err) {
    if (err instanceof LeaseBusyError) return later(job, h.token, 5_000 + Math.floor(Math.random() * 5_000));
    throw err;
  }
  const s = summaries[0];
  // A stream only the API has, on a worker configured without one: skipped (said in the log), not failed.
  if (!s) return { runId: '', stream: data.stream, status: 'skipped', rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0, ms: 0 };
  // Interrupted by shutdown after a committed batch: the next worker resumes from the watermark.
  if (s.status === 'interrupted') return putBack(job, h.token);
  return { runId: s.runId, stream: s.stream, status: s.status, rowsRead: s.rowsRead, rowsUpserted: s.rowsUpserted, rowsUnchanged: s.rowsUnchanged, rowsRejected: s.rowsRejected, ms: s.ms };
}
