// Before a generate writes: the safety checks (never a real replica, never a store that stopped part-way),
// the tables of a new store, and the run's plan, saved in the generator's marker table as 'writing'.
import fs from 'node:fs';
import type { Db, Dialect } from '../../../lib/db.js';
import { SafetyError, UsageError } from '../../../lib/errors.js';
import { SYNTHETIC_MARKER } from '../../replica.js';
import { ZoneClock, type Span } from '../clock.js';
import { beginRun, DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START, newState, totalOrders, type GeneratorState, type Run } from '../store.js';
import { PLAIN_COLUMNS, PRINTED_COLUMNS, sourceTables, TABLE_KEYS, type OrderIdColumns, type TableKey } from '../tables.js';
import type { GenerateOptions } from './generate.js';
import type { StoreWriter } from './writers/index.js';

export interface Prepared {
  run: Run;
  state: GeneratorState;
  columns: OrderIdColumns;
  created: boolean;
}

/** What the database holds already, read before the writer takes its connections. */
export interface Found {
  tables: string[];
  hasMarker: boolean;
  refundColumns: string[];
}

/** Safety checks, table creation and the run's plan; leaves the marker saying 'writing'. */
export async function prepare(sourceTz: string, db: Db, io: StoreWriter, opts: GenerateOptions, found: Found): Promise<Prepared> {
  const { tables, hasMarker } = found;
  let state: GeneratorState;
  let columns: OrderIdColumns;
  let created = false;
  if (!hasMarker) {
    if (tables.length > 0 && !opts.force) {
      throw new SafetyError(
        `refusing to write into ${db.label}: it has ${tables.length} ali1688_* table(s) but no ${SYNTHETIC_MARKER} table, so it may be a real Cloud Hub replica; pass --force to add a synthetic store to it anyway`,
      );
    }
    if (opts.advance) throw new UsageError(`${db.label} holds no synthetic store to advance; run "hub-etl generate --orders N" first`);
    if (opts.orders === undefined) throw new UsageError('generate needs --orders N (the number of orders of the new store)');
    const start = opts.start ?? DEFAULT_START;
    const year = Number(start.slice(0, 4));
    if (year < 2010 || year > 2089) throw new UsageError(`--start ${start}: the generator writes stores dated 2010 to 2089 (order ids begin with the two-digit year)`);
    // Adopting tables that exist (--force): the refund table decides between the printed names and
    // order_id (the invoice's order_Id / order_id differ only in case, which neither database minds).
    columns = found.refundColumns.includes('order_ld') ? PRINTED_COLUMNS : found.refundColumns.includes('order_id') || opts.orderIdColumns ? PLAIN_COLUMNS : PRINTED_COLUMNS;
    for (const stmt of sourceDdl(db.dialect, columns)) await io.exec(stmt);
    await io.exec(io.markerDdl);
    // Adopting foreign tables (--force): continue their surrogate ids after the rows already there.
    const firstIds = {} as Record<TableKey, number>;
    const specs = sourceTables(columns);
    for (const k of TABLE_KEYS) {
      const r = await io.query(`select max(id) as m from ${specs[k].name}`);
      firstIds[k] = Number(r[0]?.m ?? 0) + 1;
    }
    state = newState(opts.seed ?? DEFAULT_SEED, sourceTz, start, columns === PLAIN_COLUMNS, firstIds);
    created = true;
  } else {
    state = await loadMarker(io, db.label);
    columns = state.orderIdColumns ? PLAIN_COLUMNS : PRINTED_COLUMNS;
    const clock = new ZoneClock(state.sourceTz);
    const missing = Object.values(sourceTables(columns)).map((s) => s.name).filter((n) => !tables.includes(n));
    if (missing.length > 0) throw new SafetyError(`${db.label} has a ${SYNTHETIC_MARKER} table but lacks ${missing.join(', ')}; drop the database and generate a new store`);
    if (opts.seed !== undefined && opts.seed !== state.seed) throw new UsageError(`the store in ${db.label} was generated with seed ${state.seed}; --seed ${opts.seed} only applies to a new store`);
    if (opts.start !== undefined) {
      throw new UsageError(`the store in ${db.label} continues from its simulated clock (${clock.describe(state.clock)}); --start only applies to a new store`);
    }
    if (opts.orderIdColumns && !state.orderIdColumns) throw new UsageError(`the store in ${db.label} uses the printed column names order_ld / order_Id; --order-id-columns only applies to a new store`);
    if (state.sourceTz !== sourceTz) {
      throw new UsageError(`the store in ${db.label} was generated in time zone ${state.sourceTz}; run with --source-tz ${state.sourceTz} (or HUB_SOURCE_TZ)`);
    }
    if (!opts.advance && opts.orders === undefined) throw new UsageError('generate needs --orders N (or --advance to move the existing store forward)');
  }
  const span: Span = opts.hours !== undefined ? { hours: opts.hours } : { days: opts.days ?? (opts.advance ? 1 : DEFAULT_DAYS) };
  const to = new ZoneClock(state.sourceTz).plus(state.clock, span);
  const orders = opts.orders ?? defaultRate(state, (to - state.clock) / 86_400_000);
  const { run, state: next } = beginRun(state, orders, to);
  await claimMarker(io, db.label, next, created);
  return { run, state: next, columns, created };
}

