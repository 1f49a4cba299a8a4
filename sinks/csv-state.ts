// The state of a CSV warehouse, in a SQLite file beside its CSV files (.hub-etl/state.db): the run log,
// watermarks, row fingerprints, rejects and installation secrets in the warehouse's own etl_* tables, and
// csv_file, the files each committed run published. A run is one transaction on it (begin at its start,
// commit when its files are final, sinks/csv.ts); each engine batch is a savepoint inside.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { addColumnSql, createTableSql } from '../sql/warehouse/ddl.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import type { RejectRecord, RowState, RunRecord, Watermark } from './sink.js';
import { utcNow } from '../lib/clock.js';

export const STATE_DIR = '.hub-etl';
export const STATE_FILE = 'state.db';
const STATE_TABLES = ['etl_run', 'etl_watermark', 'etl_reject', 'etl_row_state'];

const CSV_FILE_DDL = `create table if not exists csv_file (
  run_id integer not null,
  table_name text not null,
  file_name text not null,
  rows integer not null,
  status text not null,
  published_at text,
  primary key (run_id, table_name)
)`;

/** A file a committed run published (or is about to: `pending` until renamed). */
export interface PublishedFile { runId: string; table: string; file: string; rows: number; status: 'pending' | 'published' }

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export class CsvState {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating, or bringing up to date) the state file of the folder `dir`. */
  static open(dir: string, busyTimeoutMs: number): CsvState {
    fs.mkdirSync(path.join(dir, STATE_DIR, 'tmp'), { recursive: true });
    const db = new Database(path.join(dir, STATE_DIR, STATE_FILE));
    db.defaultSafeIntegers(true);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    // The commit is what makes files final: it must be on disk before they are renamed.
    db.pragma('synchronous = FULL');
    // A run is one transaction, so a big run grows the WAL file; give the space back after it.
    db.pragma('journal_size_limit = 67108864');
    const have = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    if (!have.has('csv_file')) {
      db.exec('begin immediate');
      for (const name of STATE_TABLES) for (const sql of createTableSql('sqlite', tableNamed(name))) db.exec(sql);
      db.exec(CSV_FILE_DDL);
      db.exec('commit');
    }
    // Folders written before hub-etl kept installation secrets have no etl_setting yet.
    if (!have.has('etl_setting')) for (const sql of createTableSql('sqlite', tableNamed('etl_setting'))) db.exec(sql);
    // A state file from before warehouse version 6 lacks etl_run's API columns.
    const runColumns = new Set((db.prepare('select name from pragma_table_info(?)').all('etl_run') as Array<{ name: string }>).map((r) => r.name));
    for (const c of tableNamed('etl_run').columns) {
      if (runColumns.has(c.name)) continue;
      try {
        for (const sql of addColumnSql('sqlite', 'etl_run', c)) db.exec(sql);
      } catch (err) {
        // Another run opening the folder at the same moment added it first.
        if (!/duplicate column name/i.test(String((err as Error).message))) throw err;
      }
    }
    return new CsvState(db);
  }

  // --- reads ---

  watermark(stream: string): Watermark | null {
    const r = this.db.prepare('select * from etl_watermark where stream = ?').get(stream) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      stream,
      cursorValue: String(r.cursor_value),
      cursorAt: str(r.cursor_at),
      runId: String(r.run_id),
      updatedAt: String(r.updated_at),
      streamVersion: Number(r.stream_version),
      sourceClockAt: str(r.source_clock_at),
    };
  }

  rowStates(stream: string, keys: string[]): Map<string, RowState> {
    const out = new Map<string, RowState>();
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      const rows = this.db.prepare(`select source_key, row_hash, source_version from etl_row_state where stream = ? and source_key in (${part.map(() => '?').join(', ')})`)
        .all(stream, ...part) as Array<Record<string, unknown>>;
      for (const r of rows) out.set(String(r.source_key), { hash: String(r.row_hash), version: String(r.source_version) });
    }
    return out;
  }

  openRejectKeys(stream: string): Set<string> {
    const rows = this.db.prepare('select source_key from etl_reject where stream = ? and resolved_at is null').all(stream) as Array<{ source_key: unknown }>;
    return new Set(rows.map((r) => String(r.source_key)));
  }

  /** The files committed runs wrote, oldest first. */
  publishedFiles(): PublishedFile[] {
    const rows = this.db.prepare('select run_id, table_name, file_name, rows, status from csv_file order by run_id, table_name').all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({ runId: String(r.run_id), table: String(r.table_name), file: String(r.file_name), rows: Number(r.rows), status: r.status === 'published' ? 'published' : 'pending' }));
  }

  /** Names of the files committed runs recorded and not yet marked renamed. */
  pendingFiles(): string[] {
    return (this.db.prepare("select file_name from csv_file where status = 'pending'").all() as Array<{ file_name: unknown }>).map((r) => String(r.file_name));
  }

  // --- the run log ---

  /** Records a run as running, committed on its own (a run that dies still shows in etl_run); returns its id. */
  insertRun(run: Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>): string {
    const r = this.db.prepare(`insert into etl_run (stream, mode, status, started_at, window_start, window_end, rows_read, rows_upserted, rows_unchanged, rows_rejected, host)
      values (?, ?, 'running', ?, ?, ?, 0, 0, 0, 0, ?)`).run(run.stream, run.mode, utcNow(), run.windowStart, run.windowEnd, `${os.hostname()}:${process.pid}`.slice(0, 128));
    return String(r.lastInsertRowid);
  }

  updateRun(run: RunRecord): void {
    this.db.prepare(`update etl_run set status = ?, finished_at = ?, window_start = ?, window_end = ?, rows_read = ?, rows_upserted = ?, rows_unchanged = ?, rows_rejected = ?, error = ?,
        api_calls = ?, api_retries = ?, api_throttled = ? where run_id = ?`)
      .run(run.status, run.finishedAt ?? utcNow(), run.windowStart, run.windowEnd, run.rowsRead, run.rowsUpserted, run.rowsUnchanged, run.rowsRejected, run.error,
        run.api?.calls ?? null, run.api?.retries ?? null, run.api?.throttled ?? null, run.runId);
  }

  // --- transactions: the run's, and a savepoint per batch ---

  /** Opens the run's transaction, which also makes this process the folder's only writer. */
  begin(): void {
    this.db.exec('begin immediate');
  }

  commit(): void {
    this.db.exec('commit');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('rollback');
  }

  /** Runs `fn` in a savepoint, undone when it throws. */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec('savepoint batch');
    try {
      const result = await fn();
      this.db.exec('release batch');
      return result;
    } catch (err) {
      this.db.exec('rollback to batch');
      this.db.exec('release batch');
      throw err;
    }
  }

  // --- writes, inside the run's transaction ---

  putRowStates(stream: string, states: Array<{ key: string; hash: string; version: string; parentKey?: string | null }>, runId: string): void {
    const st = this.db.prepare(`insert into etl_row_state (stream, source_key, parent_key, row_hash, source_version, run_id) values (?, ?, ?, ?, ?, ?)
      on conflict (stream, source_key) do update set parent_key = excluded.parent_key, row_hash = excluded.row_hash, source_version = excluded.source_version, run_id = excluded.run_id`);
    for (const s of states) st.run(stream, s.key, s.parentKey ?? null, s.hash, s.version, runId);
  }

  putRejects(stream: string, rejects: RejectRecord[], runId: string): void {
    if (rejects.length === 0) return;
    const now = utcNow();
    const st = this.db.prepare(`insert into etl_reject (stream, source_key, field, reason, sample, first_seen_at, last_seen_at, times_seen, run_id) values (?, ?, ?, ?, ?, ?, ?, 1, ?)
      on conflict (stream, source_key) do update set field = excluded.field, reason = excluded.reason, sample = excluded.sample, last_seen_at = excluded.last_seen_at,
      times_seen = etl_reject.times_seen + 1, run_id = excluded.run_id, resolved_at = null, resolved_run_id = null`);
    for (const r of rejects) st.run(stream, r.sourceKey, r.field.slice(0, 128), r.reason.slice(0, 1024), r.sample, now, now, runId);
  }

  resolveRejects(stream: string, keys: string[], runId: string): void {
    const st = this.db.prepare('update etl_reject set resolved_at = ?, resolved_run_id = ? where stream = ? and source_key = ? and resolved_at is null');
    const now = utcNow();
    for (const k of keys) st.run(now, runId, stream, k);
  }

  setWatermark(w: Omit<Watermark, 'updatedAt'>): void {
    this.db.prepare(`insert into etl_watermark (stream, cursor_value, cursor_at, run_id, updated_at, stream_version, source_clock_at) values (?, ?, ?, ?, ?, ?, ?)
      on conflict (stream) do update set cursor_value = excluded.cursor_value, cursor_at = excluded.cursor_at, run_id = excluded.run_id,
      updated_at = excluded.updated_at, stream_version = excluded.stream_version, source_clock_at = excluded.source_clock_at`)
      .run(w.stream, w.cursorValue, w.cursorAt, w.runId, utcNow(), w.streamVersion, w.sourceClockAt);
  }

  /** Keys of the stream's fingerprints that another run than `runId` wrote. */
  keysNotOf(stream: string, runId: string): string[] {
    return (this.db.prepare('select source_key from etl_row_state where stream = ? and run_id <> ?').all(stream, runId) as Array<{ source_key: unknown }>).map((r) => String(r.source_key));
  }

  /** Drops the stream's fingerprints that another run than `runId` wrote. */
  dropStatesNotOf(stream: string, runId: string): void {
    this.db.prepare('delete from etl_row_state where stream = ? and run_id <> ?').run(stream, runId);
  }

  dropStates(stream: string, keys: string[]): void {
    const del = this.db.prepare('delete from etl_row_state where stream = ? and source_key = ?');
    for (const k of keys) del.run(stream, k);
  }

  /** Records a file of the run as pending: final once the run's transaction commits, renamed after. */
  recordFile(runId: string, table: string, file: string, rows: number): void {
    this.db.prepare("insert or replace into csv_file (run_id, table_name, file_name, rows, status) values (?, ?, ?, ?, 'pending')").run(runId, table, file, rows);
  }

  /**
   * Marks the pending files renamed. Bookkeeping only: when another run holds the state, the files stay
   * marked pending and that run (or the next) marks them; renaming them again is harmless. So it does not
   * wait long for the lock.
   */
  markPublished(): void {
    const wait = this.db.pragma('busy_timeout', { simple: true });
    this.db.pragma('busy_timeout = 100');
    try {
      this.db.prepare("update csv_file set status = 'published', published_at = ? where status = 'pending'").run(utcNow());
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    } finally {
      this.db.pragma(`busy_timeout = ${String(wait)}`);
    }
  }

  /** The installation's secret `name`, created on first use. */
  installationSecret(name: string): string {
    this.db.prepare('insert or ignore into etl_setting (name, value, created_at) values (?, ?, ?)').run(name, crypto.randomBytes(32).toString('hex'), utcNow());
    const r = this.db.prepare('select value from etl_setting where name = ?').get(name) as { value: unknown } | undefined;
    if (!r) throw new Error(`etl_setting.${name} was not stored`);
    return String(r.value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
