// Content checksums of warehouse tables, lineage columns left out: two warehouses loaded from the same
// source state have equal checksums however they got there (incremental, full refresh, after a crash).
import crypto from 'node:crypto';
import type { Db } from '../lib/db.js';
import { rawRows } from '../lib/db.js';
import { API_DIMENSIONS, FACTS_AND_DIMENSIONS, type Table } from '../sql/warehouse/tables.js';

export interface TableChecksum { table: string; rows: number; md5: string }

const text = (v: unknown) => (v === null || v === undefined ? '\u0000' : typeof v === 'bigint' ? v.toString() : String(v));

export async function tableChecksum(db: Db, table: Table): Promise<TableChecksum> {
  const q = db.sql.id;
  const cols = table.columns.map((c) => c.name);
  // Order by the key as text as well, so both databases walk rows in the same order.
  const order = table.primaryKey.map((k) => db.sql.textSortKey(q(k))).join(', ');
  const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${cols.map(q).join(', ')} from ${q(table.name)} order by ${order}`);
  const h = crypto.createHash('md5');
  for (const r of rows) h.update(cols.map((c) => text(r[c])).join('\u0001') + '\u0002');
  return { table: table.name, rows: rows.length, md5: h.digest('hex') };
}

export async function warehouseChecksums(db: Db): Promise<TableChecksum[]> {
  const out: TableChecksum[] = [];
  for (const t of [...FACTS_AND_DIMENSIONS, ...API_DIMENSIONS]) out.push(await tableChecksum(db, t));
  return out;
}
