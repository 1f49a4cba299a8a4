// hub-etl fetch: load specific orders, refunds or products now, through the same transforms, version
// guard and transaction rules as runs, without moving any watermark (jobs/refresh.ts says what each
// entity owns and loads it; each stream is one run per invocation).
import type { Context } from './context.js';
import { UsageError } from '../lib/errors.js';
import type { SourceReader } from '../sources/source.js';
import type { RunSummary } from './engine/engine.js';
import { loadLooked, lookupScope, type RefreshScope } from './refresh.js';
import { transformSettings } from './engine/transform-settings.js';
import { openSink } from './engine/sink.js';
import { openFetchReader } from './engine/source.js';

/** What to refresh: 1688 ids as decimal digits (refund ids as `TQ…` or bare digits). */
export interface FetchRequest {
  orders?: string[];
  refunds?: string[];
  products?: string[];
}

/** What each option refreshes: an order whole, a refund by its id, a product. */
const PLAN: Record<keyof FetchRequest, RefreshScope> = { orders: 'whole-order', refunds: 'refund-id', products: 'product' };

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
    const transform = await transformSettings(ctx.config, sink);
    for (const kind of Object.keys(PLAN) as Array<keyof FetchRequest>) {
      const ids = req[kind];
      if (!ids) continue;
      const looked = await lookupScope(reader, PLAN[kind], ids);
      const found = new Set(looked.filter((l) => l.by === 'key').flatMap((l) => l.units.map((u) => u.key)));
      runs.push(...await loadLooked(reader, sink, looked, { sourceTz: ctx.config.sourceTz, transform, logger: ctx.logger, ...(opts.signal ? { signal: opts.signal } : {}) }));
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
