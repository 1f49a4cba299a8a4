// Rolling refresh runs: a worker accounts its message refreshes in one etl_run row per stream for a few
// minutes (mode refresh) instead of one row per stream per message, which at 50 messages a second would be
// hundreds of rows a second and a /metrics scrape summing millions a day. Each row is started when the
// first refresh of its stream needs it, collects the counts of every refresh written under it, and is
// finished (succeeded, with the counts) when it is older than the roll period and no refresh is still
// writing under it, or when the worker stops.
import type { Logger } from '../lib/logger.js';
import { describe } from '../lib/errors.js';
import { finishRun, startRun, type RunCounts, type Sink } from '../sinks/sink.js';
import { utcNow } from '../lib/clock.js';
import type { RunSummary } from './engine/engine.js';
import type { RunAccount, RunTicket } from './refresh.js';

/** How long one rolling run collects refreshes. */
export const DEFAULT_ROLL_MS = 5 * 60_000;

interface OpenRun {
  runId: string;
  stream: string;
  startedAt: string;
  opened: number;
  counts: RunCounts;
  /** The API calls of its refreshes (a source that makes none leaves it null, and etl_run's columns NULL). */
  api: { calls: number; retries: number; throttled: number } | null;
  refreshes: number;
  failures: number;
  lastError: string | null;
  /** Refreshes writing under it now: it is finished only once none is. */
  inFlight: number;
  retired: boolean;
  /** Its finish is being written now. */
  finishing: boolean;
}

export class RollingRuns implements RunAccount {
  /** The run each stream's refreshes write under now, while it is being started and once it is. */
  private readonly current = new Map<string, Promise<OpenRun>>();
  private readonly started = new Map<string, OpenRun>();
  /** Retired runs whose finish failed: tried again at the next tick. */
  private readonly unfinished = new Set<OpenRun>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly sink: Sink, private readonly logger: Logger, private readonly rollMs = DEFAULT_ROLL_MS) {
    // Runs roll over on time even when no refresh comes, so that an idle worker's counts show.
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.min(rollMs / 2, 30_000)));
    this.timer.unref();
  }

  async begin(stream: string): Promise<RunTicket> {
    if (this.closed) throw new Error('rolling runs: closed');
    for (;;) {
      const p = this.current.get(stream) ?? this.start(stream);
      const run = await p;
      if (this.current.get(stream) !== p) continue; // rolled over meanwhile: take the new one
      if (Date.now() - run.opened >= this.rollMs) {
        this.retire(run);
        continue;
      }
      run.inFlight++;
      let ended = false;
      return {
        runId: run.runId,
        end: (result) => {
          if (ended) return;
          ended = true;
          this.end(run, result);
        },
      };
    }
  }

  /** Finishes every open run; the worker calls it once its jobs in hand are done. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.current.values()]);
    for (const run of [...this.started.values()]) this.retire(run);
    await this.settle();
    // A finish that failed gets one more try; after that the row stays "running" and is marked abandoned later.
    for (const run of [...this.unfinished]) this.track(this.finish(run));
    await this.settle();
  }

  private start(stream: string): Promise<OpenRun> {
    const p = (async () => {
      const runId = await startRun(this.sink, { stream, mode: 'refresh', windowStart: null, windowEnd: null });
      const run: OpenRun = {
        runId, stream, startedAt: utcNow(), opened: Date.now(), counts: { rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0 }, api: null,
        refreshes: 0, failures: 0, lastError: null, inFlight: 0, retired: false, finishing: false,
      };
      this.started.set(stream, run);
      return run;
    })();
    this.current.set(stream, p);
    // A run that could not be started is forgotten: the next refresh tries again.
    p.catch(() => {
      if (this.current.get(stream) === p) this.current.delete(stream);
    });
    return p;
  }

  private end(run: OpenRun, result: RunSummary | Error): void {
    run.refreshes++;
    if (result instanceof Error) {
      run.failures++;
      run.lastError = describe(result).slice(0, 500);
    } else {
      run.counts.rowsRead += result.rowsRead;
      run.counts.rowsUpserted += result.rowsUpserted;
      run.counts.rowsUnchanged += result.rowsUnchanged;
      run.counts.rowsRejected += result.rowsRejected;
      if (result.api) {
        run.api ??= { calls: 0, retries: 0, throttled: 0 };
        run.api.calls += result.api.calls;
        run.api.retries += result.api.retries;
        run.api.throttled += result.api.throttled;
      }
    }
    run.inFlight--;
    if (run.retired && run.inFlight === 0) this.track(this.finish(run));
  }

  /** No new refresh joins the run; it is finished once the last one in it ends. */
  private retire(run: OpenRun): void {
    if (run.retired) return;
    run.retired = true;
    if (this.started.get(run.stream) === run) {
      this.started.delete(run.stream);
      this.current.delete(run.stream);
    }
    if (run.inFlight === 0) this.track(this.finish(run));
  }

  private tick(): void {
    for (const run of [...this.started.values()]) if (Date.now() - run.opened >= this.rollMs) this.retire(run);
    for (const run of [...this.unfinished]) this.track(this.finish(run));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async finish(run: OpenRun): Promise<void> {
    if (run.finishing) return;
    run.finishing = true;
    // Refreshes that failed are retried by their jobs; the run fails only when none of its refreshes succeeded.
    const failed = run.failures > 0 && run.failures === run.refreshes;
    const error = run.failures > 0 ? `${run.failures} of ${run.refreshes} refreshes failed (their jobs retry them); the last: ${run.lastError}` : null;
    try {
      await finishRun(this.sink, {
        runId: run.runId, stream: run.stream, mode: 'refresh', status: failed ? 'failed' : 'succeeded', startedAt: run.startedAt, finishedAt: utcNow(),
        windowStart: null, windowEnd: null, ...run.counts, error, ...(run.api ? { api: { ...run.api } } : {}),
      });
      this.unfinished.delete(run);
      this.logger.debug('refresh run finished', { stream: run.stream, run: run.runId, refreshes: run.refreshes, failures: run.failures, ...run.counts });
    } catch (err) {
      this.unfinished.add(run);
      this.logger.warn('could not finish a refresh run; trying again', { stream: run.stream, run: run.runId, error: describe(err) });
    } finally {
      run.finishing = false;
    }
  }
}
