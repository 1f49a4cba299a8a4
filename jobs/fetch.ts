// Targeted refresh: load specific orders, refunds or products now, through the same transforms, version
// guard and transaction rules as runs, without moving any watermark. `hub-etl fetch` and message refreshes.
import type { Context } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import type { LookupBy, SourceReader } from '../sources/source.js';
import { runStream, type RunSummary } from './engine.js';
import { transformSettings } from './transform-settings.js';
import { openSink } from './sink.js';
import { openFetchReader } from './source.js';
import { streamNamed } from './streams.js';

/** What to refresh: 1688 ids as decimal digits (refund ids as `TQ…` or bare digits). */
export interface FetchRequest {
  orders?: string[];
  refunds?: string[];
  products?: string[];
}

/** Each kind of entity and the streams whose rows it owns, looked up by order id or by the stream's own key. */
const PLAN: Record<keyof FetchRequest, Array<[stream: string, by: LookupBy]>> = {
  orders: [['orders', 'key'], ['order_lines', 'order'], ['invoices', 'order'], ['refunds', 'order'], ['shipments', 'order'], ['shipment_events', 'order']],
  refunds: [['refunds', 'key']],
  products: [['products', 'key']],
};

const ID = /^\d{1,19}$/;

/** Checks every id at once; a bad one is a UsageError naming the option and the value. */
export function checkFetchRequest(req: FetchRequest): FetchRequest {
  const problems: string[] = [];
  const norm: FetchRequest = {};
  for (const kind of Object.keys(PLAN) as Array<keyof FetchRequest>) {
    const ids = req[kind] ?? [];
    const flag = `--${kind.slice(0, -1)}`;
    const out: string[] = [];
    for (const raw of ids) {
      const v = raw.trim();
      const digits = kind === 'refunds' ? v.replace(/^TQ/i, '') : v;
      if (!ID.test(digits)) problems.push(`${flag}: "${raw}" is not a 1688 id (1 to 19 digits${kind === 'refunds' ? ', optionally after TQ' : ''})`);
      else out.push(kind === 'refunds' ? `TQ${digits}` : digits);
    }
    if (out.length) norm[kind] = [...new Set(out)];
  }
  if (problems.length) throw new UsageError(problems.join('; '));
  if (!norm.orders && !norm.refunds && !norm.products) throw new UsageError('fetch: name what to load with --order, --refund or --product');
  return norm;
}

export interface FetchResult { source: string; runs: RunSummary[]; missing: string[] }

/** Loads the entities through `reader` into the configured warehouse. */
export async function fetchWith(ctx: Context, reader: SourceReader, request: FetchRequest, opts: { signal?: AbortSignal } = {}): Promise<FetchResult> {
  const req = checkFetchRequest(request);
  const { sink, release } = await openSink(ctx);
  const runs: RunSummary[] = [];
  const missing: string[] = [];
  try {
    const now = await reader.now();
    const transform = await transformSettings(ctx.config, sink);
    for (const kind of Object.keys(PLAN) as Array<keyof FetchRequest>) {
      const ids = req[kind];
      if (!ids) continue;
      const found = new Set<string>();
      for (const [stream, by] of PLAN[kind]) {
        if (!reader.has(stream)) continue;
        const statsBefore = reader.stats();
        const units = await reader.lookup(stream, by, ids);
        if (by === 'key') for (const u of units) found.add(u.key);
        if (units.length === 0) continue;
        runs.push(await runStream(reader, sink, streamNamed(stream)!, {
          mode: 'refresh', units, statsBefore, batchSize: 500, lookbackMs: 0, safetyLagMs: 0, sourceTz: ctx.config.sourceTz, transform,
          ...(opts.signal ? { signal: opts.signal } : {}),
        }, now, ctx.logger));
      }
      missing.push(...ids.filter((id) => !found.has(id)));
    }
    return { source: reader.label, runs, missing };
  } finally {
    await release();
  }
}

/** Loads the entities through the API when one is configured, else from the replica. */
export async function fetchEntities(ctx: Context, request: FetchRequest, opts: { signal?: AbortSignal } = {}): Promise<FetchResult> {
  const req = checkFetchRequest(request);
  const reader = await openFetchReader(ctx);
  try {
    return await fetchWith(ctx, reader, req, opts);
  } finally {
    await reader.close();
  }
}
