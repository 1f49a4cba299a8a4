// Puts run and verify requests on the queue. A request for a stream that already has a run waiting
// folds into it; one arriving while the stream runs is kept and queued once that run ends.
import crypto from 'node:crypto';
import { selectStreams } from '../run.js';
import { JOB, runDedupId, VERIFY_DEDUP_ID, type RunMode } from './names.js';
import type { RunOverrides, RunPayload, VerifyPayload } from './payloads.js';
import { RUN_JOB, type Queues } from './queues.js';

export interface Enqueued {
  stream: string;
  /** The job that will serve this request. */
  jobId: string;
  /** True when the request folded into a job already waiting or running. */
  deduplicated: boolean;
}

export interface RunRequest extends RunOverrides {
  streams: string[];
  mode: RunMode;
  requestedBy: string;
}

/** Enqueues one run per stream (all streams when none are named). */
export async function enqueueRuns(queues: Queues, req: RunRequest): Promise<Enqueued[]> {
  const out: Enqueued[] = [];
  for (const def of selectStreams(req.streams)) {
    const data: RunPayload = { stream: def.name, mode: req.mode, requestedBy: req.requestedBy };
    if (req.batchSize !== undefined) data.batchSize = req.batchSize;
    if (req.lookbackMs !== undefined) data.lookbackMs = req.lookbackMs;
    if (req.safetyLagMs !== undefined) data.safetyLagMs = req.safetyLagMs;
    const jobId = `run-${def.name}-${crypto.randomUUID()}`;
    const job = await queues.runs.add(JOB.run, data, {
      ...RUN_JOB,
      jobId,
      deduplication: { id: runDedupId(def.name, req.mode), keepLastIfActive: true },
    });
    out.push({ stream: def.name, jobId: job.id ?? jobId, deduplicated: job.id !== jobId });
  }
  return out;
}

export async function enqueueVerify(queues: Queues, requestedBy: string): Promise<Enqueued> {
  const jobId = `verify-${crypto.randomUUID()}`;
  const data: VerifyPayload = { requestedBy };
  const job = await queues.runs.add(JOB.verify, data, { ...RUN_JOB, attempts: 3, jobId, deduplication: { id: VERIFY_DEDUP_ID } });
  return { stream: 'verify', jobId: job.id ?? jobId, deduplicated: job.id !== jobId };
}
