// Processes a backfill's parent job, which BullMQ starts once every chunk has completed: it adds up
// the chunks' counts, so the finished backfill carries its totals.
import type { Job } from 'bullmq';
import type { ChunkResult } from './chunk-job.js';
import { assertBackfillPayload } from './payloads.js';
import type { JobHelpers } from './processor.js';

export interface BackfillTotals { backfill: string; chunks: number; rowsRead: number; rowsUpserted: number; rowsUnchanged: number; rowsRejected: number }

export function addUp(backfill: string, results: unknown[]): BackfillTotals {
  const t: BackfillTotals = { backfill, chunks: 0, rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0 };
  for (const r of results) {
    if (!r || typeof r !== 'object') continue;
    const c = r as Partial<ChunkResult>;
    t.chunks++;
    t.rowsRead += Number(c.rowsRead ?? 0);
    t.rowsUpserted += Number(c.rowsUpserted ?? 0);
    t.rowsUnchanged += Number(c.rowsUnchanged ?? 0);
    t.rowsRejected += Number(c.rowsRejected ?? 0);
  }
  return t;
}

export async function processBackfill(job: Job, h: JobHelpers): Promise<BackfillTotals> {
  const data: unknown = job.data;
  assertBackfillPayload(data);
  const totals = addUp(data.backfill, Object.values(await job.getChildrenValues()));
  h.ctx.logger.info('backfill finished', { ...totals, from: data.from, to: data.to, streams: data.streams.join(',') });
  return totals;
}
