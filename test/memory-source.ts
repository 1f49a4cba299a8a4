// An in-memory reader and sink for testing the engine's window, resume and commit logic on its own.
import type { RejectRecord, RowState, RunRecord, Sink, SinkTx, UnitWrite, Watermark } from '../sinks/sink.js';
import type { Table } from '../sql/warehouse/tables.js';
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

/** A warehouse in maps: rows by table and unit, row states, rejects, watermarks and runs; transactions apply all or nothing. */
export class MemorySink implements Sink {
  readonly kind = 'memory';
  readonly label = 'memory';
  tables = new Map<string, Map<string, { rows: unknown[]; runId: string; version: string }>>();
  states = new Map<string, RowState & { runId: string }>();
  rejects = new Map<string, RejectRecord & { resolved: boolean }>();
  watermarks = new Map<string, Watermark>();
  runs: RunRecord[] = [];
  /** Fail the transaction whose index (0-based, counted over the sink's life) is this, or never. */
  failTransaction: number | null = null;
  private transactions = 0;

  async transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T> {
    // Work on copies; publish them only when the transaction succeeds.
    const copy = {
      tables: new Map([...this.tables].map(([k, v]) => [k, new Map(v)])),
      states: new Map(this.states),
      rejects: new Map(this.rejects),
      watermarks: new Map(this.watermarks),
    };
    const index = this.transactions++;
    const tx: SinkTx = {
      writeUnits: async (_stream: string, units: UnitWrite[], _targets: Table[], runId: string) => {
        for (const u of units) {
          for (const [t, rows] of u.tables) {
            let m = copy.tables.get(t);
            if (!m) copy.tables.set(t, (m = new Map()));
            const old = m.get(u.key);
            if (old && old.version > u.version) continue;
            m.set(u.key, { rows, runId, version: u.version });
          }
        }
      },
      putRowStates: async (stream, states, runId) => {
        for (const s of states) copy.states.set(`${stream}/${s.key}`, { hash: s.hash, version: s.version, runId });
      },
      putRejects: async (stream, rejects) => {
        for (const r of rejects) copy.rejects.set(`${stream}/${r.sourceKey}`, { ...r, resolved: false });
      },
      resolveRejects: async (stream, keys) => {
        for (const k of keys) {
          const r = copy.rejects.get(`${stream}/${k}`);
          if (r) r.resolved = true;
        }
      },
      setWatermark: async (w) => {
        copy.watermarks.set(w.stream, { ...w, updatedAt: new Date().toISOString() });
      },
      sweep: async (stream, targets, _unitKeyOf, runId, keepUnits) => {
        const keep = new Set(keepUnits);
        for (const t of targets) {
          const m = copy.tables.get(t.name);
          if (!m) continue;
          for (const [k, v] of m) if (v.runId !== runId && !keep.has(k)) m.delete(k);
        }
        for (const [k, v] of copy.states) {
          const [s, key] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
          if (s === stream && v.runId !== runId && !keep.has(key)) copy.states.delete(k);
        }
      },
    };
    const result = await fn(tx);
    if (this.failTransaction === index) throw new Error('warehouse failed to commit');
    this.tables = copy.tables;
    this.states = copy.states;
    this.rejects = copy.rejects;
    this.watermarks = copy.watermarks;
    return result;
  }

  async getWatermark(stream: string): Promise<Watermark | null> {
    return this.watermarks.get(stream) ?? null;
  }

  async getRowStates(stream: string, keys: string[]): Promise<Map<string, RowState>> {
    const out = new Map<string, RowState>();
    for (const k of keys) {
      const s = this.states.get(`${stream}/${k}`);
      if (s) out.set(k, { hash: s.hash, version: s.version });
    }
    return out;
  }

  async openRejectKeys(stream: string): Promise<Set<string>> {
    return new Set([...this.rejects.entries()].filter(([k, r]) => k.startsWith(`${stream}/`) && !r.resolved).map(([, r]) => r.sourceKey));
  }

  async startRun(run: Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>): Promise<string> {
    const runId = String(this.runs.length + 1);
    this.runs.push({ ...run, runId, status: 'running', startedAt: '', finishedAt: null, error: null, rowsRead: 0, rowsUpserted: 0, rowsUnchanged: 0, rowsRejected: 0 });
    return runId;
  }

  async finishRun(run: RunRecord): Promise<void> {
    const i = this.runs.findIndex((r) => r.runId === run.runId);
    this.runs[i] = { ...run };
  }

  /** The unit keys loaded into a table. */
  keys(table: string): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])].sort();
  }

  async close(): Promise<void> {}
}
