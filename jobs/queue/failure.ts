// The one place where a job's error becomes retry-or-fail: lib/errors.ts `isRetriable` decides,
// BullMQ executes (a thrown error is retried with backoff; UnrecoverableError fails the job at once).
import { UnrecoverableError } from 'bullmq';
import { describe, HubError, isRetriable } from '../../lib/errors.js';

export interface JobFailure {
  retriable: boolean;
  /** What BullMQ records on the job (failedReason) and what the processor throws. */
  error: Error;
}

/** Fatal errors (configuration, schema, payload, a bug) become UnrecoverableError keeping message and cause. */
export function classifyFailure(err: unknown): JobFailure {
  if (err instanceof UnrecoverableError) return { retriable: false, error: err };
  if (isRetriable(err)) return { retriable: true, error: err instanceof Error ? err : new Error(describe(err)) };
  const message = err instanceof HubError ? err.message : describe(err);
  const fatal = new UnrecoverableError(message);
  if (err instanceof Error) {
    fatal.cause = err;
    // Keep where it came from: the stack BullMQ stores on the job is the original one.
    if (err.stack) fatal.stack = `UnrecoverableError: ${message}\n${err.stack.split('\n').slice(1).join('\n')}`;
  }
  return { retriable: false, error: fatal };
}
