// PostgreSQL's bulk write for large batches: the rows stream through COPY (text format) into a temporary
// staging table created inside the caller's transaction, then one `insert … select … on conflict … do
// update … where` merges them set-wise with the same version guard as the per-statement upsert. The
// staging table lives and dies with the transaction, so data, fingerprints, rejects and the watermark
// still commit together or not at all.
import type { Knex } from 'knex';
import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { HubError } from '../errors.js';
import { onConflictUpsert, type DdlColumn, type DdlTable } from './dialect.js';

const q = (n: string) => `"${n}"`;

/** The characters COPY's text format gives a meaning to (NULL is `\N`), and U+0000, which PostgreSQL text cannot hold. */
const SPECIAL = /[\\\n\r\t\u0000]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escape = (c: string) => ESCAPES[c]!;

/** Rows per chunk handed to the COPY stream: large enough that the stream's overhead vanishes, small enough to stay flat in memory. */
const CHUNK_ROWS = 500;

function keyOf(table: DdlTable, row: Record<string, unknown>): string {
  return table.primaryKey.map((k) => `${k}=${String(row[k])}`).join(', ');
}

/** A value that is not a plain string, as a field (the rare case, kept out of the loop). */
function otherField(table: DdlTable, row: Record<string, unknown>, column: string, v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new HubError(`${table.name} (${keyOf(table, row)}): column ${column} holds ${v}, which is not a number the warehouse can store`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new HubError(`${table.name} (${keyOf(table, row)}): column ${column} holds a ${typeof v}, not text or a number`);
}

/** A string with a special character as a field: escaped, or refused when it holds U+0000. */
function escapedField(table: DdlTable, row: Record<string, unknown>, column: string, v: string): string {
  // PostgreSQL text cannot hold U+0000 (SQLite and MariaDB can): the load stops naming the row.
  if (v.indexOf('\u0000') >= 0) {
    throw new HubError(`${table.name} (${keyOf(table, row)}): column ${column} holds the character U+0000, which PostgreSQL text cannot store; fix it in the source or load this store into MariaDB or SQLite`);
  }
  return v.replace(SPECIALS, escape);
}

/**
 * The COPY text (text format) of rows, a chunk at a time: every value exactly what the server parses back
 * into the column. Strings go as they are (ids, money and timestamps travel as exact text) with backslash,
 * newline, carriage return and tab escaped; NULL is `\N`.
 */
export function* copyText(table: DdlTable, columns: string[], rows: ReadonlyArray<Record<string, unknown>>): Generator<string> {
  const last = columns.length - 1;
  for (let at = 0; at < rows.length; at += CHUNK_ROWS) {
    let text = '';
    const end = Math.min(rows.length, at + CHUNK_ROWS);
    for (let r = at; r < end; r++) {
      const row = rows[r]!;
      for (let i = 0; i <= last; i++) {
        const v = row[columns[i]!];
        text += v === null || v === undefined ? '\\N' : typeof v === 'string' ? (SPECIAL.test(v) ? escapedField(table, row, columns[i]!, v) : v) : otherField(table, row, columns[i]!, v);
        text += i === last ? '\n' : '\t';
      }
    }
    yield text;
  }
}

/**
 * Upserts rows through a staging table inside `trx`: COPY, then one merge. `typeOf` gives the staging
 * column's type: the base type the per-statement upsert casts its arrays to, so that both paths parse a
 * value alike and the target's own limits (length, precision) apply at the merge, naming the target.
 */
export async function copyUpsert(
  trx: Knex.Transaction,
  table: DdlTable,
  cols: DdlColumn[],
  rows: ReadonlyArray<Record<string, unknown>>,
  guard: string | null,
  typeOf: (c: DdlColumn) => string,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = cols.map((c) => c.name);
  const stage = q(`hub_stage_${table.name}`.slice(0, 63));
  // The transaction's own connection: the COPY must run inside it, as the statements around it do.
  const conn = (await trx.client.acquireConnection()) as pg.Client;
  await trx.raw(`create temp table ${stage} (${cols.map((c) => `${q(c.name)} ${typeOf(c)}`).join(', ')}) on commit drop`);
  await pipeline(Readable.from(copyText(table, columns, rows)), conn.query(copyFrom(`copy ${stage} (${columns.map(q).join(', ')}) from stdin`)));
  await trx.raw(onConflictUpsert({ id: q }, table, columns, `select ${columns.map(q).join(', ')} from ${stage}`, guard, true));
  // Dropped now rather than at commit: a second bulk write of the same table in this transaction creates it afresh.
  await trx.raw(`drop table ${stage}`);
}
