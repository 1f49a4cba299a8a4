// One reader over several: each stream is read by the first reader that has it, the main source first.
// This is how the streams only the 1688 API has are read through the API whatever the main source is:
// beside a replica (HUB_API_URL), or beside the API reader of the replica streams when the API is the source.
import { UsageError } from '../lib/errors.js';
import type { ApiClient } from './api/client.js';
import { ApiSnapshotReader } from './api/snapshots.js';
import type { Logger } from '../lib/logger.js';
import type { CursorKind, LookupBy, ReadOptions, ReadStats, ReadWindow, SourceReader, SourceUnit } from './source.js';

export class RoutingReader implements SourceReader {
  readonly kind: SourceReader['kind'];
  readonly label: string;
  private readonly all: SourceReader[];

  constructor(readonly main: SourceReader, extra: SourceReader[]) {
    this.kind = main.kind;
    this.label = main.label;
    this.all = [main, ...extra];
  }

  /** The source's clock is the main source's: windows and watermarks of every stream are measured by it. */
  now(): Promise<Date> {
    return this.main.now();
  }

  has(stream: string): boolean {
    return this.all.some((r) => r.has(stream));
  }

  /** The reader of a stream. */
  route(stream: string): SourceReader {
    const r = this.all.find((x) => x.has(stream));
    if (!r) throw new UsageError(`no reader of this configuration has the stream "${stream}" (source ${this.main.label})`);
    return r;
  }

  cursorKind(stream: string): CursorKind {
    return this.route(stream).cursorKind(stream);
  }

  units(stream: string, window: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]> {
    return this.route(stream).units(stream, window, opts);
  }

  lookup(stream: string, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    return this.route(stream).lookup(stream, by, ids);
  }

  stats(): ReadStats {
    const out = { calls: 0, retries: 0, throttled: 0 };
    for (const r of this.all) {
      const s = r.stats();
      out.calls += s.calls;
      out.retries += s.retries;
      out.throttled += s.throttled;
    }
    return out;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.all.map((r) => r.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * The reader a stream's run should use: the routed one, so that the run's kind and counters (API calls)
 * are those of the reader that really reads it; any other reader as it is.
 */
export function readerFor(reader: SourceReader, stream: string): SourceReader {
  return reader instanceof RoutingReader ? reader.route(stream) : reader;
}

/** The 1688 API as a run sees it: its client, made on first use, and how it is shown. */
export interface ApiAccess {
  client: () => Promise<ApiClient>;
  label: string;
}

/**
 * The main reader, with the API snapshot streams (freight templates, ship-from addresses, store categories,
 * category attributes) routed to the API when one is configured; without an API the main reader alone,
 * which does not have them (a run then skips them).
 */
export function withApiSnapshots(main: SourceReader, api: ApiAccess | null, logger?: Logger): SourceReader {
  if (!api) return main;
  return new RoutingReader(main, [new ApiSnapshotReader(api.client, api.label, logger)]);
}
