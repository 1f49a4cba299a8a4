// One run per stream at a time, enforced in the warehouse itself: a lease row per stream (etl_lock),
// taken by a conditional update, renewed while the run goes on and released at its end. It holds
// whatever starts the run (cron on two hosts, a worker whose queue lock stalled but that is still
// alive), and the warehouse's own clock decides expiry, so hosts with skewed clocks agree.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Context } from './context.js';
import type { Db } from '../lib/db.js';
import { StateStore } from '../sinks/state/store.js';
import type { LeaseTaker } from '../sinks/state/lease.js';
import type { LeaseHolder } from '../sinks/state/types.js';
import { describe, HubError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { RunSummary } from './engine/engine.js';
import { openRunSession, readableStreams, runStreams, selectStreams, type RunOptions } from './run.js';

export interface LeaseOptions {
  /** How long a lease lasts without renewal, in ms; a holder that dies frees its stream after this. */
  leaseMs?: number;
  /** How long to wait for a stream held by someone else before giving up, in ms. */
  waitMs?: number;
  /** Pause between two attempts while waiting, in ms. */
  pollMs?: number;
  logger?: Logger;
  /** Stops a wait for the lease (SIGINT/SIGTERM of an inline run): the wait ends with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_LEASE_MS = 60_000;

export interface Lease {
  stream: string;
  owner: string;
  /** Aborted when the lease is lost: renewal refused (someone took it over) or impossible until expiry. */
  lost: AbortSignal;
  release(): Promise<void>;
}

/** The stream is being run by someone else; trying again later may succeed. */
export class LeaseBusyError extends HubError {
  readonly holder: string;
  readonly expiresAt: string;
  constructor(stream: string, holder: string, expiresAt: string) {
    super(`stream ${stream} is being run by ${holder || 'another process'} (lease until ${expiresAt} UTC); its run loads the same rows, try again later`, { retriable: true });
    this.holder = holder;
    this.expiresAt = expiresAt;
  }
}

/** The lease ran out under a run (a stalled process, a lost warehouse); the run stopped after a committed batch. */
export class LeaseLostError extends HubError {
  constructor(stream: string, why: string) {
    super(`lost the lease on stream ${stream}: ${why}; the run stopped after its last committed batch`, { retriable: true });
  }
}

function ownerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`.slice(-160);
}

/** This process's host name as etl_lock.holder_host records it. */
const HOST = () => os.hostname().slice(0, 128);

/** False only when no process with this id exists here (ESRCH); one of another user (EPERM) is alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits `ms`, or less when the signal aborts (the caller then sees it aborted). */
const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

export type { LeaseHolder };

/** Who holds a stream's lease and until when (empty owner when it was never taken). */
export async function leaseHolder(db: Db, stream: string): Promise<LeaseHolder | null> {
  return StateStore.of(db).leases.holder(stream);
}

/**
 * Takes over a lease whose holder ran on this host and is gone (SIGKILL, a crash): nobody renews it,
 * and waiting for it to expire only delays the next run. Conditional on the same owner still holding
 * it, so two processes finding the same dead holder cannot both take it.
 */
async function takeOverDead(state: StateStore, stream: string, holder: LeaseHolder, who: LeaseTaker, leaseMs: number): Promise<boolean> {
  if (!holder.held || holder.host !== HOST() || holder.pid === null || holder.pid === process.pid || processAlive(holder.pid)) return false;
  return state.leases.takeOver(stream, holder.owner, who, leaseMs);
}

/**
 * Takes the stream's lease, waiting up to `waitMs` while someone else holds it (LeaseBusyError after).
 * The lease renews itself every third of its length until released.
 */
export async function acquireLease(db: Db, stream: string, opts: LeaseOptions = {}): Promise<Lease> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const waitMs = opts.waitMs ?? 0;
  const pollMs = opts.pollMs ?? 1_000;
  const owner = ownerId();
  const who: LeaseTaker = { owner, host: HOST(), pid: process.pid };
  const state = StateStore.of(db);
  const started = Date.now();
  let told = false;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (await state.leases.take(stream, who, leaseMs)) break;
    const holder = await state.leases.holder(stream);
    if (holder && (await takeOverDead(state, stream, holder, who, leaseMs))) {
      opts.logger?.warn(`took over the lease of ${stream} from pid ${holder.pid} on this host, which is no longer running`, { stream, holder: holder.owner, lease_until: holder.expiresAt });
      break;
    }
    if (Date.now() - started >= waitMs) throw new LeaseBusyError(stream, holder?.owner ?? '', holder?.expiresAt ?? '');
    if (!told) {
      const by = holder?.host ? `${holder.host} pid ${holder.pid ?? '?'}` : holder?.owner || 'another process';
      opts.logger?.info(`waiting for the lease of ${stream} held by ${by} until ${holder?.expiresAt ?? '?'} UTC`, { stream, holder: holder?.owner, lease_until: holder?.expiresAt });
      told = true;
    }
    // Jitter keeps waiters on several hosts from polling in step.
    await sleep(Math.min(pollMs * (0.5 + Math.random()), Math.max(50, waitMs - (Date.now() - started))), opts.signal);
  }

  const lost = new AbortController();
  let lastRenewed = Date.now();
  let released = false;
  const renew = async () => {
    if (released || lost.signal.aborted) return;
    try {
      if (await state.leases.renew(stream, owner, leaseMs)) lastRenewed = Date.now();
      else if (!released) lost.abort(new LeaseLostError(stream, 'another process took it over'));
    } catch (err) {
      opts.logger?.warn('could not renew the stream lease; trying again', { stream, error: describe(err) });
      if (Date.now() - lastRenewed > leaseMs * 0.9 && !released) lost.abort(new LeaseLostError(stream, `renewal failed until expiry (${describe(err)})`));
    }
  };
  const timer = setInterval(() => void renew(), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    stream,
    owner,
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        await state.leases.release(stream, owner);
      } catch (err) {
        // Not fatal: the lease runs out on its own.
        opts.logger?.warn('could not release the stream lease; it expires on its own', { stream, error: describe(err) });
      }
    },
  };
}

/** Runs `fn` holding the stream's lease; throws the LeaseLostError if the lease was lost on the way. */
export async function withStreamLease<T>(db: Db, stream: string, opts: LeaseOptions, fn: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = await acquireLease(db, stream, opts);
  try {
    const result = await fn(lease);
    if (lease.lost.aborted) throw lease.lost.reason;
    return result;
  } finally {
    await lease.release();
  }
}

/**
 * `runStreams` with one lease per stream for incremental and full-refresh runs: a stream is run only
 * by the holder of its lease, one stream after the other. Backfills take no lease: they never move
 * the watermark and the load's newer-version guard keeps them from overwriting newer rows.
 */
export async function runStreamsExclusive(ctx: Context, opts: RunOptions, lease: LeaseOptions = {}): Promise<RunSummary[]> {
  // A CSV folder has no etl_lock: its sink lets one run at a time write the folder (the state file's lock).
  if (opts.mode === 'backfill' || ctx.config.warehouse.kind === 'csv') return runStreams(ctx, opts);
  const selected = selectStreams(opts.streams);
  const wh = await ctx.warehouse();
  // Source inspection and migration once for all streams; then a lease per stream (the clock is read inside it).
  const session = await openRunSession(ctx);
  const results: RunSummary[] = [];
  try {
    // Streams this configuration cannot read (the API's, without an API) take no lease: they are not run.
    for (const def of readableStreams(selected, session.reader, ctx.logger)) {
      const summaries = await withStreamLease(wh, def.name, { logger: ctx.logger, ...lease }, async (l) => {
        // Holding the lease, no other run of this stream is alive: a run still marked running died (SIGKILL, power).
        const abandoned = await StateStore.of(wh).runs.abandonStream(def.name, ['incremental', 'full_refresh'],
          'abandoned: the process running it stopped without finishing (found by the next run)');
        if (abandoned > 0) ctx.logger.warn(`marked ${abandoned} earlier run(s) of ${def.name} as abandoned`, { stream: def.name });
        return runStreams(ctx, { ...opts, streams: [def.name], signal: opts.signal ? AbortSignal.any([opts.signal, l.lost]) : l.lost }, session);
      });
      results.push(...summaries);
      if (opts.signal?.aborted) break;
    }
  } finally {
    await session.release();
  }
  return results;
}
