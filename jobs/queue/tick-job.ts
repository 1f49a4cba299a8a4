// Processes a schedule tick: job schedulers cannot deduplicate their jobs, so each tick only turns
// into a deduplicated run (or verify) request, exactly as `hub-etl run --queue` would make.
import type { Job } from 'bullmq';
import { enqueueRuns, enqueueVerify, type Enqueued } from './enqueue.js';
import { assertTickPayload } from './payloads.js';
import type { JobHelpers } from './processor.js';

export async function processTick(job: Job, h: JobHelpers): Promise<Enqueued[]> {
  const data: unknown = job.data;
  assertTickPayload(data);
  const requestedBy = `schedule:${data.schedule}`;
  if (data.job === 'verify') return [await enqueueVerify(h.queues, requestedBy)];
  return enqueueRuns(h.queues, { streams: [data.stream!], mode: 'incremental', requestedBy, ...(data.options ?? {}) });
}
