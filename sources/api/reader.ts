// The 1688 open-platform API as a SourceReader: each stream read by its own reader (a map of stream →
// ApiStream), handing over units of rows shaped exactly as the replica reader's, so that the engine and the
// transforms are the same whichever source loads the warehouse. The gateway's currentTime is "now".
import { describeApiTarget } from '../../lib/api-config.js';
import { SourceError, UsageError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { isObject } from '../../transforms/json.js';
import type { CursorKind, LookupBy, ReadOptions, ReadStats, ReadWindow, SourceReader, SourceUnit } from '../source.js';
import { CATALOG_STREAMS } from './catalog-streams.js';
import type { ApiClient } from './client.js';
import { DEFAULT_LISTER, emptyListingStats, type ListerOptions, type ListingStats } from './lister.js';
import { ORDER_STREAMS } from './order-streams.js';
import { textOf } from './rows.js';
import { endOnAbort, Memo, type ApiSession, type ApiStream } from './stream-kit.js';
import { parseApiTime } from './times.js';

/**
 * Every stream the API reads, by name. The API-only snapshot streams (sources/api/snapshots.ts) join
 * this map the same way: one ApiStream each.
 */
export const API_STREAMS: Readonly<Record<string, ApiStream>> = { ...CATALOG_STREAMS, ...ORDER_STREAMS };

export interface ApiReaderOptions {
  /** Paging and window splitting of list calls (tests shrink them). */
  lister?: Partial<Omit<ListerOptions, 'signal'>>;
  /** Entities read at once; default twice the client's concurrency. */
  parallel?: number;
  /** Answers kept for the streams of a run to share (an order's detail and tracking; default 2000). */
  memo?: number;
}

export class ApiReader implements SourceReader {
  readonly kind = 'api';
  readonly label: string;
  private readonly session: ApiSession;
  /** This reader's view of the shared client: its stats are this reader's calls alone. */
  private readonly client: ApiClient;

  /** `client` belongs to the caller (the context): closing the reader leaves it open. */
  constructor(shared: ApiClient, zone: string, logger: Logger, opts: ApiReaderOptions = {}) {
    this.label = describeApiTarget(shared.target);
    this.client = shared.scoped();
    const client = this.client;
    this.session = {
      client,
      zone,
      logger,
      parallel: opts.parallel ?? Math.max(2, client.target.concurrency * 2),
      lister: { ...DEFAULT_LISTER, ...opts.lister },
      listing: emptyListingStats(),
      memo: new Memo(opts.memo ?? 2000),
      nowMs: () => this.nowMs(),
    };
  }

  private async nowMs(): Promise<number> {
    const r = await this.client.call('currentTime', {}, { requireKey: 'result' });
    const text = isObject(r.body) ? textOf(r.body.result) : null;
    const ms = text === null ? null : /^\d{10,13}$/.test(text) ? Number(text.padEnd(13, '0')) : parseApiTime(text);
    if (ms === null) throw new SourceError(`currentTime: the gateway's clock is not a time as yyyyMMddHHmmssSSS±hhmm: ${JSON.stringify(text).slice(0, 60)}`);
    return ms;
  }

  async now(): Promise<Date> {
    return new Date(await this.nowMs());
  }

  has(stream: string): boolean {
    return stream in API_STREAMS;
  }

  private spec(stream: string): ApiStream {
    const s = API_STREAMS[stream];
    if (!s) throw new UsageError(`the 1688 API has no stream "${stream}"; it reads ${Object.keys(API_STREAMS).join(', ')}`);
    return s;
  }

  cursorKind(stream: string): CursorKind {
    return this.spec(stream).cursorKind;
  }

  units(stream: string, window: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]> {
    return endOnAbort(this.spec(stream).units(this.session, window, opts), opts.signal);
  }

  lookup(stream: string, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    return this.spec(stream).lookup(this.session, by, ids);
  }

  /** The calls this reader made, their retries and the throttled answers, since it was opened. */
  stats(): ReadStats {
    const { calls, retries, throttled } = this.client.stats();
    return { calls, retries, throttled };
  }

  async counting<T>(fn: () => Promise<T>): Promise<{ value: T; stats: ReadStats }> {
    const { value, stats: { calls, retries, throttled } } = await this.client.counting(fn);
    return { value, stats: { calls, retries, throttled } };
  }

  /** How listing went since the reader was opened: windows, pages, splits, windows that changed while paged. */
  listing(): ListingStats {
    return { ...this.session.listing };
  }

  async close(): Promise<void> {
    // The API client belongs to the context that made it.
  }
}
