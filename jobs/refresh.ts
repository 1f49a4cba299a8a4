// A message's targeted refresh: which streams an entity's scope owns, whether the source has caught up
// with the message yet, and the load itself through the engine in refresh mode (the same transforms,
// newer-version guard and transactions as runs; no watermark moves). The reader is openFetchReader's
// choice: the 1688 API when configured, else the replica; that choice is the only difference.
import type { Context } from '../lib/context.js';
import type { LookupBy, SourceReader, SourceUnit } from '../sources/source.js';
import type { Scope } from '../sources/messages/topics.js';
import { markProductGone } from '../sinks/message-tables.js';
import { runStream, type RunSummary } from './engine.js';
import { openSink } from './sink.js';
import { streamNamed } from './streams.js';
import { transformSettings } from './transform-settings.js';

/** The streams each scope refreshes, looked up by order id or by the stream's own key. */
export const SCOPE_PLAN: Readonly<Record<Scope, ReadonlyArray<readonly [stream: string, by: LookupBy]>>> = {
  order: [['orders', 'key'], ['order_lines', 'order'], ['invoices', 'order']],
  refund: [['orders', 'key'], ['order_lines', 'order'], ['invoices', 'order'], ['refunds', 'order']],
  logistics: [['shipments', 'order'], ['shipment_events', 'order']],
  product: [['products', 'key']],
};

/**
 * The streams whose versions show how far the replica has got with what a message of the scope says:
 * its newest version must be at least the message's msgSendTime.
 */
const WITNESS: Readonly<Record<Scope, readonly string[]>> = {
  order: ['orders'],
  refund: ['refunds'],
  logistics: ['shipments', 'shipment_events'],
  product: ['products'],
};

export interface LookedUp {
  stream: string;
  units: SourceUnit[];
}

/** The entity's current units, per stream of its scope (streams the reader does not serve are left out). */
export async function lookupEntity(reader: SourceReader, scope: Scope, id: string): Promise<LookedUp[]> {
  const out: LookedUp[] = [];
  for (const [stream, by] of SCOPE_PLAN[scope]) {
    if (!reader.has(stream)) continue;
    out.push({ stream, units: await reader.lookup(stream, by, [id]) });
  }
  return out;
}

/**
 * Whether the looked-up units are at least as new as `sentAt` (naive source time). A version that is a
 * day (the logistics tables' DATE columns) is compared by day. No witness unit at all: not yet.
 */
export function caughtUp(scope: Scope, looked: LookedUp[], sentAt: string | null): boolean {
  if (sentAt === null) return true;
  let newest: string | null = null;
  for (const l of looked) {
    if (!WITNESS[scope].includes(l.stream)) continue;
    for (const u of l.units) {
      const v = u.version.length <= 10 ? `${u.version.slice(0, 10)} 23:59:59` : u.version;
      if (newest === null || v > newest) newest = v;
    }
  }
  return newest !== null && newest >= sentAt;
}

export interface RefreshOutcome {
  runs: RunSummary[];
  /** Product ids marked deleted or expired because the source no longer has them. */
  marked: string[];
}

/** Loads the looked-up units in refresh mode; marks a gone product the source no longer has. */
export async function loadEntity(ctx: Context, reader: SourceReader, scope: Scope, id: string, looked: LookedUp[], gone: 'deleted' | 'expired' | null, signal?: AbortSignal): Promise<RefreshOutcome> {
  const { sink, release } = await openSink(ctx);
  const runs: RunSummary[] = [];
  const marked: string[] = [];
  try {
    const now = await reader.now();
    const transform = await transformSettings(ctx.config, sink);
    for (const { stream, units } of looked) {
      if (units.length === 0) continue;
      runs.push(await runStream(reader, sink, streamNamed(stream)!, {
        mode: 'refresh', units, batchSize: 500, lookbackMs: 0, safetyLagMs: 0, sourceTz: ctx.config.sourceTz, transform, ...(signal ? { signal } : {}),
      }, now, ctx.logger));
    }
    const product = looked.find((l) => l.stream === 'products');
    if (scope === 'product' && gone && product && product.units.length === 0) {
      // Only a SQL warehouse holds dim_product rows to mark; a CSV folder gets the next full refresh.
      if (ctx.config.warehouse.kind === 'csv') ctx.logger.info('product gone from the source; a CSV warehouse is not marked', { product: id, gone });
      else if (await markProductGone(await ctx.warehouse(), id, gone)) marked.push(id);
    }
    return { runs, marked };
  } finally {
    await release();
  }
}
