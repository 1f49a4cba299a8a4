// What a worker keeps for message refreshes from one job to the next: the warehouse sink, opened once (the
// worker checked or migrated the schema at start, so no refresh queries the catalog), the source reader
// (opened on first use and again after a failure), and the rolling refresh runs the refreshes are
// accounted in (jobs/rolling-runs.ts), finished when the worker stops.
import os from 'node:os';
import type { Context } from '../context.js';
import type { Db } from '../../lib/db.js';
import { describe } from '../../lib/errors.js';
import type { Sink } from '../../sinks/sink.js';
import { SqlSink } from '../../sinks/sql.js';
import { StateStore } from '../../sinks/state/store.js';
import type { SourceReader } from '../../sources/source.js';
import { processAlive } from '../lock.js';
import type { RunAccount } from '../refresh.js';
import { DEFAULT_ROLL_MS, RollingRuns } from '../rolling-runs.js';
import { openSink } from '../engine/sink.js';
import { transformSettings, type TransformSettings } from '../engine/transform-settings.js';
import { openFetchReader } from '../engine/source.js';

export interface RefreshSink {
  sink: Sink;
  /** The rolling runs to write under; null: each stream of each refresh is a run of its own (a CSV folder, one run at a time). */
  runs: RunAccount | null;
  /** What the transforms need besides the source zone: the same for every refresh of the worker. */
  transform: TransformSettings;
  /** Only a per-refresh CSV sink has something to release. */
  release(): Promise<void>;
}

export interface RefreshSession {
  open(): Promise<RefreshSink>;
  reader(): Promise<SourceReader>;
  /** After a failure: the next refresh opens the reader again. */
  resetReader(): void;
  /** Finishes the rolling runs; call it once no refresh is running any more. */
  close(): Promise<void>;
}

/**
 * Marks as abandoned the rolling refresh runs still "running" whose worker is gone: those of this host
 * whose process is dead, and any older than a run can live (a live worker rolls its runs every period).
 */
async function abandonDeadRuns(db: Db, rollMs: number, logger: Context['logger']): Promise<void> {
  const host = os.hostname().slice(0, 120);
  const runs = StateStore.of(db).runs;
  const oldest = Date.now() - Math.max(3 * rollMs, 3_600_000);
  const dead = (await runs.running('refresh')).filter((r) => {
    const [h, pid] = r.host.split(':');
    if (h === host && Number(pid) !== process.pid && pid && !processAlive(Number(pid))) return true;
    return Date.parse(`${r.startedAt.replace(' ', 'T')}Z`) < oldest;
  }).map((r) => r.runId);
  if (dead.length === 0) return;
  await runs.abandon(dead, 'abandoned: the worker keeping this refresh run stopped without finishing it (its counts are lost; its rows are loaded)');
  logger.warn(`marked ${dead.length} refresh run(s) of stopped workers as abandoned`);
}

export function createRefreshSession(ctx: Context, opts: { rollMs?: number } = {}): RefreshSession {
  const rollMs = opts.rollMs ?? DEFAULT_ROLL_MS;
  let shared: Promise<{ sink: Sink; runs: RollingRuns; transform: TransformSettings }> | null = null;
  let reader: Promise<SourceReader> | null = null;
  return {
    async open() {
      // A CSV folder takes one run at a time under its state file's lock: a sink and a run per refresh.
      if (ctx.config.warehouse.kind === 'csv') {
        const { sink, release } = await openSink(ctx);
        try {
          return { sink, runs: null, transform: await transformSettings(ctx.config, sink), release };
        } catch (err) {
          await release();
          throw err;
        }
      }
      shared ??= (async () => {
        const db = await ctx.warehouse();
        await abandonDeadRuns(db, rollMs, ctx.logger).catch((err: unknown) => ctx.logger.warn('could not look for abandoned refresh runs', { error: describe(err) }));
        const sink = new SqlSink(db);
        return { sink, runs: new RollingRuns(sink, ctx.logger, rollMs), transform: await transformSettings(ctx.config, sink) };
      })();
      shared.catch(() => (shared = null));
      const s = await shared;
      return { sink: s.sink, runs: s.runs, transform: s.transform, release: async () => undefined };
    },
    reader() {
      reader ??= openFetchReader(ctx);
      reader.catch(() => (reader = null));
      return reader;
    },
    resetReader() {
      const r = reader;
      reader = null;
      void r?.then((x) => x.close()).catch(() => undefined);
    },
    async close() {
      const s = await shared?.catch(() => null);
      await s?.runs.close();
      await (await reader?.catch(() => null))?.close();
    },
  };
}
