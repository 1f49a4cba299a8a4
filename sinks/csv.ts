// The CSV warehouse (HUB_WAREHOUSE_URL=csv:./out). A run writes one file per table under a temporary name;
// the files are renamed into place by the same step that commits the run's state (watermark, fingerprints,
// rejects, run record), kept in a SQLite state file beside them (csv-state.ts).
//
// Layout of the folder:
//   <table>.run00000042.csv         rows the run wrote to <table> (a full refresh: <table>.run00000042.full.csv)
//   <table>.run00000042.empty.csv   child tables: parents the run wrote whose set of <table> rows is empty now
//                                   (a consumer replaces the set of each parent named in either file)
//   <table>.run00000042.removed.csv snapshot streams: units the source no longer has, by the table's unit
//                                   column (its key, or the parent key of a child table): delete their rows
//   .hub-etl/state.db               the state: etl_run, etl_watermark, etl_reject, etl_row_state, csv_file
//   .hub-etl/tmp/<file>.tmp         files of the run in progress; never under a final name
//
// Transactions: a run is one SQLite transaction on the state file (begun by beginRun, which also makes it
// the folder's only writer); each engine batch is a savepoint in it, and its rows are appended to the run's
// temporary files. A batch that fails rolls back to its savepoint and truncates the files to where they
// were. endRun (after the run's end is recorded, in the same transaction) fsyncs the files, records them as
// pending in the state and COMMITs: that is the commit point. The renames follow, and are finished by the next run if the process dies in between. A run
// killed before its commit leaves its state unchanged (SQLite rolls it back) and temporary files that the
// next run deletes, then re-reads the same rows because the watermark did not move past them.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { csvText, type CsvColumn } from '../lib/csv.js';
import { HubError, SinkError, sinkError } from '../lib/errors.js';
import { physicalColumns, type Table, type WarehouseRow } from '../sql/warehouse/tables.js';
import { CsvState, STATE_DIR, type PublishedFile } from './csv-state.js';
import type { RunMode, RunOpening, Sink, SinkTx, UnitWrite } from './sink.js';
import type { StateStore } from './state/store.js';
import { utcNow } from '../lib/clock.js';

export { STATE_DIR, STATE_FILE, type PublishedFile } from './csv-state.js';

const BUSY_TIMEOUT_MS = 15_000;

/** A file of the open run: where it is, how far it has been written and how many rows it holds. */
interface OpenFile { key: string; name: string; tmp: string; fh: fsp.FileHandle; size: number; rows: number }

/** The run whose state transaction is open. */
interface Staging { runId: string; mode: RunMode; files: Map<string, OpenFile> }

/** What a file of a run holds: rows, parents whose set is empty now, or units the source no longer has. */
type FileKind = 'rows' | 'empty' | 'removed';

