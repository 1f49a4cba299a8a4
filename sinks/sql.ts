// The warehouse sink for SQL databases (MySQL/MariaDB and SQLite): idempotent, version-guarded writes,
// with the stream's state (watermark, row fingerprints, rejects, runs) in the same database and transaction.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import type { Db, Dialect } from '../lib/db.js';
import { idText, mysqlLiteral } from '../lib/db.js';
import { sinkError } from '../lib/errors.js';
import { physicalColumns, tableNamed, type Table, type WarehouseRow } from '../sql/warehouse/tables.js';
import type { RejectRecord, RowState, RunRecord, Sink, SinkTx, UnitWrite, Watermark } from './sink.js';

/** UTC now as the warehouse stores timestamps: 'YYYY-MM-DD HH:MM:SS.SSS'. */
export function utcNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

const VERSION = '_source_version';
// Bound parameters per statement: SQLite allows 32,766; MySQL packets stay well under max_allowed_packet.
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

function quoter(d: Dialect) {
  return d === 'mysql' ? (n: string) => `\`${n}\`` : (n: string) => `"${n}"`;
}

/**
 * Multi-row upsert that never replaces a row with an older `_source_version`. `values` is the VALUES
 * list: `rowCount` tuples of ? placeholders by default, or literal tuples already written.
 */
export function upsertSql(d: Dialect, table: Table, columns: string[], rowCount: number, guard: boolean, values?: string): string {
  const q = quoter(d);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const list = values ?? Array.from({ length: rowCount }, () => tuple).join(', ');
  const head = `insert into ${q(table.name)} (${columns.map(q).join(', ')}) values ${list}`;
  const updatable = columns.filter((c) => !table.primaryKey.includes(c));
  if (d === 'mysql') {
    if (updatable.length === 0) return `${head} on duplicate key update ${q(columns[0]!)} = ${q(columns[0]!)}`;
    // Assignments run left to right, so the version column is compared first and assigned last.
    const ordered = [...updatable.filter((c) => c !== VERSION), ...updatable.filter((c) => c === VERSION)];
    const set = ordered.map((c) =>
      guard ? `${q(c)} = if(values(${q(VERSION)}) >= ${q(VERSION)}, values(${q(c)}), ${q(c)})` : `${q(c)} = values(${q(c)})`);
    return `${head} on duplicate key update ${set.join(', ')}`;
  }
  const conflict = `on conflict (${table.primaryKey.map(q).join(', ')})`;
  if (updatable.length === 0) return `${head} ${conflict} do nothing`;
  const set = updatable.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ');
  const where = guard ? ` where excluded.${q(VERSION)} >= ${q(table.name)}.${q(VERSION)}` : '';
  return `${head} ${conflict} do update set ${set}${where}`;
}

/** The VALUES list of rows as MySQL literals: one string built once, no placeholder pass by knex or the driver. */
function mysqlValues(rows: WarehouseRow[], columns: string[]): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out += i === 0 ? '(' : ', (';
    for (let j = 0; j < columns.length; j++) {
      if (j > 0) out += ', ';
      out += mysqlLiteral(r[columns[j]!] ?? null);
    }
    out += ')';
  }
  return out;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function exec(k: Knex | Knex.Transaction, sql: string, bindings: unknown[]): Promise<void> {
  // Without bindings knex passes the text through untouched (a literal '?' in the data stays as it is).
  await (bindings.length > 0 ? k.raw(sql, bindings as Knex.RawBinding[]) : k.raw(sql));
}

/** Upserts rows into a table in statements of bounded size. */
async function upsertRows(k: Knex | Knex.Transaction, d: Dialect, table: Table, rows: WarehouseRow[], guard: boolean): Promise<void> {
  if (rows.length === 0) return;
  const columns = physicalColumns(table).map((c) => c.name).filter((c) => !(table.name === 'etl_run' && c === 'run_id'));
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns.length)));
  for (const part of chunk(rows, perStatement)) {
    if (d === 'mysql') {
      await exec(k, upsertSql(d, table, columns, part.length, guard, mysqlValues(part, columns)), []);
      continue;
    }
    const bindings: unknown[] = [];
    for (const r of part) for (const c of columns) bindings.push(r[c] ?? null);
    await exec(k, upsertSql(d, table, columns, part.length, guard), bindings);
  }
}

class SqlTx implements SinkTx {
  constructor(private readonly trx: Knex.Transaction, private readonly d: Dialect) {}

