// The generator's writer for SQLite: prepared statements on the (single) connection, one transaction per
// chunk.
import type { Knex } from 'knex';
import type { Db } from '../../../../lib/db.js';
import { sqlString } from '../../../../lib/dialects/dialect.js';
import { sourceError } from '../../../../lib/errors.js';
import { SYNTHETIC_MARKER } from '../../../replica.js';
import type { Row, TableSpec } from '../../tables.js';
import { LOOKUP, lookupGroups, type StoreWriter } from './writer.js';

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): Array<Record<string, unknown>>;
}
interface SqliteConn {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  transaction<T>(fn: () => T): () => T;
}

export class SqliteWriter implements StoreWriter {
  readonly chunkOrders = 1000;
  readonly markerDdl =
    `create table if not exists ${SYNTHETIC_MARKER} (id integer not null primary key, seed bigint not null, source_tz varchar(64) not null, sim_clock varchar(32) not null, status varchar(16) not null, state text not null)`;
  readonly tsvBytes = null;
  private readonly statements = new Map<string, SqliteStatement>();

  private constructor(private readonly db: Db, private readonly conn: SqliteConn) {}

  static async open(db: Db): Promise<SqliteWriter> {
    const client = db.knex.client as Knex.Client;
    return new SqliteWriter(db, (await client.acquireConnection()) as SqliteConn);
  }

  private statement(sql: string): SqliteStatement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.conn.prepare(sql)));
    return s;
  }

  quote(text: string): string {
    return sqlString(text);
  }

  async exec(sql: string): Promise<void> {
    this.conn.exec(sql);
  }

  async run(sql: string, params: unknown[]): Promise<number> {
    return this.conn.prepare(sql).run(...params).changes;
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    return this.conn.prepare(sql).all();
  }

  async lookup(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>): Promise<Map<string, string>> {
    const { by, hint } = LOOKUP[spec.key];
    const bind = (v: string) => (spec.kinds[by] === 'int' ? BigInt(v) : v);
    const out = new Map<string, string>();
    for (const g of lookupGroups(spec, updates, 500)) {
      const marks = g.values.map(() => '?').join(',');
      const withHint = hint !== undefined && g.hint !== null;
      const sql = `select id, "${spec.columns[spec.naturalKey]}" as k from ${spec.name} where "${spec.columns[by]}" in (${marks})${withHint ? ` and "${hint}" = ?` : ''}`;
      const params: unknown[] = g.values.map(bind);
      if (withHint) params.push(g.hint);
      for (const r of this.conn.prepare(sql).all(...params)) out.set(String(r.k), String(r.id));
    }
    return out;
  }

  async write(spec: TableSpec, rows: Row[], upsert: boolean): Promise<void> {
    const cols = spec.columns.map((c) => `"${c}"`).join(',');
    const marks = spec.columns.map(() => '?').join(',');
    const sql = `insert into ${spec.name} (${cols}) values (${marks})${upsert ? ` on conflict(id) do update set ${spec.columns.slice(1).map((c) => `"${c}" = excluded."${c}"`).join(', ')}` : ''}`;
    const stmt = this.statement(sql);
    const kinds = spec.kinds;
    try {
      this.conn.transaction(() => {
        const values: unknown[] = new Array(kinds.length);
        for (const row of rows) {
          for (let i = 0; i < kinds.length; i++) {
            const v = row[i]!;
            values[i] = v === null ? null : kinds[i] === 'int' ? BigInt(v) : v;
          }
          stmt.run(...values);
        }
      })();
    } catch (err) {
      throw sourceError(`writing ${spec.name} in ${this.db.label} failed`, err);
    }
  }

  async loadBuffer(): Promise<void> {
    throw new Error('SQLite takes rows, not LOAD DATA buffers');
  }

  async drain(): Promise<void> {}

  async close(): Promise<void> {
    const client = this.db.knex.client as Knex.Client;
    await client.releaseConnection(this.conn);
  }
}

