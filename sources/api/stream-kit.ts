// What every stream read through the API shares: the session (client, zone, lister settings and counts),
// the shape of a stream reader, read windows as instants, cursors clamped into the window, positions,
// a small pool for calls in parallel, and units gathered into batches.
import type { Logger } from '../../lib/logger.js';
import type { CursorKind, LookupBy, ReadOptions, ReadWindow, SourceUnit } from '../source.js';
import type { ApiClient } from './client.js';
import type { ListerOptions, ListingStats } from './lister.js';
import { compareIds } from './lister.js';
import { instantOfNaive, naiveOf } from './times.js';

export interface ApiSession {
  client: ApiClient;
  /** The source zone: naive columns are written in it. */
  zone: string;
  logger: Logger;
  /** Entities read at once (each with its own calls); the client still keeps to its rate and concurrency. */
  parallel: number;
  lister: Omit<ListerOptions, 'signal'>;
  listing: ListingStats;
  /** Answers shared by the streams of one run (an order's detail, its tracking), so that each is asked once. */
  memo: Memo;
  /** The gateway's clock (epoch ms). */
  nowMs(): Promise<number>;
}

/**
 * A bounded memo of answers (promises, so that concurrent askers share one call), least recently used
 * dropped first. Keys must say which state they stand for (an order's listed modify time, a run's window):
 * an entry is never checked for staleness.
 */
export class Memo {
  private readonly entries = new Map<string, Promise<unknown>>();
  constructor(private readonly size: number) {}

  get<T>(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    const p = make();
    this.entries.set(key, p);
    p.catch(() => this.entries.delete(key));
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}

/** How one stream is read through the API. */
export interface ApiStream {
  cursorKind: CursorKind;
  units(s: ApiSession, w: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]>;
  lookup(s: ApiSession, by: LookupBy, ids: string[]): Promise<SourceUnit[]>;
}

/** Where an unbounded window starts: before 1688's first order. */
export const EARLIEST = '1999-01-01 00:00:00';

/** A read window as instants [fromMs, toMs), and the clamp that keeps every cursor inside it. */
export interface Bounds {
  fromMs: number;
  toMs: number;
  /** The window's naive bounds as cursors: the first and the last second inside it. */
  first: string;
  last: string;
  bounded: boolean;
}

export async function boundsOf(s: ApiSession, w: ReadWindow): Promise<Bounds> {
  const fromMs = instantOfNaive(w.from ?? EARLIEST, s.zone, 'window start');
  let toMs = w.to === null ? await s.nowMs() : instantOfNaive(w.to, s.zone, 'window end');
  // An inclusive end (a day, or a second) takes in the whole day or second it names.
  if (w.to !== null && w.toInclusive) toMs = w.to.trim().length <= 10 ? instantOfNaive(w.to, s.zone, 'window end') + 86_400_000 : toMs + 1000;
  return { fromMs, toMs, first: naiveOf(fromMs, s.zone), last: naiveOf(Math.max(fromMs, toMs - 1), s.zone), bounded: w.from !== null };
}

/** The naive cursor of an instant, clamped into the window. */
export function cursorIn(b: Bounds, ms: number, zone: string): string {
  const c = naiveOf(ms, zone);
  return c < b.first ? b.first : c > b.last ? b.last : c;
}

/** Where a unit stands in a read, to resume after it: the sort instant and id of its entity, and its index among that entity's units. */
export type Position = [sortMs: number, id: string, index: number];

export function encodePosition(p: Position): string {
  return JSON.stringify(p);
}

export function decodePosition(text: string | null | undefined): Position | null {
  if (!text) return null;
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'number' || typeof v[1] !== 'string' || typeof v[2] !== 'number') throw new Error(`not an API position: ${text.slice(0, 80)}`);
  return v as Position;
}

export function comparePositions(a: Position, b: Position): number {
  return a[0] - b[0] || compareIds(a[1], b[1]) || a[2] - b[2];
}

/** `fn` over `items` with at most `limit` at once, results in the items' order; the first failure rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * The units of a read, ended quietly when its signal aborts: the engine then stops after the batch in
 * hand (an interrupted run), whereas a call cut short by the abort would otherwise fail the run.
 */
export async function* endOnAbort<T>(read: AsyncGenerator<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  try {
    yield* read;
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  }
}

/** Gathers units into batches of `size`, skipping those at or before `after`. */
export class Batcher {
  private buffer: SourceUnit[] = [];
  private readonly after: Position | null;
  constructor(private readonly size: number, after: string | null | undefined) {
    this.after = decodePosition(after);
  }

  /** Adds units; returns the full batches now ready. */
  add(units: SourceUnit[]): SourceUnit[][] {
    for (const u of units) if (!this.after || comparePositions(decodePosition(u.position)!, this.after) > 0) this.buffer.push(u);
    const out: SourceUnit[][] = [];
    while (this.buffer.length >= this.size) out.push(this.buffer.splice(0, this.size));
    return out;
  }

  /** The last, partial batch. */
  rest(): SourceUnit[][] {
    const out = this.buffer.length > 0 ? [this.buffer] : [];
    this.buffer = [];
    return out;
  }
}