  async writeUnits(_stream: string, units: UnitWrite[], targets: Table[], runId: string): Promise<void> {
    const q = quoter(this.d);
    const loadedAt = utcNow();
    for (const table of targets) {
      const mine = units.filter((u) => u.tables.has(table.name));
      if (mine.length === 0) continue;
      if (table.parentKey) {
        // Children are a set per parent: drop the parent's rows, then load the new set. The version
        // guard keeps rows a newer run already loaded; kept child keys (rejected rows) stay as they were.
        const parentCol = table.parentKey[0]!;
        const childCol = table.primaryKey.find((c) => !table.parentKey!.includes(c)) ?? table.primaryKey[0]!;
        const plain = mine.filter((u) => !u.keepChildKeys?.length && !u.fresh);
        for (const part of chunk(plain, 400)) {
          const where = part.map(() => `(${q(parentCol)} = ? and ${q(VERSION)} <= ?)`).join(' or ');
          await exec(this.trx, `delete from ${q(table.name)} where ${where}`, part.flatMap((u) => [u.key, u.version]));
        }
        for (const u of mine.filter((x) => x.keepChildKeys?.length)) {
          const keep = u.keepChildKeys!;
          await exec(
            this.trx,
            `delete from ${q(table.name)} where ${q(parentCol)} = ? and ${q(VERSION)} <= ? and ${q(childCol)} not in (${keep.map(() => '?').join(', ')})`,
            [u.key, u.version, ...keep],
          );
        }
      }
      const rows: WarehouseRow[] = [];
      for (const u of mine) {
        for (const r of u.tables.get(table.name)!) rows.push({ ...r, _source_version: u.version, _run_id: runId, _loaded_at: loadedAt });
      }
      await upsertRows(this.trx, this.d, table, rows, true);
    }
  }

  async putRowStates(stream: string, states: Array<{ key: string; hash: string; version: string; parentKey?: string | null }>, runId: string): Promise<void> {
    const rows = states.map((s) => ({ stream, source_key: s.key, parent_key: s.parentKey ?? null, row_hash: s.hash, source_version: s.version, run_id: runId }));
    await upsertRows(this.trx, this.d, tableNamed('etl_row_state'), rows, false);
  }

  async putRejects(stream: string, rejects: RejectRecord[], runId: string): Promise<void> {
    if (rejects.length === 0) return;
    const q = quoter(this.d);
    const now = utcNow();
    for (const r of rejects) {
      const bind = [stream, r.sourceKey, r.field.slice(0, 128), r.reason.slice(0, 1024), r.sample, now, now, 1, runId];
      const cols = 'stream, source_key, field, reason, sample, first_seen_at, last_seen_at, times_seen, run_id';
      const update = this.d === 'mysql'
        ? `on duplicate key update field = values(field), reason = values(reason), sample = values(sample), last_seen_at = values(last_seen_at), times_seen = times_seen + 1, run_id = values(run_id), resolved_at = null, resolved_run_id = null`
        : `on conflict (stream, source_key) do update set field = excluded.field, reason = excluded.reason, sample = excluded.sample, last_seen_at = excluded.last_seen_at, times_seen = ${q('etl_reject')}.times_seen + 1, run_id = excluded.run_id, resolved_at = null, resolved_run_id = null`;
      await exec(this.trx, `insert into ${q('etl_reject')} (${cols}) values (?, ?, ?, ?, ?, ?, ?, ?, ?) ${update}`, bind);
    }
  }

  async resolveRejects(stream: string, keys: string[], runId: string): Promise<void> {
    const now = utcNow();
    for (const part of chunk(keys, 500)) {
      await this.trx('etl_reject').where({ stream }).whereIn('source_key', part).whereNull('resolved_at').update({ resolved_at: now, resolved_run_id: runId });
    }
  }

  async setWatermark(w: Omit<Watermark, 'updatedAt'>): Promise<void> {
    const row = { stream: w.stream, cursor_value: w.cursorValue, cursor_at: w.cursorAt, run_id: w.runId, updated_at: utcNow(), stream_version: w.streamVersion, source_clock_at: w.sourceClockAt };
    await upsertRows(this.trx, this.d, tableNamed('etl_watermark'), [row], false);
  }

