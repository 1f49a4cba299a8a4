// The state of a CSV warehouse, in a SQLite file beside its CSV files (.hub-etl/state.db): the warehouse's
// own etl_* tables, read and written by the same state store as a SQL warehouse (state/store.ts), and
// csv_file, the files each committed run published. A run is one transaction on it (begun at its start,
// committed when its files are final, sinks/csv.ts); each engine batch is a savepoint inside.
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDb, listColumns, listTables, type Db } from '../lib/db.js';
import { utcNow } from '../lib/clock.js';
import { addColumnSql, createTableSql } from '../sql/warehouse/ddl.js';
import { tableNamed } from '../sql/warehouse/tables.js';
import { StateStore } from './state/store.js';

export const STATE_DIR = '.hub-etl';
export const STATE_FILE = 'state.db';
const STATE_TABLES = ['etl_run', 'etl_watermark', 'etl_reject', 'etl_row_state', 'etl_setting'];

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

export class CsvState {
  /** The run's transaction while a run is open. */
  private run: Knex.Transaction | null = null;
  private readonly base: StateStore;

  private constructor(private readonly db: Db, private readonly busyTimeoutMs: number) {
    this.base = StateStore.of(db);
  }

  /** Opens (creating, or bringing up to date) the state file of the folder `dir`. */
  static async open(dir: string, busyTimeoutMs: number, label: string): Promise<CsvState> {
    fs.mkdirSync(path.join(dir, STATE_DIR, 'tmp'), { recursive: true });
    const file = path.join(dir, STATE_DIR, STATE_FILE);
    const db = await openDb({ kind: 'sqlite', file, url: `sqlite:${file}` }, { create: true });
    const state = new CsvState({ ...db, label }, busyTimeoutMs);
    try {
      await db.knex.raw(`pragma busy_timeout = ${busyTimeoutMs}`);
      // The commit is what makes files final: it must be on disk before they are renamed.
      await db.knex.raw('pragma synchronous = FULL');
      // A run is one transaction, so a big run grows the WAL file; give the space back after it.
      await db.knex.raw('pragma journal_size_limit = 67108864');
      // Every statement is "if not exists": two runs opening a new folder at once both succeed.
      for (const name of STATE_TABLES) for (const sql of createTableSql('sqlite', tableNamed(name))) await db.knex.raw(sql);
      await db.knex.raw(CSV_FILE_DDL);
      await state.upgrade();
    } catch (err) {
      await db.close();
      throw err;
    }
    return state;
  }

  /** Brings a state file written by an older hub-etl up to the tables' current columns. */
  private async upgrade(): Promise<void> {
    // A state file from before warehouse version 6 lacks etl_run's API columns.
    const runColumns = new Set(await listColumns(this.db, 'etl_run'));
    for (const c of tableNamed('etl_run').columns) {
      if (runColumns.has(c.name)) continue;
      try {
        for (const sql of addColumnSql('sqlite', 'etl_run', c)) await this.db.knex.raw(sql);
      } catch (err) {
        // Another run opening the folder at the same moment added it first.
        if (!/duplicate column name/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  /** The state store: inside the run's transaction while a run is open (the file has one connection). */
  get store(): StateStore {
    return this.run ? this.base.within(this.run) : this.base;
  }

  private get k(): Knex | Knex.Transaction {
    return this.run ?? this.db.knex;
  }

  // --- the files of committed runs ---

  /** The files committed runs wrote, oldest first. */
  async publishedFiles(): Promise<PublishedFile[]> {
    const rows = (await this.k('csv_file').select('run_id', 'table_name', 'file_name', 'rows', 'status').orderBy(['run_id', 'table_name'])) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ runId: String(r.run_id), table: String(r.table_name), file: String(r.file_name), rows: Number(r.rows), status: r.status === 'published' ? 'published' : 'pending' }));
  }

  /** Names of the files committed runs recorded and not yet marked renamed. */
  async pendingFiles(): Promise<string[]> {
    return ((await this.k('csv_file').select('file_name').where({ status: 'pending' })) as Array<{ file_name: unknown }>).map((r) => String(r.file_name));
  }

  /** Records a file of the run as pending: final once the run's transaction commits, renamed after. */
  async recordFile(runId: string, table: string, file: string, rows: number): Promise<void> {
    await this.k.raw("insert or replace into csv_file (run_id, table_name, file_name, rows, status) values (?, ?, ?, ?, 'pending')", [runId, table, file, rows]);
  }

  /**
   * Marks the pending files renamed. Bookkeeping only: when another run holds the state, the files stay
   * marked pending and that run (or the next) marks them; renaming them again is harmless. So it does not
   * wait long for the lock.
   */
  async markPublished(): Promise<void> {
    const inRun = this.run !== null;
    if (!inRun) await this.db.knex.raw('pragma busy_timeout = 100');
    try {
      await this.k('csv_file').where({ status: 'pending' }).update({ status: 'published', published_at: utcNow() });
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    } finally {
      if (!inRun) await this.db.knex.raw(`pragma busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  // --- transactions: the run's, and a savepoint per batch ---

  /** Opens the run's transaction, which also makes this process the folder's only writer. */
  async begin(): Promise<void> {
    const trx = await this.db.knex.transaction();
    try {
      // A write first (it changes nothing) takes the file's write lock now, as BEGIN IMMEDIATE would:
      // a second run waits here, not at its first batch.
      await trx.raw("update csv_file set status = status where 0");
    } catch (err) {
      await trx.rollback().catch(() => undefined);
      throw err;
    }
    this.run = trx;
  }

  async commit(): Promise<void> {
    const trx = this.run;
    if (!trx) return;
    await trx.commit();
    this.run = null;
  }

  async rollback(): Promise<void> {
    const trx = this.run;
    this.run = null;
    if (trx && !trx.isCompleted()) await trx.rollback().catch(() => undefined);
  }

  /** Runs `fn` in a savepoint of the run's transaction, undone when it throws. */
  async savepoint<T>(fn: (store: StateStore) => Promise<T>): Promise<T> {
    const trx = this.run;
    if (!trx) throw new Error('no run transaction is open');
    return trx.transaction((sp) => fn(this.base.within(sp)));
  }

  async close(): Promise<void> {
    await this.rollback();
    await this.db.close();
  }
}
