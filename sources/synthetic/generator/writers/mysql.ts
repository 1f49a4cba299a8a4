// The generator's writer for MariaDB/MySQL: new rows as LOAD DATA LOCAL INFILE (multi-row INSERTs when the
// server forbids it, and for updates) over two connections, so that the server writes while the next chunk
// is generated.
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { mysqlLiteral, type Db } from '../../../../lib/db.js';
import { sourceError } from '../../../../lib/errors.js';
import { SYNTHETIC_MARKER } from '../../../replica.js';
import type { Row, TableSpec } from '../../tables.js';
import { TsvWriter } from './tsv.js';
import { LOOKUP, lookupGroups, type StoreWriter } from './writer.js';


interface MysqlConn {
  query(sql: string, values: unknown, cb: (err: Error | null, result: unknown) => void): void;
  query(sql: string, cb: (err: Error | null, result: unknown) => void): void;
  query(options: { sql: string; infileStreamFactory: () => Readable }, cb: (err: Error | null, result: unknown) => void): void;
}

const DIGITS = /^-?\d{1,20}$/;

/** A literal for one value of a column kind: integers unquoted (exact, never compared as doubles). */
function literal(v: string | null, kind: 'int' | 'text'): string {
  if (v === null) return 'NULL';
  if (kind === 'int') {
    if (!DIGITS.test(v)) throw new Error(`not an integer: ${v}`);
    return v;
  }
  return mysqlLiteral(v);
  return mysqlLiteral(v);
}

export class MysqlWriter implements StoreWriter {
  readonly chunkOrders = 400;
  readonly markerDdl =
    `create table if not exists ${SYNTHETIC_MARKER} (id int not null primary key, seed bigint not null, source_tz varchar(64) not null, sim_clock varchar(32) not null, status varchar(16) not null, state mediumtext not null) engine = InnoDB default charset = utf8mb4`;

  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;
  private next = 0;

  /** Bulk inserts go as LOAD DATA LOCAL INFILE in buffers of about this size, when the server allows it (null: INSERT). */
  readonly tsvBytes: number | null;
  private tsv: TsvWriter | undefined;

  private constructor(
    private readonly db: Db,
    private readonly conns: MysqlConn[],
    private readonly maxBytes: number,
    loadData: boolean,
  ) {
    this.tsvBytes = loadData ? maxBytes : null;
  }

  static async open(db: Db): Promise<MysqlWriter> {
    const client = db.knex.client as Knex.Client;
    const conns: MysqlConn[] = [];
    for (let i = 0; i < 2; i++) conns.push((await client.acquireConnection()) as MysqlConn);
    const probe = new MysqlWriter(db, conns, 0, false);
    const [v] = await probe.query('select @@max_allowed_packet as packet, @@local_infile as local_files');
    return new MysqlWriter(db, conns, Math.min(8 * 1024 * 1024, Math.floor(Number(v?.packet ?? 4194304) * 0.75)), String(v?.local_files) === '1');
  }

  private send(conn: MysqlConn, sql: string, values?: unknown[], file?: Buffer): Promise<unknown> {
    // Without values mysql2 sends the text as is (it would otherwise scan megabytes for placeholders).
    return new Promise((resolve, reject) => {
      const done = (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result));
      if (file) conn.query({ sql, infileStreamFactory: () => Readable.from([file]) }, done);
      else if (values) conn.query(sql, values, done);
      else conn.query(sql, done);
    });
  }

  quote(text: string): string {
    return mysqlLiteral(text);
  }

  async exec(sql: string): Promise<void> {
    await this.send(this.conns[0]!, sql);
  }

  async run(sql: string, params: unknown[]): Promise<number> {
    await this.drain();
    const r = (await this.send(this.conns[0]!, sql, params)) as { affectedRows?: number };
    return r.affectedRows ?? 0;
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    return (await this.send(this.conns[0]!, sql)) as Array<Record<string, unknown>>;
  }

  async lookup(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>): Promise<Map<string, string>> {
    await this.drain();
    const { by, hint } = LOOKUP[spec.key];
    const byCol = spec.columns[by]!;
    const keyCol = spec.columns[spec.naturalKey]!;
    const out = new Map<string, string>();
    for (const g of lookupGroups(spec, updates, 2000)) {
      const where = `\`${byCol}\` in (${g.values.map((v) => literal(v, spec.kinds[by]!)).join(',')})${hint && g.hint !== null ? ` and \`${hint}\` = ${mysqlLiteral(g.hint)}` : ''}`;
      const rows = await this.query(`select id, \`${keyCol}\` as k from ${spec.name} where ${where}`);
      for (const r of rows) out.set(String(r.k), String(r.id));
    }
    return out;
  }

  async write(spec: TableSpec, rows: Row[], upsert: boolean): Promise<void> {
    if (this.tsvBytes !== null && !upsert) {
      this.tsv ??= new TsvWriter(this.tsvBytes);
      for (const buf of this.tsv.buffers(rows)) await this.loadBuffer(spec, buf);
      return;
    }
    const head = `insert into ${spec.name} (${spec.columns.map((c) => `\`${c}\``).join(',')}) values `;
    const tail = upsert ? ` on duplicate key update ${spec.columns.slice(1).map((c) => `\`${c}\` = values(\`${c}\`)`).join(', ')}` : '';
    let parts: string[] = [];
    let size = 0;
    for (const row of rows) {
      let t = '(';
      for (let i = 0; i < row.length; i++) t += (i === 0 ? '' : ',') + literal(row[i]!, spec.kinds[i]!);
      t += ')';
      // Lengths are UTF-16 units; a UTF-8 byte count can be up to three times that for Chinese text.
      if (size > 0 && (size + t.length) * 3 > this.maxBytes) {
        await this.enqueue(spec, head + parts.join(',') + tail);
        parts = [];
        size = 0;
      }
      parts.push(t);
      size += t.length + 1;
    }
    if (parts.length > 0) await this.enqueue(spec, head + parts.join(',') + tail);
  }

  /** Loads one buffer made by a TsvWriter into a table (LOAD DATA LOCAL INFILE; separators in hex read the same under any sql_mode). */
  async loadBuffer(spec: TableSpec, buf: Buffer): Promise<void> {
    const sql =
      `load data local infile 'hub-etl-generate' into table ${spec.name} character set utf8mb4 ` +
      `fields terminated by X'09' escaped by X'5C' lines terminated by X'0A' (${spec.columns.map((c) => `\`${c}\``).join(',')})`;
    await this.enqueue(spec, sql, buf);
  }

  /** Sends a statement on the next connection; waits only when every connection has three queued. */
  private async enqueue(spec: TableSpec, sql: string, file?: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    // Up to three statements queued per connection keep the server busy while the next chunk is generated.
    while (this.inflight.size >= 3 * this.conns.length) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
    const conn = this.conns[this.next++ % this.conns.length]!;
    const p: Promise<void> = this.send(conn, sql, undefined, file)
      .then(async (result) => {
        // LOAD DATA LOCAL turns bad values into warnings; a generated row must never need one.
        if (file && ((result as { warningStatus?: number }).warningStatus ?? 0) > 0) {
          const w = (await this.send(conn, 'show warnings limit 3')) as Array<{ Message: string }>;
          throw new Error(`loading ${spec.name} gave warnings: ${w.map((x) => x.Message).join('; ')}`);
        }
      })
      .then(
        () => undefined,
        (err) => {
          this.failure ??= sourceError(`writing ${spec.name} in ${this.db.label} failed`, err);
        },
      )
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    const client = this.db.knex.client as Knex.Client;
    for (const c of this.conns) await client.releaseConnection(c);
  }
}