  async sweep(stream: string, targets: Table[], unitKeyOf: (t: Table) => string, runId: string, keepUnits: string[]): Promise<void> {
    const q = quoter(this.d);
    for (const table of targets) {
      const col = unitKeyOf(table);
      const keep = keepUnits.length > 0 ? ` and ${q(col)} not in (${keepUnits.map(() => '?').join(', ')})` : '';
      await exec(this.trx, `delete from ${q(table.name)} where ${q('_run_id')} <> ?${keep}`, [runId, ...keepUnits]);
    }
    const keepStates = keepUnits.length > 0 ? ` and ${q('source_key')} not in (${keepUnits.map(() => '?').join(', ')})` : '';
    await exec(this.trx, `delete from ${q('etl_row_state')} where stream = ? and run_id <> ?${keepStates}`, [stream, runId, ...keepUnits]);
  }
}

export class SqlSink implements Sink {
  readonly kind: Dialect;
  readonly label: string;
  constructor(readonly db: Db) {
    this.kind = db.dialect;
    this.label = db.label;
  }

  async transaction<T>(fn: (tx: SinkTx) => Promise<T>): Promise<T> {
    try {
      return await this.db.knex.transaction((trx) => fn(new SqlTx(trx, this.kind)));
    } catch (err) {
      throw err instanceof Error && err.name !== 'Error' ? err : sinkError(`writing to ${this.label} failed`, err);
    }
  }

  async getWatermark(stream: string): Promise<Watermark | null> {
    const r = await this.db.knex('etl_watermark').where({ stream }).first();
    if (!r) return null;
    return {
      stream,
      cursorValue: String(r.cursor_value),
      cursorAt: r.cursor_at === null ? null : String(r.cursor_at),
      runId: idText(r.run_id)!,
      updatedAt: String(r.updated_at),
      streamVersion: Number(r.stream_version),
      sourceClockAt: r.source_clock_at === null ? null : String(r.source_clock_at),
    };
  }

  async getRowStates(stream: string, keys: string[]): Promise<Map<string, RowState>> {
    const out = new Map<string, RowState>();
    for (const part of chunk(keys, 1000)) {
      const rows = await this.db.knex('etl_row_state').select('source_key', 'row_hash', 'source_version').where({ stream }).whereIn('source_key', part);
      for (const r of rows) out.set(String(r.source_key), { hash: String(r.row_hash), version: String(r.source_version) });
    }
    return out;
  }

  async openRejectKeys(stream: string): Promise<Set<string>> {
    const rows = await this.db.knex('etl_reject').select('source_key').where({ stream }).whereNull('resolved_at');
    return new Set(rows.map((r) => String(r.source_key)));
  }

  async startRun(run: Pick<RunRecord, 'stream' | 'mode' | 'windowStart' | 'windowEnd'>): Promise<string> {
    const [id] = await this.db.knex('etl_run').insert({
      stream: run.stream,
      mode: run.mode,
      status: 'running',
      started_at: utcNow(),
      window_start: run.windowStart,
      window_end: run.windowEnd,
      rows_read: 0,
      rows_upserted: 0,
      rows_unchanged: 0,
      rows_rejected: 0,
      host: `${os.hostname()}:${process.pid}`.slice(0, 128),
    });
    return idText(id)!;
  }

  async finishRun(run: RunRecord): Promise<void> {
    await this.db.knex('etl_run').where({ run_id: run.runId }).update({
      status: run.status,
      finished_at: run.finishedAt ?? utcNow(),
      window_start: run.windowStart,
      window_end: run.windowEnd,
      rows_read: run.rowsRead,
      rows_upserted: run.rowsUpserted,
      rows_unchanged: run.rowsUnchanged,
      rows_rejected: run.rowsRejected,
      error: run.error,
      ...(run.api ? { api_calls: run.api.calls, api_retries: run.api.retries, api_throttled: run.api.throttled } : {}),
    });
  }

  async installationSecret(name: string): Promise<string> {
    const read = async () => (await this.db.knex('etl_setting').select('value').where({ name }).first()) as { value: unknown } | undefined;
    try {
      const found = await read();
      if (found) return String(found.value);
      // Two processes starting at once both try; the first insert wins and both read it back.
      await this.db.knex('etl_setting').insert({ name, value: crypto.randomBytes(32).toString('hex'), created_at: utcNow() }).onConflict('name').ignore();
      const stored = await read();
      if (!stored) throw new Error(`etl_setting.${name} was not stored`);
      return String(stored.value);
    } catch (err) {
      throw sinkError(`reading the installation's ${name} from ${this.label} (run "hub-etl migrate" if the warehouse predates version 8)`, err);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
