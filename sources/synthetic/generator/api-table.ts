// The seller's objects only the API serves (api-store.ts), written into hub_etl_api_object beside the
// ali1688_* tables for the emulator to serve.
import type { Dialect } from '../../../lib/db.js';
import { apiObjectsAt } from '../api-store.js';
import { ZoneClock } from '../clock.js';
import type { GeneratorState, Tally } from '../store.js';
import { API_OBJECT_COLUMNS, API_OBJECT_TABLE, type OrderIdColumns } from '../tables.js';
import type { TableCounts } from './generate.js';
import { sourceDdl } from './prepare.js';
import type { StoreWriter } from './writers/index.js';

/**
 * The API-only objects (api-store.ts) at the run's end replace the table's rows: new objects inserted,
 * changed ones updated, removed ones deleted. The table is created here too, so that a store generated
 * before it existed gets it on its next run.
 */
export async function writeApiObjects(io: StoreWriter, dialect: Dialect, columns: OrderIdColumns, state: GeneratorState, to: number, tally: Tally): Promise<TableCounts> {
  for (const stmt of sourceDdl(dialect, columns).filter((x) => x.includes(API_OBJECT_TABLE))) await io.exec(stmt);
  const clock = new ZoneClock(state.sourceTz);
  const next = apiObjectsAt(state.seed, clock, clock.startOfDate(state.start), to);
  const cols = API_OBJECT_COLUMNS.join(', ');
  const old = new Map((await io.query(`select ${cols} from ${API_OBJECT_TABLE}`)).map((r) => [`${String(r.kind)}:${String(r.object_id)}`, r]));
  const counts: TableCounts = { inserted: 0, updated: 0 };
  for (const o of next) {
    const values = [o.kind, o.id, o.parentId, o.position, o.json, clock.naive(o.modified)];
    const prev = old.get(`${o.kind}:${o.id}`);
    old.delete(`${o.kind}:${o.id}`);
    if (!prev) {
      await io.run(`insert into ${API_OBJECT_TABLE} (${cols}) values (?, ?, ?, ?, ?, ?)`, values);
      counts.inserted++;
      tally[`api.${o.kind}.new`] = (tally[`api.${o.kind}.new`] ?? 0) + 1;
    } else if (prev.json !== o.json || (prev.parent_id ?? null) !== o.parentId || Number(prev.position) !== o.position || String(prev.modified_at) !== values[5]) {
      await io.run(`update ${API_OBJECT_TABLE} set parent_id = ?, position = ?, json = ?, modified_at = ? where kind = ? and object_id = ?`, [o.parentId, o.position, o.json, values[5], o.kind, o.id]);
      counts.updated++;
      // A removal elsewhere moves positions; only a new text is a change of the object.
      if (prev.json !== o.json) tally[`api.${o.kind}.changed`] = (tally[`api.${o.kind}.changed`] ?? 0) + 1;
    }
  }
  for (const r of old.values()) {
    await io.run(`delete from ${API_OBJECT_TABLE} where kind = ? and object_id = ?`, [r.kind, r.object_id]);
    tally[`api.${String(r.kind)}.removed`] = (tally[`api.${String(r.kind)}.removed`] ?? 0) + 1;
  }
  return counts;
}
