// Processes a message refresh: reads the entity's current units, waits (off the worker, in the delayed
// set) while the replica is older than the newest message folded into the job, then loads them in
// refresh mode under the worker's rolling refresh runs. Counts its messages refreshed, stale or failed,
// and their freshness.
import type { Job } from 'bullmq';
import { describe } from '../../lib/errors.js';
import { markProductGone } from '../../sinks/message-tables.js';
import { entityKey } from '../../sources/messages/parse.js';
import { caughtUp, loadLooked, lookupScope } from '../refresh.js';
import { classifyFailure } from './failure.js';
import { countMessages, observeFreshness, readWanted, reopenBare, SCOPE_TOPIC, servedWanted } from './message-ledger.js';
import { assertRefreshPayload } from './payloads.js';
import { later, putBack, type JobHelpers } from './processor.js';

export interface RefreshJobResult {
  entity: string;
  /** refreshed: loaded; stale: the replica never reached the message's time within the waits. */
  outcome: 'refreshed' | 'stale';
  source: string;
  /** Messages this refresh served. */
  messages: number;
  rowsRead: number;
  rowsUpserted: number;
  marked: string[];
}

export async function processRefresh(job: Job, h: JobHelpers): Promise<RefreshJobResult> {
  const data: unknown = job.data;
  assertRefreshPayload(data);
  if (h.shutdown.aborted) return putBack(job, h.token);
  const { redis, prefix } = h.queues;
  const session = h.refreshSession;
  const entity = entityKey({ scope: data.scope, id: data.id });
  const topic = SCOPE_TOPIC[data.scope];
  // What the messages folded into this job want; messages arriving from now on queue the next refresh,
  // and so do identical bodies without a msgId (they may announce a change this read comes too early for).
  const wanted = await readWanted(redis, prefix, entity);
  const served = wanted.born.length;
  await reopenBare(redis, prefix, wanted.born);
  try {
    const reader = await session.reader();
    const looked = await lookupScope(reader, data.scope, [data.id]);
    // Through the API the answer is the entity's state now; only a replica can be behind the message.
    // A product a message says is gone and the source no longer has is as current as it gets.
    const goneForGood = data.scope === 'product' && wanted.gone !== null && looked.every((l) => l.units.length === 0);
    if (reader.kind === 'replica' && !goneForGood && !caughtUp(data.scope, looked, wanted.sent)) {
      const tries = data.staleTries ?? 0;
      if (tries < data.staleRetries) {
        await job.updateData({ ...data, staleTries: tries + 1 });
        return await later(job, h.token, data.staleBaseMs * 2 ** tries);
      }
      // Left to the next scheduled run, which reads the entity once the replica has it.
      h.ctx.logger.warn('replica still older than the message; left to the scheduled runs', { entity, wanted: wanted.sent, waits: tries });
      await servedWanted(redis, prefix, entity, served);
      await countMessages(redis, prefix, 'stale', topic, served);
      return { entity, outcome: 'stale', source: reader.label, messages: served, rowsRead: 0, rowsUpserted: 0, marked: [] };
    }
    const { sink, runs: account, transform, release } = await session.open();
    const marked: string[] = [];
    let runs;
    try {
      runs = await loadLooked(reader, sink, looked, { sourceTz: h.ctx.config.sourceTz, transform, logger: h.ctx.logger, signal: h.shutdown, ...(account ? { runs: account } : {}) });
    } finally {
      await release();
    }
    if (goneForGood) {
      // Only a SQL warehouse holds dim_product rows to mark; a CSV folder gets the next full refresh.
      if (h.ctx.config.warehouse.kind === 'csv') h.ctx.logger.info('product gone from the source; a CSV warehouse is not marked', { product: data.id, gone: wanted.gone });
      else if (await markProductGone(await h.ctx.warehouse(), data.id, wanted.gone!)) marked.push(data.id);
    }
    const committed = Date.now();
    await observeFreshness(redis, prefix, wanted.born.map((b) => (committed - b.ms) / 1000));
    await servedWanted(redis, prefix, entity, served);
    await countMessages(redis, prefix, 'refreshed', topic, served);
    return {
      entity,
      outcome: 'refreshed',
      source: reader.label,
      messages: served,
      rowsRead: runs.reduce((a, r) => a + r.rowsRead, 0),
      rowsUpserted: runs.reduce((a, r) => a + r.rowsUpserted, 0),
      marked,
    };
  } catch (err) {
    if (err instanceof Error && (err.name === 'DelayedError' || err.name === 'WaitingError')) throw err;
    // The source may have gone away or changed under the reader: the next refresh opens it again.
    session.resetReader();
    const failure = classifyFailure(err);
    const attempt = job.attemptsMade + 1;
    if (!failure.retriable || attempt >= Math.max(1, job.opts.attempts ?? 1)) {
      // Failed for good: its messages are accounted for; the scheduled runs load the entity later.
      await servedWanted(redis, prefix, entity, served).catch(() => undefined);
      await countMessages(redis, prefix, 'failed', topic, served).catch(() => undefined);
      h.ctx.logger.error('refresh failed for good; left to the scheduled runs', { entity, error: describe(err) });
    }
    throw err;
  }
}
