// Time-windowed lists (orders by modify/create time, products by last update) decided exactly at the
// millisecond while reading as few blobs as possible: the replica's naive columns bound each row's
// instant to a second; only rows near a window edge, or sharing their second with a neighbour in the
// sort order, need their blob's exact time.
import { compareIdsDesc } from './params.js';
import type { Interval } from './times.js';

export interface Candidate {
  id: string;
  /** Where each time field may lie (from the columns). */
  times: Record<string, Interval>;
  /** Exact instants known already (a drift overlay) or read from the blob. */
  exact: Record<string, number>;
}

export interface TimeFilter {
  field: string;
  from: number | null;
  to: number | null;
}

/** Exact instants of the given fields for rows by id, read from their blobs. */
export type Resolve = (ids: string[]) => Promise<Map<string, Record<string, number>>>;

type Verdict = 'in' | 'out' | 'edge';

function judge(c: Candidate, f: TimeFilter): Verdict {
  const x = c.exact[f.field];
  const iv = x === undefined ? c.times[f.field]! : { lo: x, hi: x };
  const from = f.from ?? -Infinity;
  const to = f.to ?? Infinity;
  if (iv.hi < from || iv.lo > to) return 'out';
  if (iv.lo >= from && iv.hi <= to) return 'in';
  return 'edge';
}

async function resolveInto(cands: Candidate[], resolve: Resolve): Promise<void> {
  if (cands.length === 0) return;
  const found = await resolve(cands.map((c) => c.id));
  for (const c of cands) {
    const e = found.get(c.id);
    if (!e) throw new Error(`row ${c.id} vanished while a list was read`);
    c.exact = { ...e, ...c.exact };
  }
}

/**
 * The candidates inside every filter (inclusive bounds, compared at the millisecond), sorted by
 * `sortField` descending, then id descending.
 */
export async function selectWindow(cands: Candidate[], filters: TimeFilter[], sortField: string, resolve: Resolve): Promise<Candidate[]> {
  let kept = cands.filter((c) => filters.every((f) => judge(c, f) !== 'out'));
  const edges = kept.filter((c) => filters.some((f) => judge(c, f) === 'edge'));
  await resolveInto(edges, resolve);
  kept = kept.filter((c) => filters.every((f) => judge(c, f) === 'in'));

  // Sorted by the earliest possible instant, a row overlaps earlier rows exactly when its latest
  // possible instant reaches the previous row's earliest one; those rows need their exact time.
  const span = (c: Candidate): Interval => {
    const x = c.exact[sortField];
    return x === undefined ? c.times[sortField]! : { lo: x, hi: x };
  };
  kept.sort((a, b) => span(b).lo - span(a).lo);
  const need = new Set<Candidate>();
  for (let i = 1; i < kept.length; i++) {
    const hi = span(kept[i]!).hi;
    for (let j = i - 1; j >= 0 && span(kept[j]!).lo <= hi; j--) {
      need.add(kept[i]!);
      need.add(kept[j]!);
    }
  }
  await resolveInto([...need].filter((c) => c.exact[sortField] === undefined), resolve);
  const key = (c: Candidate) => c.exact[sortField] ?? span(c).lo;
  return kept.sort((a, b) => key(b) - key(a) || compareIdsDesc(a.id, b.id));
}
