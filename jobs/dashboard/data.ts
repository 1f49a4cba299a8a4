// What the status page and /metrics read: the last runs of each stream, open reject samples, queue depths, backfill progress.
import type { Db } from '../../lib/db.js';
import type { Queues } from '../queue/queues.js';
import { backfillProgress, lastBackfill, type BackfillProgress } from '../queue/backfill.js';
import type { RunInfo } from '../../sinks/sink.js';
import { StateStore } from '../../sinks/state/store.js';
import type { RejectSample } from '../../sinks/state/types.js';
import { STREAMS } from '../engine/streams.js';

export type RunPoint = RunInfo & { durationSeconds: number | null };

export type { RejectSample };

/** Milliseconds of a UTC timestamp as the warehouse stores it (text without a zone). */
export function utcMs(text: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** The last `limit` runs of each stream, oldest first. */
export async function recentRuns(db: Db, limit = 20): Promise<Map<string, RunPoint[]>> {
  const out = new Map<string, RunPoint[]>();
  const state = StateStore.of(db);
  for (const def of STREAMS) {
    const runs = await state.runs.recent(def.name, limit);
    out.set(def.name, runs.map((run) => ({ ...run, durationSeconds: run.finishedAt ? Math.max(0, (utcMs(run.finishedAt) - utcMs(run.startedAt)) / 1000) : null })));
  }
  return out;
}

/** A few open rejects per stream, latest first. */
export async function rejectSamples(db: Db, perStream = 3): Promise<Map<string, RejectSample[]>> {
  const out = new Map<string, RejectSample[]>();
  const state = StateStore.of(db);
  for (const def of STREAMS) out.set(def.name, await state.openRejectSamples(def.name, perStream));
  return out;
}

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** Jobs per queue and state. */
export async function queueDepths(queues: Queues): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const q of [queues.runs, queues.chunks, queues.backfills, queues.refreshes]) out[q.name] = await q.getJobCounts(...JOB_STATES);
  return out;
}

/** Progress of the last backfill submitted on these queues, or null when there is none. */
export async function currentBackfill(queues: Queues): Promise<BackfillProgress | null> {
  const plan = await lastBackfill(queues);
  return plan ? backfillProgress(queues, plan) : null;
}
