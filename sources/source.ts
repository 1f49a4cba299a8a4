// The one interface the engine reads through, whatever the source: the replica tables (SQL) or the
// 1688 API. A reader hands over units of replica-shaped rows in cursor order; the engine never sees a
// database handle, a column it must name, or how a position is kept.
import type { DataError } from '../lib/errors.js';
import type { SourceRow } from '../transforms/types.js';

/**
 * How a stream finds what changed:
 * - datetime: a modify time (naive, in the source zone), read in [watermark − lookback, source now − safety lag)
 * - date: a day-precision modify date: the whole last day is re-read (>=), up to today inclusive
 * - text: a modify time of unknown format: the (small) stream is read whole every run and fingerprints
 *   decide what changed
 * - parent: the rows have no modify time of their own: the parent orders whose modify time moved are read,
 *   then all their rows, so that an order's set of lines is loaded whole
 * - snapshot: read whole every run like `text`; units gone from the source are removed from the warehouse
 */
export type CursorKind = 'datetime' | 'date' | 'text' | 'parent' | 'snapshot';

/** A stream's read window in the source's own notation: naive 'yyyy-MM-dd HH:mm:ss' times (or 'yyyy-MM-dd' days) in the source zone. */
export interface ReadWindow {
  /** Inclusive lower bound, or null for "from the beginning". */
  from: string | null;
  /** Upper bound (exclusive, or inclusive when `toInclusive`), or null for "to the end". */
  to: string | null;
  toInclusive: boolean;
}

/** One unit of loading: all source rows that are loaded, versioned and fingerprinted together. */
export interface SourceUnit {
  /** The unit's key (order id for an order and its lines, product id, refund id, logistics id, …). */
  key: string;
  /** The source version of the unit, for the newer-version guard (comparable as text). */
  version: string;
  /** Replica-shaped rows (see transforms/types.ts SourceRow); children carry their parent's columns as parent_<name>. */
  rows: SourceRow[];
  /** The cursor value this unit stands at: the watermark after its batch commits. */
  cursor: string;
  /** Opaque position to resume reading right after this unit. */
  position: string;
  /** Set when the unit cannot even be read as a unit (a bad parent key): the engine records a reject. */
  invalid?: DataError;
}

export interface ReadOptions {
  /** Units per batch (an order with its lines is one unit). */
  batchSize: number;
  /** Resume right after this position (from a unit of an earlier read of the same window), or from the window's start. */
  after?: string | null;
  /** The engine stops reading when this is aborted. */
  signal?: AbortSignal;
}

/** What a reader counts of its own work, recorded with every run (API calls; zero for the replica). */
export interface ReadStats {
  calls: number;
  retries: number;
  throttled: number;
}

/** How a targeted lookup names its entities: by order id, or by the stream's own unit key. */
export type LookupBy = 'order' | 'key';

export interface SourceReader {
  /** Which kind of source this is, for logs and run records. */
  readonly kind: 'replica' | 'api';
  /** Where it reads, safe to print (no password, secret or token). */
  readonly label: string;
  /** The source's clock as a UTC instant: windows end a safety lag behind it. */
  now(): Promise<Date>;
  /** How this source finds the changes of a stream (the same stream may be found differently by another source). */
  cursorKind(stream: string): CursorKind;
  /** Whether this source can read a stream at all. */
  has(stream: string): boolean;
  /** The stream's units in the window, in cursor order, in batches of at most `batchSize` units. */
  units(stream: string, window: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]>;
  /**
   * The current units of specific entities, for targeted refreshes (`hub-etl fetch`, messages): by their
   * orders (`order`: every unit of the stream belonging to these order ids) or by unit key (`key`). An id
   * the source does not know yields no unit.
   */
  lookup(stream: string, by: LookupBy, ids: string[]): Promise<SourceUnit[]>;
  /** Counters since the reader was opened. */
  stats(): ReadStats;
  /**
   * Runs `fn` (a lookup) and counts the calls made for it alone, while other work reads through the same
   * reader: what one refresh cost. Only readers that make calls (the API) have it.
   */
  counting?<T>(fn: () => Promise<T>): Promise<{ value: T; stats: ReadStats }>;
  close(): Promise<void>;
}
