// An in-memory reader and sink (its state in an in-memory SQLite database) for testing the engine's window, resume and commit logic on its own.
import { openDb, type Db } from '../lib/db.js';
import type { RunInfo, Sink, SinkTx, UnitWrite } from '../sinks/sink.js';
import { StateStore } from '../sinks/state/store.js';
import { createTableSql } from '../sql/warehouse/ddl.js';
import { tableNamed, type Table } from '../sql/warehouse/tables.js';
import type { CursorKind, LookupBy, ReadOptions, ReadStats, ReadWindow, SourceReader, SourceUnit } from '../sources/source.js';
import type { SourceRow } from '../transforms/types.js';

export interface MemoryRow { key: string; cursor: string; payload: string }

/** A source of one-row units held in an array, read in (cursor, key) order like the replica's keyset pages. */
export class MemoryReader implements SourceReader {
  readonly kind = 'replica';
  readonly label = 'memory';
  /** Every window asked for, in order. */
  readonly windows: ReadWindow[] = [];
  /** Throw after yielding this many batches (a source failing mid-run), or never. */
  failAfterBatches: number | null = null;
  batchesRead = 0;

  constructor(public rows: MemoryRow[], public clock: Date, private readonly kinds: Record<string, CursorKind>) {}

  now(): Promise<Date> {
    return Promise.resolve(this.clock);
  }

  has(stream: string): boolean {
    return stream in this.kinds;
  }

  cursorKind(stream: string): CursorKind {
    return this.kinds[stream]!;
  }

  stats(): ReadStats {
    return { calls: this.batchesRead, retries: 0, throttled: 0 };
  }

  async close(): Promise<void> {}

  async lookup(_stream: string, _by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    return this.rows.filter((r) => ids.includes(r.key)).map((r) => this.unit(r));
  }

  private unit(r: MemoryRow): SourceUnit {
    return { key: r.key, version: r.cursor, cursor: r.cursor, position: `${r.cursor}|${r.key}`, rows: [{ key: r.key, payload: r.payload } as SourceRow] };
  }

  async *units(stream: string, w: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]> {
    this.windows.push({ ...w });
    const whole = this.kinds[stream] === 'text' || this.kinds[stream] === 'snapshot';
    const inWindow = (r: MemoryRow) =>
      whole || ((w.from === null || r.cursor >= w.from) && (w.to === null || (w.toInclusive ? r.cursor.slice(0, w.to.length) <= w.to : r.cursor < w.to)));
    const sorted = this.rows.filter(inWindow).sort((a, b) => (a.cursor === b.cursor ? (a.key < b.key ? -1 : 1) : a.cursor < b.cursor ? -1 : 1));
    let start = 0;
    if (opts.after) start = sorted.findIndex((r) => `${r.cursor}|${r.key}` === opts.after) + 1;
    for (let i = start; i < sorted.length; i += opts.batchSize) {
      if (this.failAfterBatches !== null && this.batchesRead >= this.failAfterBatches) throw new Error('source failed');
      this.batchesRead++;
      yield sorted.slice(i, i + opts.batchSize).map((r) => this.unit(r));
    }
  }
}

/**
 * A warehouse whose tables are maps of rows by table and unit, with a real state store (an in-memory
 * SQLite database): transactions apply all or nothing.
 */
export class MemorySink implements Sink {
  readonly kind = 'memory';
  readonly label = 'memory';
  tables = new Map<string, Map<string, { rows: unknown[]; runId: string; version: string }>>();
  /** Fail the transaction whose index (0-based, counted over the sink's life) is this, or never. */
  failTransaction: number | null = null;
  private transactions = 0;

  private constructor(private readonly db: Db, readonly state: StateStore) {}

  static async open(): Promise<MemorySink> {
    const db = await openDb({ kind: 'sqlite', file: ':memory:', url: 'sqlite::memory:' }, { create: true });
    for (const name of ['etl_run', 'etl_watermark', 'etl_reject', 'etl_row_state', 'etl_setting']) {
      for (const sql of createTableSql('sqlite', tableNamed(name))) await db.knex.raw(sql);
    }
    return new MemorySink(db, StateStore.of(db));
  }

  async transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T> {
    // Work on a copy of the tables; publish it only when the transaction commits.
    const copy = new Map([...this.tables].map(([k, v]) => [k, new Map(v)]));
    const index = this.transactions++;
    const result = await this.db.knex.transaction(async (trx) => {
      const state = this.state.within(trx);
      const tx: SinkTx = {
        state,
        writeUnits: async (_stream: string, units: UnitWrite[], _targets: Table[], runId: string) => {
          for (const u of units) {
            for (const [t, rows] of u.tables) {
              let m = copy.get(t);
              if (!m) copy.set(t, (m = new Map()));
              const old = m.get(u.key);
              if (old && old.version > u.version) continue;
              m.set(u.key, { rows, runId, version: u.version });
            }
          }
        },
        sweep: async (stream, targets, _unitKeyOf, runId, keepUnits) => {
          const keep = new Set(keepUnits);
          for (const t of targets) {
            const m = copy.get(t.name);
            if (!m) continue;
            for (const [k, v] of m) if (v.runId !== runId && !keep.has(k)) m.delete(k);
          }
          await state.dropRowStatesNotOf(stream, runId, keepUnits);
        },
      };
      const r = await fn(tx);
      if (this.failTransaction === index) throw new Error('warehouse failed to commit');
      return r;
    });
    this.tables = copy;
    return result;
  }

  /** The unit keys loaded into a table. */
  keys(table: string): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])].sort();
  }

  /** Every run of the run log, in id order. */
  async runs(): Promise<Array<RunInfo & { stream: string }>> {
    const out: Array<RunInfo & { stream: string }> = [];
    await this.state.runs.each(0, [], (r) => out.push(r));
    return out;
  }

  /** Every row state as stream/key, sorted. */
  async stateKeys(): Promise<string[]> {
    const rows = (await this.db.knex('etl_row_state').select('stream', 'source_key')) as Array<{ stream: unknown; source_key: unknown }>;
    return rows.map((r) => `${String(r.stream)}/${String(r.source_key)}`).sort();
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