/** New orders an --advance adds by default: the store's own rate so far. */
function defaultRate(state: GeneratorState, days: number): number {
  const first = state.batches[0];
  if (!first) return 0;
  const spanDays = Math.max(1, (state.clock - first.from) / 86_400_000);
  return Math.round((totalOrders(state) / spanDays) * days);
}

/** The source DDL for a dialect, with the order-id column spellings filled in, one statement per entry. */
export function sourceDdl(dialect: Dialect, columns: OrderIdColumns): string[] {
  const file = new URL(`../../../../sql/source/${dialect}.sql`, import.meta.url);
  const text = fs.readFileSync(file, 'utf8')
    .replaceAll('{{refund_order_col}}', columns.refundOrderCol)
    .replaceAll('{{invoice_order_col}}', columns.invoiceOrderCol);
  return text
    .split(/;[ \t]*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

async function loadMarker(io: StoreWriter, label: string): Promise<GeneratorState> {
  const rows = await io.query(`select status, state from ${SYNTHETIC_MARKER} where id = 1`);
  const row = rows[0];
  if (!row) throw new SafetyError(`${label} has an empty ${SYNTHETIC_MARKER} table; drop the database and generate a new store`);
  const state = JSON.parse(String(row.state)) as GeneratorState;
  if (row.status !== 'ready' || state.status !== 'ready') {
    throw new SafetyError(`a previous generate into ${label} stopped part-way (or is still running); drop the database and generate a new store`);
  }
  return state;
}

/** Saves the planned state as 'writing'; fails if another run got there first. */
async function claimMarker(io: StoreWriter, label: string, state: GeneratorState, created: boolean): Promise<void> {
  const clock = new ZoneClock(state.sourceTz);
  const values = [state.seed, state.sourceTz, clock.naive(state.clock), 'writing', JSON.stringify(state)];
  if (created) {
    await io.run(`insert into ${SYNTHETIC_MARKER} (id, seed, source_tz, sim_clock, status, state) values (1, ?, ?, ?, ?, ?)`, values);
    return;
  }
  const changed = await io.run(`update ${SYNTHETIC_MARKER} set seed = ?, source_tz = ?, sim_clock = ?, status = ?, state = ? where id = 1 and status = 'ready'`, values);
  if (changed !== 1) throw new SafetyError(`another generate is writing into ${label}; try again when it has finished`);
}

export async function saveMarker(io: StoreWriter, state: GeneratorState): Promise<void> {
  const clock = new ZoneClock(state.sourceTz);
  await io.run(`update ${SYNTHETIC_MARKER} set sim_clock = ?, status = ?, state = ? where id = 1`, [clock.naive(state.clock), state.status, JSON.stringify(state)]);
}
