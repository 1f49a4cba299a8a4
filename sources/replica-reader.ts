// The replica tables as a SourceReader: keyset pages on (cursor, id), child rows fetched per page of
// parent orders, free-text category times turned into sortable versions, and the source's clock.
import { DateTime } from 'luxon';
import type { Db } from '../lib/db.js';
import { DataError, UsageError } from '../lib/errors.js';
import type { SourceRow } from '../transforms/types.js';
import { inspectSource, isSynthetic, readByKeys, readChildren, readPage, sourceNowUtc, type PageRow, type Position, type SourceSchema } from './replica.js';
import { REPLICA_STREAMS, type ReplicaStream } from './replica-streams.js';
import type { CursorKind, LookupBy, ReadOptions, ReadStats, ReadWindow, SourceReader, SourceUnit } from './source.js';

const DATETIME_FMT = 'yyyy-MM-dd HH:mm:ss';
const ORDER_ID = /^\d{1,19}$/;

/** Category times are free text: read the formats 1688 uses into a sortable UTC version. */
export function looseTimeVersion(text: string | null, zone: string): string {
  const t = (text ?? '').trim();
  let dt = DateTime.fromFormat(t, DATETIME_FMT, { zone });
  if (!dt.isValid) {
    const m = /^(\d{17})([+-]\d{4})$/.exec(t);
    if (m) dt = DateTime.fromFormat(`${m[1]}${m[2]}`, 'yyyyMMddHHmmssSSSZZZ', { setZone: true });
  }
  if (!dt.isValid) dt = DateTime.fromISO(t, { zone });
  return dt.isValid ? dt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS') : t;
}

function encodePosition(p: Position): string {
  return JSON.stringify([p.cursor, p.id]);
}

function decodePosition(text: string | null | undefined): Position | null {
  if (!text) return null;
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') throw new Error(`not a replica position: ${text.slice(0, 80)}`);
  return { cursor: v[0], id: v[1] };
}

export class ReplicaReader implements SourceReader {
  readonly kind = 'replica';
  readonly label: string;

  private constructor(
    private readonly db: Db,
    private readonly schema: SourceSchema,
    /** A store written by hub-etl generate: its simulated clock is "now". */
    readonly synthetic: boolean,
    private readonly sourceTz: string,
  ) {
    this.label = db.label;
  }

  /** Inspects the replica once (every table present, printed typos aliased) and detects a synthetic store. */
  static async open(db: Db, sourceTz: string): Promise<ReplicaReader> {
    const schema = await inspectSource(db);
    return new ReplicaReader(db, schema, await isSynthetic(db), sourceTz);
  }

  now(): Promise<Date> {
    return sourceNowUtc(this.db, this.synthetic);
  }

  has(stream: string): boolean {
    return stream in REPLICA_STREAMS;
  }

  cursorKind(stream: string): CursorKind {
    return this.spec(stream).cursor.kind;
  }

  stats(): ReadStats {
    return { calls: 0, retries: 0, throttled: 0 };
  }

  async close(): Promise<void> {
    // The database handle belongs to the context that opened it.
  }

  private spec(stream: string): ReplicaStream {
    const s = REPLICA_STREAMS[stream];
    if (!s) throw new UsageError(`the replica has no stream "${stream}"; it holds ${Object.keys(REPLICA_STREAMS).join(', ')}`);
    return s;
  }

  async *units(stream: string, w: ReadWindow, opts: ReadOptions): AsyncGenerator<SourceUnit[]> {
    const s = this.spec(stream);
    let after = decodePosition(opts.after);
    for (;;) {
      if (opts.signal?.aborted) return;
      const batch = s.parent ? await this.parentPage(s, w, after, opts.batchSize) : await this.rowPage(s, w, after, opts.batchSize);
      if (batch.units.length === 0) return;
      yield batch.units;
      after = batch.last;
      if (batch.read < opts.batchSize) return;
    }
  }

