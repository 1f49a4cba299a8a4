// Makes the live BullMQ job schedulers equal to the schedules file: adds the new ones, updates the
// changed ones, removes any other, and leaves unchanged ones alone (their next fire time stands).
import type { JobSchedulerJson } from 'bullmq';
import { ConfigError, describe } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { JOB } from './names.js';
import type { TickPayload } from './payloads.js';
import type { Queues } from './queues.js';
import type { Schedule } from './schedules.js';

export interface SyncResult { added: string[]; updated: string[]; removed: string[]; unchanged: string[] }

function tickOf(s: Schedule): TickPayload {
  return { schedule: s.id, job: s.job, ...(s.stream ? { stream: s.stream } : {}), ...(s.options ? { options: s.options } : {}) };
}

/** Canonical JSON (sorted keys), so that equal data compares equal whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function same(live: JobSchedulerJson, s: Schedule): boolean {
  return (live.pattern ?? undefined) === s.cron
    && (live.pattern ? (live.tz ?? 'UTC') === s.tz : true)
    && (live.every === undefined || live.every === null ? undefined : Number(live.every)) === s.everyMs
    && live.name === JOB.tick
    && canonical(live.template?.data ?? null) === canonical(tickOf(s));
}

export async function liveSchedulers(queues: Queues): Promise<JobSchedulerJson[]> {
  return queues.runs.getJobSchedulers(0, -1, true);
}

export async function syncSchedulers(queues: Queues, schedules: Schedule[], logger: Logger): Promise<SyncResult> {
  const live = new Map((await liveSchedulers(queues)).map((j) => [String(j.id ?? j.key), j]));
  const result: SyncResult = { added: [], updated: [], removed: [], unchanged: [] };
  const problems: string[] = [];
  for (const s of schedules) {
    const current = live.get(s.id);
    if (current && same(current, s)) {
      result.unchanged.push(s.id);
      continue;
    }
    try {
      await queues.runs.upsertJobScheduler(s.id, s.cron ? { pattern: s.cron, tz: s.tz } : { every: s.everyMs! }, {
        name: JOB.tick,
        data: tickOf(s),
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
      });
      (current ? result.updated : result.added).push(s.id);
    } catch (err) {
      // BullMQ parses the pattern; a field out of range ends up here.
      problems.push(`schedule "${s.id}": ${describe(err)}`);
    }
  }
  const wanted = new Set(schedules.map((s) => s.id));
  for (const id of live.keys()) {
    if (wanted.has(id)) continue;
    await queues.runs.removeJobScheduler(id);
    result.removed.push(id);
  }
  logger.info('schedulers synced', { prefix: queues.prefix, added: result.added.join(','), updated: result.updated.join(','), removed: result.removed.join(','), unchanged: result.unchanged.length });
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}
