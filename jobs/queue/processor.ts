// What every job processor receives besides its job, and the two ways a processor hands a job back
// without spending one of its attempts: back to the queue now, or after a delay.
import { DelayedError, WaitingError, type Job } from 'bullmq';
import type { Context } from '../context.js';
import type { LeaseOptions } from '../lock.js';
import type { Queues } from './queues.js';
import type { RefreshSession } from './refresh-session.js';

export interface JobHelpers {
  ctx: Context;
  queues: Queues;
  /** The worker's lock token on the job (needed to move it). */
  token: string | undefined;
  /** Aborted when the worker shuts down: stream runs stop after the batch in hand, chunks finish. */
  shutdown: AbortSignal;
  /** Stream lease settings for runs (length, how long a run waits for a busy stream). */
  lease: LeaseOptions;
  /** The worker's sink, reader and rolling runs for message refreshes, kept from one job to the next. */
  refreshSession: RefreshSession;
}

export type Processor = (job: Job, helpers: JobHelpers) => Promise<unknown>;

/** Puts the job back in the wait list (another worker takes it) and tells BullMQ not to finish it. */
export async function putBack(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}

/** Moves the job to the delayed set for `ms` and tells BullMQ not to finish it; no attempt is spent. */
export async function later(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}
