// Targeted refresh, the one place that knows which streams an entity owns and how they are loaded: the
// scopes of `hub-etl fetch` and of message refreshes, the lookup of an entity's current units, whether the
// source has caught up with a message yet, and the load through the engine in refresh mode (the same
// transforms, newer-version guard and transactions as runs; no watermark moves).
import type { Logger } from '../lib/logger.js';
import type { Sink } from '../sinks/sink.js';
import type { LookupBy, ReadStats, SourceReader, SourceUnit } from '../sources/source.js';
import type { Scope } from '../sources/messages/topics.js';
import { runStream, type RunSummary } from './engine/engine.js';
import { streamNamed } from './engine/streams.js';
import type { TransformSettings } from './engine/transform-settings.js';

type Part = readonly [stream: string, by: LookupBy];

// The rows an entity owns, by stream, looked up by the entity's own key or by its order id.
const ORDER: readonly Part[] = [['orders', 'key'], ['order_lines', 'order'], ['invoices', 'order']];
const ORDER_REFUNDS: readonly Part[] = [['refunds', 'order']];
const ORDER_SHIPMENTS: readonly Part[] = [['shipments', 'order'], ['shipment_events', 'order']];

/**
 * What is refreshed for each way of asking. Message scopes (sources/messages/topics.ts) refresh what the
 * message is about; `hub-etl fetch` refreshes everything of what it names.
 */
export type RefreshScope = Scope | 'whole-order' | 'refund-id';

export const SCOPE_STREAMS: Readonly<Record<RefreshScope, readonly Part[]>> = {
  /** Order messages: the order, its lines, payment terms and invoice. */
  order: ORDER,
  /** Refund messages: the same and the order's refunds. */
  refund: [...ORDER, ...ORDER_REFUNDS],
  /** Logistics messages: the order's shipments and their tracking events. */
  logistics: ORDER_SHIPMENTS,
  /** Product messages and `fetch --product`: the product with its SKUs and price tiers. */
  product: [['products', 'key']],
  /** `fetch --order`: every row of the order. */
  'whole-order': [...ORDER, ...ORDER_REFUNDS, ...ORDER_SHIPMENTS],
  /** `fetch --refund`: the refund by its own id. */
  'refund-id': [['refunds', 'key']],
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
  by: LookupBy;
  units: SourceUnit[];
  /** The reader's counters before the lookup, so that the stream's run counts the lookup's API calls. */
  statsBefore: ReadStats;
}

/** The entities' current units, per stream of the scope (streams the reader does not serve are left out). */
export async function lookupScope(reader: SourceReader, scope: RefreshScope, ids: string[]): Promise<LookedUp[]> {
  const out: LookedUp[] = [];
  for (const [stream, by] of SCOPE_STREAMS[scope]) {
    if (!reader.has(stream)) continue;
    const statsBefore = reader.stats();
    out.push({ stream, by, units: await reader.lookup(stream, by, ids), statsBefore });
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

/** A run a refresh writes under, kept open by someone else; `end` reports what the refresh did. */
export interface RunTicket {
  runId: string;
  end(result: RunSummary | Error): void;
}

/**
 * Where refreshes are accounted in etl_run. Without one, each stream of each load is a run of its own
 * (`hub-etl fetch`: one per stream per invocation); a worker passes its rolling runs (jobs/rolling-runs.ts).
 */
export interface RunAccount {
  begin(stream: string): Promise<RunTicket>;
}

export interface LoadOptions {
  sourceTz: string;
  /** What the transforms need besides the source zone (jobs/transform-settings.ts). */
  transform: TransformSettings;
  logger: Logger;
  runs?: RunAccount;
  signal?: AbortSignal;
}

/** Loads the looked-up units in refresh mode, stream by stream, into `sink`; streams with no unit are skipped. */
export async function loadLooked(reader: SourceReader, sink: Sink, looked: LookedUp[], opts: LoadOptions): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  // A refresh reads no window, so the engine needs no source clock: this host's is as good.
  const now = new Date();
  for (const { stream, units, statsBefore } of looked) {
    if (units.length === 0) continue;
    const ticket = opts.runs ? await opts.runs.begin(stream) : null;
    try {
      const summary = await runStream(reader, sink, streamNamed(stream)!, {
        mode: 'refresh', units, statsBefore, batchSize: 500, lookbackMs: 0, safetyLagMs: 0, sourceTz: opts.sourceTz, transform: opts.transform,
        ...(opts.signal ? { signal: opts.signal } : {}), ...(ticket ? { runId: ticket.runId } : {}),
      }, now, opts.logger);
      ticket?.end(summary);
      runs.push(summary);
    } catch (err) {
      ticket?.end(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }
  return runs;
}
