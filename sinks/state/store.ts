// The warehouse's state, written once over knex and the dialect for every warehouse: watermarks, row
// fingerprints, rejects, the run log (runs.ts), the stream leases (lease.ts) and the installation's
// secrets. A SQL warehouse keeps it beside its data; the CSV sink in a SQLite file beside its files.
// `within(trx)` is the same store inside a transaction: state written there commits with the rows of
// the batch (sinks/sink.ts). Status, verify, the dashboard, /metrics and the lock read state here only.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../lib/db.js';
import { idText } from '../../lib/db.js';
import { utcNow } from '../../lib/clock.js';
import { chunk, exec, marks, type SqlDialect } from '../../lib/dialects/dialect.js';
import { sinkError } from '../../lib/errors.js';
import { tableNamed } from '../../sql/warehouse/tables.js';
import { upsertRows } from '../sql-write.js';
import { LeaseTable } from './lease.js';
import { RunLog } from './runs.js';
import type { RejectRecord, RejectSample, RowState, RowStateWrite, Watermark } from './types.js';

const str = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

export class StateStore {
  readonly runs: RunLog;
  readonly leases: LeaseTable;

  /** `k`: the database, or a transaction on it; `label`: the warehouse as safe to print. */
  constructor(private readonly k: Knex | Knex.Transaction, readonly sql: SqlDialect, readonly label: string) {
    this.runs = new RunLog(k, sql);
    this.leases = new LeaseTable(k, sql);
  }

  static of(db: Db): StateStore {
    return new StateStore(db.knex, db.sql, db.label);
  }

  /** The same store inside `trx`: what it writes commits or rolls back with the transaction. */
  within(trx: Knex.Transaction): StateStore {
    return new StateStore(trx, this.sql, this.label);
  }

  // --- watermarks ---

  async watermark(stream: string): Promise<Watermark | null> {
    const r = (await this.k('etl_watermark').where({ stream }).first()) as Record<string, unknown> | undefined;
    return r ? watermarkOf(r) : null;
  }

  /** Every stream's watermark. */
  async watermarks(): Promise<Map<string, Watermark>> {
    const rows = (await this.k('etl_watermark').select('*')) as Array<Record<string, unknown>>;
    return new Map(rows.map((r) => [String(r.stream), watermarkOf(r)]));
  }

  async setWatermark(w: Omit<Watermark, 'updatedAt'>): Promise<void> {
    const row = { stream: w.stream, cursor_value: w.cursorValue, cursor_at: w.cursorAt, run_id: w.runId, updated_at: utcNow(), stream_version: w.streamVersion, source_clock_at: w.sourceClockAt };
    await upsertRows(this.k, this.sql, tableNamed('etl_watermark'), [row], false);
  }

  // --- row fingerprints, one per unit ---

  async rowStates(stream: string, keys: string[]): Promise<Map<string, RowState>> {
    const out = new Map<string, RowState>();
    for (const part of chunk(keys, 500)) {
      const rows = await this.k('etl_row_state').select('source_key', 'row_hash', 'source_version').where({ stream }).whereIn('source_key', part);
      for (const r of rows) out.set(String(r.source_key), { hash: String(r.row_hash), version: String(r.source_version) });
    }
    return out;
  }

  /** The run that wrote a unit's fingerprint, or null when it has none. */
  async rowStateRun(stream: string, key: string): Promise<string | null> {
    const r = (await this.k('etl_row_state').select('run_id').where({ stream, source_key: key }).first()) as { run_id: unknown } | undefined;
    return r ? idText(r.run_id) : null;
  }

  async putRowStates(stream: string, states: RowStateWrite[], runId: string): Promise<void> {
    const rows = states.map((s) => ({ stream, source_key: s.key, row_hash: s.hash, source_version: s.version, run_id: runId }));
    await upsertRows(this.k, this.sql, tableNamed('etl_row_state'), rows, false);
  }

  /** Keys of the stream's fingerprints that another run than `runId` wrote. */
  async rowKeysNotOf(stream: string, runId: string): Promise<string[]> {
    const rows = await this.k('etl_row_state').select('source_key').where({ stream }).whereNot({ run_id: runId });
    return rows.map((r: { source_key: unknown }) => String(r.source_key));
  }

  /** Drops the stream's fingerprints another run than `runId` wrote, except those of the kept units. */
  async dropRowStatesNotOf(stream: string, runId: string, keepUnits: string[] = []): Promise<void> {
    const q = this.sql.id;
    const keep = keepUnits.length > 0 ? ` and ${q('source_key')} not in (${marks(keepUnits.length)})` : '';
    await exec(this.k, `delete from ${q('etl_row_state')} where ${q('stream')} = ? and ${q('run_id')} <> ?${keep}`, [stream, runId, ...keepUnits]);
  }