/** `fct_order.run00000042.csv`: sorts in run order, and one run's file for a table has one name. */
export function csvFileName(table: string, runId: string, mode: RunMode | 'empty' | 'removed'): string {
  const suffix = mode === 'full_refresh' ? '.full' : mode === 'empty' ? '.empty' : mode === 'removed' ? '.removed' : '';
  return `${table}.run${runId.padStart(8, '0')}${suffix}.csv`;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class CsvSink implements Sink {
  readonly kind = 'csv' as const;
  readonly label: string;
  readonly dir: string;
  private readonly csv: CsvState;
  private staging: Staging | null = null;
  private inTx = false;

  private constructor(dir: string, label: string, state: CsvState) {
    this.dir = dir;
    this.label = label;
    this.csv = state;
  }

  /**
   * Opens (creating when missing) the folder and its state file. A second run into the same folder waits
   * up to busyTimeoutMs for the first to finish, then fails with a retriable SinkError.
   */
  static async open(dir: string, opts: { label?: string; busyTimeoutMs?: number } = {}): Promise<CsvSink> {
    const label = opts.label ?? `csv:${dir}`;
    try {
      return new CsvSink(dir, label, await CsvState.open(dir, opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS, label));
    } catch (err) {
      throw sinkError(`opening the CSV warehouse ${label}`, err);
    }
  }

  private tmpDir(): string {
    return path.join(this.dir, STATE_DIR, 'tmp');
  }

  /** The folder's state; inside the open run's transaction while a run is open. */
  get state(): StateStore {
    return this.csv.store;
  }

  explain(what: string, err: unknown): HubError {
    if (err instanceof HubError) return err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY') return sinkError(`${what}: another hub-etl run is loading into ${this.label} (one run at a time per folder)`, err);
    return sinkError(`${what} in ${this.label}`, err);
  }

  /** The files committed runs wrote, oldest first. */
  async publishedFiles(): Promise<PublishedFile[]> {
    return this.csv.publishedFiles();
  }

  async beginRun(run: RunOpening): Promise<void> {
    if (this.staging) throw new SinkError(`${this.label}: run #${this.staging.runId} is still open; the CSV sink loads one run at a time`);
    try {
      await this.csv.begin();
    } catch (err) {
      throw this.explain(`starting a ${run.stream} run`, err);
    }
    this.staging = { runId: run.runId, mode: run.mode, files: new Map() };
    try {
      await this.recover();
    } catch (err) {
      await this.abandon();
      throw this.explain('recovering the files of an earlier run', err);
    }
  }

  /**
   * Finishes what earlier processes left: renames the files of committed runs that are still pending, and
   * deletes temporary files of runs that never committed. Runs under the state's write lock, so no other
   * run is writing temporary files meanwhile.
   */
  private async recover(): Promise<void> {
    await this.completeRenames();
    for (const name of await fsp.readdir(this.tmpDir())) {
      await fsp.rm(path.join(this.tmpDir(), name), { force: true });
    }
  }

  private async completeRenames(): Promise<void> {
    const pending = await this.csv.pendingFiles();
    if (pending.length === 0) return;
    for (const name of pending) {
      try {
        await fsp.rename(path.join(this.tmpDir(), `${name}.tmp`), path.join(this.dir, name));
      } catch (err) {
        // Already renamed by the process that committed it (and perhaps already taken away by a reader).
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    fsyncDir(this.dir);
    await this.csv.markPublished();
  }

  async transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T> {
    const s = this.staging;
    if (!s) throw new SinkError(`${this.label}: a CSV sink transaction belongs to a run (beginRun … endRun)`);
    if (this.inTx) throw new SinkError(`${this.label}: a transaction is already open`);
    this.inTx = true;
    const marks = new Map([...s.files].map(([k, f]) => [k, { size: f.size, rows: f.rows }]));
    try {
      try {
        return await this.csv.savepoint((store) => fn(new CsvTx(this, store, s)));
      } catch (err) {
        await this.truncate(s, marks);
        throw err;
      }
    } catch (err) {
      throw this.explain('writing a batch', err);
    } finally {
      this.inTx = false;
    }
  }

  /** Puts the run's files back where they were before a failed batch; files it created go. */
  private async truncate(s: Staging, marks: Map<string, { size: number; rows: number }>): Promise<void> {
    for (const [key, f] of [...s.files]) {
      const m = marks.get(key);
      if (!m) {
        await f.fh.close();
        await fsp.rm(f.tmp, { force: true });
        s.files.delete(key);
      } else if (f.size !== m.size) {
        await f.fh.truncate(m.size);
        f.size = m.size;
        f.rows = m.rows;
      }
    }
  }

  /**
   * The open file of the run for a table (or a table's empty sets, or its removed units keyed by `column`),
   * created with its header line on first use.
   */
  async fileFor(s: Staging, table: Table, kind: FileKind = 'rows', column?: string): Promise<OpenFile> {
    const key = kind === 'rows' ? table.name : `${table.name}.${kind}`;
    let f = s.files.get(key);
    if (f) return f;
    const name = csvFileName(table.name, s.runId, kind === 'rows' ? s.mode : kind);
    const tmp = path.join(this.tmpDir(), `${name}.tmp`);
    const fh = await fsp.open(tmp, 'w');
    f = { key, name, tmp, fh, size: 0, rows: 0 };
    s.files.set(key, f);
    await this.append(f, await csvText(csvColumnsOf(table, kind, column), []), 0);
    return f;
  }

  async append(f: OpenFile, text: string, rows: number): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await f.fh.write(buf, off, buf.length - off, f.size + off);
      off += bytesWritten;
    }
    f.size += buf.length;
    f.rows += rows;
  }

  async endRun(runId: string): Promise<void> {
    const s = this.staging;
    if (!s || s.runId !== runId) return;
    // Batches committed before a failure stay committed, as in a SQL warehouse: the run publishes them.
    try {
      await this.publish(s);
    } catch (err) {
      await this.abandon();
      throw this.explain(`publishing run #${runId}`, err);
    }
  }

  /** Makes the run's files final: fsync, record them, commit the state (the commit point), rename. */
  private async publish(s: Staging): Promise<void> {
    for (const f of s.files.values()) {
      await f.fh.sync();
      await f.fh.close();
      await this.csv.recordFile(s.runId, f.key, f.name, f.rows);
    }
    s.files.clear();
    await this.csv.commit();
    this.staging = null;
    await this.completeRenames();
  }

  /** Drops the open run: its state changes roll back and its temporary files go. */
  private async abandon(): Promise<void> {
    const s = this.staging;
    this.staging = null;
    await this.csv.rollback();
    for (const f of s?.files.values() ?? []) {
      await f.fh.close().catch(() => undefined);
      await fsp.rm(f.tmp, { force: true });
    }
  }

  /** Marks a full refresh's files as snapshots: every target table gets a file, empty ones a header only. */
  async snapshot(s: Staging, targets: Table[]): Promise<void> {
    for (const t of targets) await this.fileFor(s, t);
  }

  async close(): Promise<void> {
    await this.abandon();
    await this.csv.close();
  }
}

/** The columns of a table's file: all of them, the parent key for the file of empty sets, the unit column for removed units. */
function csvColumnsOf(table: Table, kind: FileKind, column?: string): CsvColumn[] {
  const all = physicalColumns(table);
  if (kind === 'empty') return table.parentKey!.map((k) => all.find((c) => c.name === k)!);
  if (kind === 'removed') return [all.find((c) => c.name === (column ?? table.primaryKey[0]))!];
  return all;
}

class CsvTx implements SinkTx {
  constructor(private readonly sink: CsvSink, readonly state: StateStore, private readonly s: Staging) {}

  async writeUnits(_stream: string, units: UnitWrite[], targets: Table[], runId: string): Promise<void> {
    if (runId !== this.s.runId) throw new SinkError(`writeUnits for run #${runId} inside run #${this.s.runId}`);
    const loadedAt = utcNow();
    for (const table of targets) {
      const rows: WarehouseRow[] = [];
      const emptied: WarehouseRow[] = [];
      for (const u of units) {
        const list = u.tables.get(table.name);
        if (!list) continue;
        for (const r of list) rows.push({ ...r, _source_version: u.version, _run_id: runId, _loaded_at: loadedAt });
        // An empty child set names no parent in the table's file: say so in a file of its own, so that a
        // consumer replacing each named parent's set also clears the rows a parent no longer has.
        // (A unit loaded for the first time has no old rows to clear.)
        if (list.length === 0 && table.parentKey && !u.fresh && !u.keepChildKeys?.length && this.s.mode !== 'full_refresh') emptied.push({ [table.parentKey[0]!]: u.key });
      }
      if (rows.length > 0) {
        const f = await this.sink.fileFor(this.s, table);
        await this.sink.append(f, await csvText(physicalColumns(table), rows, { header: false }), rows.length);
      }
      if (emptied.length > 0) {
        const f = await this.sink.fileFor(this.s, table, 'empty');
        await this.sink.append(f, await csvText(csvColumnsOf(table, 'empty'), emptied, { header: false }), emptied.length);
      }
    }
  }

  // A full refresh rewrote every unit, so its files are complete snapshots of the stream's tables; the
  // fingerprints of rows it did not see go, as in a SQL warehouse. A snapshot run (incremental, over a
  // source read whole) wrote only what changed: the units it neither wrote nor saw are gone from the
  // source, and its .removed files name them for the consumer.
  async sweep(stream: string, targets: Table[], unitKeyOf: (t: Table) => string, runId: string, keepUnits: string[]): Promise<void> {
    if (this.s.mode === 'full_refresh') {
      await this.state.dropRowStatesNotOf(stream, runId);
      await this.sink.snapshot(this.s, targets);
      return;
    }
    const keep = new Set(keepUnits);
    const gone = (await this.state.rowKeysNotOf(stream, runId)).filter((k) => !keep.has(k));
    if (gone.length === 0) return;
    for (const table of targets) {
      const column = unitKeyOf(table);
      const f = await this.sink.fileFor(this.s, table, 'removed', column);
      await this.sink.append(f, await csvText(csvColumnsOf(table, 'removed', column), gone.map((k) => ({ [column]: k })), { header: false }), gone.length);
    }
    await this.state.dropRowStates(stream, gone);
  }
}
