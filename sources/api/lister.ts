// Lists a time window of a paged 1688 list (orders by modify time, products by last update) without
// losing a row to page drift. A list is sorted by something other than the window's own time (orders:
// newest created first), so a row modified while the window is paged leaves it and every later page
// shifts forward: a row that was on page 2 moves onto page 1, already read, and a plain pager never sees
// it. So a window is read whole only when its totalRecord and every page's length stay as page 1 said;
// otherwise it is split in halves and each half read again (or, at the floor, read again until it holds
// still). Windows listing more than a page limit are split before paging, so each read is short.
import { SourceError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { JsonObject } from '../../transforms/json.js';

/** One list item: its id, the time it was listed at (the window's time field), its exact text and parse. */
export interface Listed {
  id: string;
  atMs: number;
  raw: string;
  body: JsonObject;
}

export interface ListPage {
  total: number;
  items: Listed[];
}

/** Reads page `page` (from 1) of the rows whose time lies in [fromMs, toMs] (both inclusive, as the API's bounds are). */
export type PageReader = (fromMs: number, toMs: number, page: number) => Promise<ListPage>;

export interface ListerOptions {
  /** Rows per page the reader asks for (the API allows at most 20). */
  pageSize: number;
  /** A window listing more rows than this is split before it is paged. */
  maxPerWindow: number;
  /** Windows are never split below this span (ms); such a window is read again until it holds still. */
  floorMs: number;
  /** Reads of a window at the floor that may change before the listing gives up (a retriable error). */
  maxRereads: number;
  signal?: AbortSignal;
}

export const DEFAULT_LISTER: Omit<ListerOptions, 'signal'> = { pageSize: 20, maxPerWindow: 200, floorMs: 1000, maxRereads: 5 };

/** What listing took, for logs and tests: windows read, pages read, splits, windows found changing while paged, floor re-reads. */
export interface ListingStats {
  windows: number;
  pages: number;
  splits: number;
  drifted: number;
  rereads: number;
}

export function emptyListingStats(): ListingStats {
  return { windows: 0, pages: 0, splits: 0, drifted: 0, rereads: 0 };
}

/** Decimal ids compared as numbers (exact at any length, no leading zeros). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by (listed time, id), each id once: the latest listing of it wins. */
function ordered(items: Listed[]): Listed[] {
  const byId = new Map<string, Listed>();
  for (const it of items) {
    const seen = byId.get(it.id);
    if (!seen || it.atMs > seen.atMs) byId.set(it.id, it);
  }
  return [...byId.values()].sort((a, b) => a.atMs - b.atMs || compareIds(a.id, b.id));
}

/**
 * The rows of [fromMs, toMs) in stable sub-windows, earliest first: each yielded array is one sub-window
 * read whole while it held still, sorted by (listed time, id). A row modified during the listing is
 * listed where it was when its sub-window was read, or not at all when it left the window: its new time
 * lies after the window, where the next run finds it.
 */
export async function* listWindow(read: PageReader, fromMs: number, toMs: number, opts: ListerOptions, stats: ListingStats, log: Logger): AsyncGenerator<Listed[]> {
  if (toMs <= fromMs) return;
  const pending: Array<[number, number]> = [[fromMs, toMs]];
  let rereads = 0;
  while (pending.length > 0) {
    opts.signal?.throwIfAborted();
    const [lo, hi] = pending.shift()!;
    stats.windows++;
    const first = await read(lo, hi - 1, 1);
    stats.pages++;
    const canSplit = hi - lo > opts.floorMs;
    if (first.total > opts.maxPerWindow && canSplit) {
      stats.splits++;
      pending.unshift(...split(lo, hi, Math.min(32, Math.max(2, Math.ceil((first.total * 2) / opts.maxPerWindow))), opts.floorMs));
      continue;
    }
    const items = [...first.items];
    let still = first.items.length === expected(first.total, 1, opts.pageSize);
    for (let page = 2; still && (page - 1) * opts.pageSize < first.total; page++) {
      opts.signal?.throwIfAborted();
      const next = await read(lo, hi - 1, page);
      stats.pages++;
      still = next.total === first.total && next.items.length === expected(first.total, page, opts.pageSize);
      items.push(...next.items);
    }
    if (still) {
      rereads = 0;
      if (items.length > 0) yield ordered(items);
      continue;
    }
    stats.drifted++;
    log.info('a list window changed while it was paged: reading it again in smaller windows', { from: new Date(lo).toISOString(), to: new Date(hi).toISOString(), total: first.total });
    if (canSplit) {
      stats.splits++;
      pending.unshift(...split(lo, hi, 2, opts.floorMs));
      continue;
    }
    stats.rereads++;
    if (++rereads > opts.maxRereads) {
      throw new SourceError(`the list window ${new Date(lo).toISOString()} – ${new Date(hi).toISOString()} kept changing while it was paged (${opts.maxRereads} reads); run again`, { retriable: true });
    }
    pending.unshift([lo, hi]);
  }
}

function expected(total: number, page: number, size: number): number {
  return Math.max(0, Math.min(size, total - (page - 1) * size));
}

/** [lo, hi) in `n` pieces of at least `floorMs` each, in time order. */
function split(lo: number, hi: number, n: number, floorMs: number): Array<[number, number]> {
  const pieces = Math.max(2, Math.min(n, Math.floor((hi - lo) / floorMs)));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < pieces; i++) {
    const a = lo + Math.floor(((hi - lo) * i) / pieces);
    const b = i === pieces - 1 ? hi : lo + Math.floor(((hi - lo) * (i + 1)) / pieces);
    if (b > a) out.push([a, b]);
  }
  return out;
}