  async dropRowStates(stream: string, keys: string[]): Promise<void> {
    for (const part of chunk(keys, 500)) await this.k('etl_row_state').where({ stream }).whereIn('source_key', part).delete();
  }

  /** How many fingerprints the stream has, and their keys one by one (verify compares them with the source). */
  async rowStateCount(stream: string): Promise<number> {
    const r = (await this.k('etl_row_state').where({ stream }).count({ n: '*' }).first()) as { n: unknown } | undefined;
    return Number(r?.n ?? 0);
  }

  async eachRowStateKey(stream: string, fn: (key: unknown) => void): Promise<void> {
    const q = this.sql.id;
    await this.sql.eachRow(this.k as Knex, `select ${q('source_key')} as k from ${q('etl_row_state')} where ${q('stream')} = ?`, [stream], (r) => fn(r.k));
  }

  // --- rejects ---

  async putRejects(stream: string, rejects: RejectRecord[], runId: string): Promise<void> {
    if (rejects.length === 0) return;
    const q = this.sql.id;
    const now = utcNow();
    const cols = ['stream', 'source_key', 'field', 'reason', 'sample', 'first_seen_at', 'last_seen_at', 'times_seen', 'run_id'];
    const update = this.sql.onConflict('etl_reject', ['stream', 'source_key'], {
      ...Object.fromEntries(['field', 'reason', 'sample', 'last_seen_at', 'run_id'].map((c) => [c, (r) => r.incoming(c)] as const)),
      times_seen: (r) => `${r.stored('times_seen')} + 1`,
      resolved_at: () => 'null',
      resolved_run_id: () => 'null',
    });
    for (const r of rejects) {
      const bind = [stream, r.sourceKey, r.field.slice(0, 128), r.reason.slice(0, 1024), r.sample, now, now, 1, runId];
      await exec(this.k, `insert into ${q('etl_reject')} (${cols.map(q).join(', ')}) values (${marks(cols.length)}) ${update}`, bind);
    }
  }

  /** Marks the stream's open rejects of these keys resolved by `runId` (a fixed version loaded). */
  async resolveRejects(stream: string, keys: string[], runId: string): Promise<void> {
    const now = utcNow();
    for (const part of chunk(keys, 500)) {
      await this.k('etl_reject').where({ stream }).whereIn('source_key', part).whereNull('resolved_at').update({ resolved_at: now, resolved_run_id: runId });
    }
  }

  async openRejectKeys(stream: string): Promise<Set<string>> {
    const rows = await this.k('etl_reject').select('source_key').where({ stream }).whereNull('resolved_at');
    return new Set(rows.map((r: { source_key: unknown }) => String(r.source_key)));
  }

  /** Open rejects per stream (streams without any are absent). */
  async openRejectCounts(): Promise<Map<string, number>> {
    const rows = (await this.k('etl_reject').select('stream').count({ n: '*' }).whereNull('resolved_at').groupBy('stream')) as Array<{ stream: unknown; n: unknown }>;
    return new Map(rows.map((r) => [String(r.stream), Number(r.n)]));
  }

  /** The stream's latest `limit` open rejects, latest first. */
  async openRejectSamples(stream: string, limit: number): Promise<RejectSample[]> {
    const rows = (await this.k('etl_reject').select('source_key', 'field', 'reason', 'last_seen_at')
      .where({ stream }).whereNull('resolved_at').orderBy('last_seen_at', 'desc').limit(limit)) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ sourceKey: String(r.source_key), field: String(r.field), reason: String(r.reason), lastSeenAt: str(r.last_seen_at) ?? '' }));
  }

  // --- the installation's secrets ---

  /**
   * A secret of the installation kept with the warehouse's state (etl_setting): read, or generated (32
   * random bytes, hex) and stored on first use, the same for every process and run.
   */
  async installationSecret(name: string): Promise<string> {
    const read = async () => (await this.k('etl_setting').select('value').where({ name }).first()) as { value: unknown } | undefined;
    try {
      const found = await read();
      if (found) return String(found.value);
      // Two processes starting at once both try; the first insert wins and both read it back.
      await this.k('etl_setting').insert({ name, value: crypto.randomBytes(32).toString('hex'), created_at: utcNow() }).onConflict('name').ignore();
      const stored = await read();
      if (!stored) throw new Error(`etl_setting.${name} was not stored`);
      return String(stored.value);
    } catch (err) {
      throw sinkError(`reading the installation's ${name} from ${this.label} (run "hub-etl migrate" if the warehouse predates version 8)`, err);
    }
  }
}

function watermarkOf(r: Record<string, unknown>): Watermark {
  return {
    stream: String(r.stream),
    cursorValue: String(r.cursor_value),
    cursorAt: str(r.cursor_at),
    runId: idText(r.run_id)!,
    updatedAt: String(str(r.updated_at)),
    streamVersion: Number(r.stream_version),
    sourceClockAt: str(r.source_clock_at),
  };
}