  async lookup(stream: string, by: LookupBy, ids: string[]): Promise<SourceUnit[]> {
    const s = this.spec(stream);
    const wanted = [...new Set(ids)];
    if (s.parent) {
      // Child sets are looked up through their parent orders, by order id either way.
      const p = s.parent;
      const parents = await readByKeys(this.db, this.schema, { table: p.table, columns: p.columns, keyColumn: p.key, keys: wanted.filter((k) => ORDER_ID.test(k)), keyType: 'text', cursor: p.cursor });
      return this.childUnits(s, parents);
    }
    if (by === 'order' && !s.orderIdType) throw new UsageError(`stream ${stream} has no order id to look its rows up by`);
    const [column, type] = by === 'order' ? ['order_id', s.orderIdType!] : [s.unitKey, s.unitKeyType];
    const keys = type === 'int' ? wanted.filter((k) => ORDER_ID.test(k)) : wanted;
    const text = s.cursor.kind === 'text' || s.cursor.kind === 'snapshot';
    const rows = await readByKeys(this.db, this.schema, { table: s.table, columns: s.columns, keyColumn: column, keys, keyType: type, cursor: text ? null : s.cursor.column });
    return rows.map((r) => this.rowUnit(s, r));
  }

  private rowUnit(s: ReplicaStream, { id, cursor: at, row }: PageRow): SourceUnit {
    const text = s.cursor.kind === 'text' || s.cursor.kind === 'snapshot';
    const version = text ? looseTimeVersion(row[s.cursor.column] ?? null, this.sourceTz) : at!;
    return { key: row[s.unitKey] ?? '', version, rows: [row], cursor: text ? version : at!, position: encodePosition({ cursor: at ?? '', id }) };
  }

  /** One page of a stream whose rows are units of their own. */
  private async rowPage(s: ReplicaStream, w: ReadWindow, after: Position | null, limit: number) {
    const text = s.cursor.kind === 'text' || s.cursor.kind === 'snapshot';
    const rows = await readPage(this.db, this.schema, {
      table: s.table, columns: s.columns, cursor: text ? null : s.cursor.column, from: w.from, to: w.to, toInclusive: w.toInclusive, after, limit,
    });
    const units = rows.map((r) => this.rowUnit(s, r));
    const last = rows[rows.length - 1];
    return { units, read: rows.length, last: last ? { cursor: last.cursor ?? '', id: last.id } : after };
  }

  /** One page of parent orders with all their child rows: an order's set of lines is one unit. */
  private async parentPage(s: ReplicaStream, w: ReadWindow, after: Position | null, limit: number) {
    const p = s.parent!;
    const parents = await readPage(this.db, this.schema, {
      table: p.table, columns: p.columns, cursor: p.cursor, from: w.from, to: w.to, toInclusive: w.toInclusive, after, limit,
    });
    const last = parents[parents.length - 1];
    return { units: await this.childUnits(s, parents), read: parents.length, last: last ? { cursor: last.cursor!, id: last.id } : after };
  }

  /** Each parent order with all its child rows as one unit; a parent whose key is no order id is an invalid unit. */
  private async childUnits(s: ReplicaStream, parents: PageRow[]): Promise<SourceUnit[]> {
    const p = s.parent!;
    const valid = parents.filter(({ row }) => ORDER_ID.test(row[p.key] ?? ''));
    const children = await readChildren(this.db, this.schema, s.table, s.columns, p.childColumn, [...new Set(valid.map(({ row }) => row[p.key]!))]);
    const byParent = new Map<string, SourceRow[]>();
    for (const { row: c } of children) {
      const k = c[p.childColumn]!;
      let list = byParent.get(k);
      if (!list) byParent.set(k, (list = []));
      list.push(c);
    }
    return parents.map(({ id, cursor: at, row: pr }): SourceUnit => {
      const key = pr[p.key] ?? '';
      const cursor = at!;
      const position = encodePosition({ cursor, id });
      if (!ORDER_ID.test(key)) {
        return { key, version: cursor, cursor, position, rows: [], invalid: new DataError(`${p.table}.${p.key}`, `expected an order ID of 1 to 19 digits, found ${JSON.stringify(key).slice(0, 60)}`) };
      }
      const rows = (byParent.get(key) ?? []).map((c) => {
        const row: SourceRow = { ...c };
        for (const col of p.columns) row[`parent_${col}`] = pr[col] ?? null;
        return row;
      });
      return { key, version: cursor, cursor, position, rows };
    });
  }
}
