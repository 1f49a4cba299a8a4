// What the status page and /metrics read: the last runs of each stream, open reject samples, queue depths, backfill progress.
import type { Db } from '../../lib/db.js';
import type { Queues } from '../queue/queues.js';
import { backfillProgress, lastBackfill, type BackfillProgress } from '../queue/backfill.js';
import { runInfo, type RunInfo } from '../status.js';
import { STREAMS } from '../engine/streams.js';

export type RunPoint = RunInfo & { durationSeconds: number | null };

export interface RejectSample { sourceKey: string; field: string; reason: string; lastSeenAt: string }

const str = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** Milliseconds of a UTC timestamp as the warehouse stores it (text without a zone). */
export function utcMs(text: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** The last `limit` runs of each stream, oldest first. */
export async function recentRuns(db: Db, limit = 20): Promise<Map<string, RunPoint[]>> {
  const out = new Map<string, RunPoint[]>();
  for (const def of STREAMS) {
    const rows = (await db.knex('etl_run')
      .select('run_id', 'mode', 'status', 'started_at', 'finished_at', 'window_start', 'window_end', 'rows_read', 'rows_upserted', 'rows_unchanged', 'rows_rejected', 'error', 'api_calls', 'api_retries', 'api_throttled')
      .where({ stream: def.name }).orderBy('run_id', 'desc').limit(limit)) as Array<Record<string, unknown>>;
    out.set(def.name, rows.reverse().map((r) => {
      const run = runInfo(r);
      return { ...run, durationSeconds: run.finishedAt ? Math.max(0, (utcMs(run.finishedAt) - utcMs(run.startedAt)) / 1000) : null };
    }));
  }
  return out;
}

/** A few open rejects per stream, latest first. */
export async function rejectSamples(db: Db, perStream = 3): Promise<Map<string, RejectSample[]>> {
  const out = new Map<string, RejectSample[]>();
  for (const def of STREAMS) {
    const rows = (await db.knex('etl_reject').select('source_key', 'field', 'reason', 'last_seen_at')
      .where({ stream: def.name }).whereNull('resolved_at').orderBy('last_seen_at', 'desc').limit(perStream)) as Array<Record<string, unknown>>;
    out.set(def.name, rows.map((r) => ({ sourceKey: String(r.source_key), field: String(r.field), reason: String(r.reason), lastSeenAt: str(r.last_seen_at) ?? '' })));
  }
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
