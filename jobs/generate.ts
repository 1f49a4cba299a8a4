// The generate job: writes (or moves forward) a deterministic synthetic 1688 store into the eight
// ali1688_* source tables, and what only the API serves into hub_etl_api_object, on SQLite or MariaDB.
// Refuses any database whose ali1688_* tables it did not create, keeps its own state in
// hub_etl_generator, and streams rows in chunks (bounded memory): on
// MariaDB as LOAD DATA LOCAL INFILE (multi-row INSERTs when the server forbids it, and for updates) over
// two connections while the next chunk is generated; on SQLite with prepared statements, one
// transaction per chunk.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { Config } from '../lib/config.js';
import { createContext, type Context } from './context.js';
import { ConnectError, listColumns, listTables, mysqlLiteral, type Db, type Dialect } from '../lib/db.js';
import { ConfigError, describe, HubError, SafetyError, SourceError, sourceError, UsageError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { isSynthetic, SYNTHETIC_MARKER } from '../sources/replica.js';
import { ZoneClock, type Span } from '../sources/synthetic/clock.js';
import {
  beginRun, categoryChanges, changedOrderChunks, DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START, newOrderChunks, newState, productChunks,
  totalOrders, worldFor, type ChangeSet, type GeneratorState, type Run, type Tally,
} from '../sources/synthetic/store.js';
import type { World } from '../sources/synthetic/orders.js';
import { apiObjectsAt } from '../sources/synthetic/api-store.js';
import { MessageCollector, type EmulatedMessage, type PreviousValues } from '../sources/synthetic/messages.js';
import {
  API_OBJECT_COLUMNS, API_OBJECT_TABLE, PLAIN_COLUMNS, PRINTED_COLUMNS, sourceTables, TABLE_KEYS, type OrderIdColumns, type Row, type TableKey, type TableSpec,
} from '../sources/synthetic/tables.js';

export interface GenerateOptions {
  /** New orders; required for a plain generate, defaults to the store's daily rate with --advance. */
  orders?: number;
  seed?: number;
  /** First day of a new store (YYYY-MM-DD in the source zone). */
  start?: string;
  /** Simulated local days the run covers (default 30, or 1 with --advance). */
  days?: number;
  /** Simulated hours the run covers, instead of days (an --advance of a few hours changes ~1% of a year's store). */
  hours?: number;
  /** Move an existing store's clock forward (default one day). */
  advance?: boolean;
  /** Write even into a database that has ali1688_* tables the generator did not create. */
  force?: boolean;
  /** Name the refund and invoice order-id columns order_id instead of the printed order_ld / order_Id. */
  orderIdColumns?: boolean;
  /** Orders per chunk (memory bound and write granularity). */
  chunkOrders?: number;
  /**
   * Generate new orders in a second thread while this one writes (default: for runs of 5,000 orders
   * or more). The store is the same either way.
   */
  orderThread?: boolean;
  /** Also build the messages Cloud Hub would send for the run's changes (generate --publish / --push). */
  collectMessages?: boolean;
}

export interface TableCounts {
  inserted: number;
  updated: number;
}

export interface GenerateResult {
  target: string;
  seed: number;
  zone: string;
  created: boolean;
  from: string;
  to: string;
  newOrders: number;
  totalOrders: number;
  tables: Record<string, TableCounts>;
  /** Changes by kind: orders.new, orders.status, order_refund.new, logistics_route.changed, products.edits, … */
  changes: Tally;
  seconds: number;
  ordersPerSecond: number;
  /** With collectMessages: the messages for the run's changes, in sending order. */
  messages?: EmulatedMessage[];
}

/**
 * The generator runs in a child process of its own heap settings: V8 heap flags are per process, and
 * the hub-etl command caps its old generation at 256 MB for loads, while a store of millions of orders
 * keeps its catalog and order index in memory (about 400 MB at 1,000,000 orders). The large young
 * generation matters as much: the generator allocates short-lived strings at a high rate, and with
 * V8's default nursery it spends about 40% more CPU time (measured) collecting them.
 */
const CHILD_EXEC_ARGV = ['--max-old-space-size=2048', '--max-semi-space-size=64'];
/** The order thread inside that process: the same young generation. */
const ORDER_THREAD_LIMITS = { maxYoungGenerationSizeMb: 192 };

/** Runs one generate (or --advance) into the source database of the context, in a child process. */
export async function generate(ctx: Context, opts: GenerateOptions): Promise<GenerateResult> {
  // Option clashes fail before anything is written.
  if (opts.days !== undefined && opts.hours !== undefined) throw new UsageError('--days and --hours both set the span of the run; give one of them');
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: CHILD_EXEC_ARGV,
    env: { ...process.env, [CHILD_ENV]: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The child must not outlive this process (it also exits when the IPC channel closes).
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  child.send({ config: ctx.config, opts, log: { level: ctx.logger.level, silent: Boolean(ctx.logger.silent) } } satisfies ChildStart);
  try {
    return await new Promise<GenerateResult>((resolve, reject) => {
      let settled = false;
      child.once('message', (m: WorkerReply) => {
        settled = true;
        if ('result' in m) resolve(m.result);
        else reject(rebuildError(m.error));
      });
      child.once('error', (err) => {
        settled = true;
        reject(err);
      });
      // 'close', not 'exit': it comes after the IPC channel has delivered every message of the child.
      child.once('close', (code, signal) => {
        if (!settled) reject(new Error(`the generate process stopped (${signal ?? `exit code ${code}`}) before it finished`));
      });
    });
  } finally {
    process.removeListener('exit', stop);
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('close', r));
  }
}

interface ChildStart { config: Config; opts: GenerateOptions; log: { level: string; silent: boolean } }
const CHILD_ENV = 'HUB_ETL_GENERATE_CHILD';

const ORDERS_KIND = 'hub-etl-generate-orders';
/** Chunks the order thread may have handed over and not yet seen written (memory bound). */
const CHUNKS_AHEAD = 4;

/** A chunk of new orders as LOAD DATA buffers per table, their rows already numbered. */
interface LoadChunk {
  orders: number;
  tsv: Array<{ key: TableKey; rows: number; buffers: Uint8Array[] }>;
}

/**
 * New orders of a run generated in a second thread, chunk by chunk in order, so that generating and
 * writing each get a core. The thread numbers the rows from `ids` on, exactly as the writer would,
 * and for MariaDB also builds the LOAD DATA buffers (`tsvBytes`), handed over without a copy.
 */
async function* ordersFromThread(state: GeneratorState, run: Run, chunk: number, ids: Record<TableKey, number>, tsvBytes: number | null): AsyncGenerator<ChangeSet | LoadChunk> {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { kind: ORDERS_KIND, state, run, chunk, ids, tsvBytes },
    resourceLimits: ORDER_THREAD_LIMITS,
  });
  const queue: Array<ChangeSet | LoadChunk | null> = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: ChangeSet | LoadChunk | null | { error: string }) => {
    if (m && 'error' in m) failure = new Error(`generating orders failed: ${m.error}`);
    else queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', () => {
    failure ??= new Error('the order thread stopped before it finished');
    notify();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift();
      if (next === undefined) throw failure;
      if (next === null) return;
      worker.postMessage('more');
      yield next;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

type WorkerReply = { result: GenerateResult } | { error: { name: string; message: string; stack?: string; retriable: boolean; problems?: string[] } };

/** The worker's error as the class it was (exit codes and messages depend on it). */
function rebuildError(e: { name: string; message: string; stack?: string; retriable: boolean; problems?: string[] }): Error {
  const classes: Record<string, new (message: string, options?: { retriable?: boolean }) => HubError> = {
    SafetyError, UsageError, SourceError, ConnectError, HubError,
  };
  const Cls = classes[e.name];
  const err = e.name === 'ConfigError' ? new ConfigError(e.problems ?? [e.message]) : Cls ? new Cls(e.message, { retriable: e.retriable }) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** The job itself, in the calling thread. */
async function generateHere(ctx: Context, opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const db = await ctx.source({ writable: true, create: true });
  // What is there already (through knex, before the writer takes SQLite's only connection).
  const found: Found = {
    tables: await listTables(db, 'ali1688_'),
    hasMarker: await isSynthetic(db),
    refundColumns: (await listColumns(db, 'ali1688_order_refund')).map((c) => c.toLowerCase()),
  };
  const io = db.dialect === 'mysql' ? await MysqlIo.open(db) : await SqliteIo.open(db);
  try {
    const prepared = await prepare(ctx, db, io, opts, found);
    const { run, state, columns, created } = prepared;
    const specs = sourceTables(columns);
    const clock = new ZoneClock(state.sourceTz);
    const tally: Tally = {};
    const counts = Object.fromEntries(TABLE_KEYS.map((k) => [specs[k].name, { inserted: 0, updated: 0 }])) as Record<string, TableCounts>;
    const nextId = { ...state.nextId };
    const rows = { ...state.rows };
    const chunk = opts.chunkOrders ?? (db.dialect === 'mysql' ? 400 : 1000);

    // The messages of the changes are built from the rows and the values they replace, read before writing.
    const collector = opts.collectMessages ? new MessageCollector(state.seed, String(run.to), specs) : null;
    const previous: PreviousValues = async (table, keys) => {
      const spec = specs[table];
      const out = new Map<string, Record<string, string | null>>();
      const col = spec.columns[spec.naturalKey]!;
      await io.drain();
      for (let i = 0; i < keys.length; i += 500) {
        const list = keys.slice(i, i + 500).map((k) => (spec.kinds[spec.naturalKey] === 'int' ? String(BigInt(k)) : mysqlLiteral(k))).join(',');
        for (const r of await io.query(`select * from ${spec.name} where ${col} in (${list})`)) {
          out.set(String(r[col]), Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v === null || v === undefined ? null : String(v)])));
        }
      }
      return out;
    };
    const apply = async (c: ChangeSet) => {
      if (collector) await collector.add(c, previous);
      for (const k of TABLE_KEYS) {
        const spec = specs[k];
        const updates = c.updates[k];
        if (updates.length > 0) {
          const ids = await io.lookup(spec, updates);
          const out: Row[] = updates.map(({ row }) => {
            const id = ids.get(row[spec.naturalKey]!);
            if (id === undefined) {
              throw new SafetyError(`${db.label} no longer matches its generator state: ${spec.name} has no row ${row[spec.naturalKey]}; was the store edited by hand? Generate a new store instead`);
            }
            row[0] = id;
            return row;
          });
          await io.write(spec, out, true);
          counts[spec.name]!.updated += out.length;
        }
        const inserts = c.inserts[k];
        if (inserts.length > 0) {
          for (const row of inserts) row[0] = String(nextId[k]++);
          await io.write(spec, inserts, false);
          counts[spec.name]!.inserted += inserts.length;
          rows[k] += inserts.length;
        }
      }
    };

    // Messages are built from row changes, which the order thread's LOAD DATA buffers do not carry.
    const threaded = !collector && (opts.orderThread ?? run.batch.orders >= 5000);
    const existing = async (): Promise<World> => {
      const world = worldFor(state, run.to);
      ctx.logger.info('generating', { target: db.label, from: clock.describe(run.from), to: clock.describe(run.to), newOrders: run.batch.orders, products: world.products.length });
      if (created) await apply(categoryChanges(state, run.from));
      for (const c of productChunks(world, run, chunk, tally)) await apply(c);
      if (!run.isNew) for (const c of changedOrderChunks(world, run, chunk, tally)) await apply(c);
      return world;
    };
    // New orders come last, so a second thread can number their rows from here on as this one would.
    // This thread then keeps no catalog: the buffers it passes on make V8 collect often, and a full
    // collection of a large catalog each time would cost more than everything else here.
    const chunks = threaded ? (await existing(), ordersFromThread(state, run, chunk, nextId, io.tsvBytes)) : newOrderChunks(await existing(), run, chunk, {});
    let done = 0;
    let lastLog = performance.now();
    for await (const c of chunks) {
      if ('tsv' in c) {
        for (const { key, rows: n, buffers } of c.tsv) {
          for (const b of buffers) await io.loadBuffer(specs[key], Buffer.from(b.buffer, b.byteOffset, b.byteLength));
          nextId[key] += n;
          rows[key] += n;
          counts[specs[key].name]!.inserted += n;
        }
        done += c.orders;
      } else {
        await apply(c);
        done += c.inserts.order.length;
      }
      tally['orders.new'] = done;
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        ctx.logger.info('progress', { orders: done, of: run.batch.orders, perSecond: Math.round(done / ((lastLog - t0) / 1000)) });
      }
    }
    await io.drain();
    counts[API_OBJECT_TABLE] = await writeApiObjects(io, db.dialect, columns, state, run.to, tally);
    const finished: GeneratorState = { ...state, nextId, rows, status: 'ready' };
    await saveMarker(io, finished);
    const seconds = (performance.now() - t0) / 1000;
    return {
      target: db.label,
      seed: state.seed,
      zone: state.sourceTz,
      created,
      from: clock.naive(run.from),
      to: clock.naive(run.to),
      newOrders: run.batch.orders,
      totalOrders: totalOrders(finished),
      tables: counts,
      changes: tally,
      seconds,
      ordersPerSecond: run.batch.orders / seconds,
      ...(collector ? { messages: collector.messages() } : {}),
    };
  } finally {
    await io.close();
  }
}

interface Prepared {
  run: Run;
  state: GeneratorState;
  columns: OrderIdColumns;
  created: boolean;
}

interface Found {
  tables: string[];
  hasMarker: boolean;
  refundColumns: string[];
}

/** Safety checks, table creation and the run's plan; leaves the marker saying 'writing'. */
async function prepare(ctx: Context, db: Db, io: Io, opts: GenerateOptions, found: Found): Promise<Prepared> {
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
    await io.exec(markerDdl(db.dialect));
    // Adopting foreign tables (--force): continue their surrogate ids after the rows already there.
    const firstIds = {} as Record<TableKey, number>;
    const specs = sourceTables(columns);
    for (const k of TABLE_KEYS) {
      const r = await io.query(`select max(id) as m from ${specs[k].name}`);
      firstIds[k] = Number(r[0]?.m ?? 0) + 1;
    }
    state = newState(opts.seed ?? DEFAULT_SEED, ctx.config.sourceTz, start, columns === PLAIN_COLUMNS, firstIds);
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
    if (state.sourceTz !== ctx.config.sourceTz) {
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

/**
 * The API-only objects (api-store.ts) at the run's end replace the table's rows: new objects inserted,
 * changed ones updated, removed ones deleted. The table is created here too, so that a store generated
 * before it existed gets it on its next run.
 */
async function writeApiObjects(io: Io, dialect: Dialect, columns: OrderIdColumns, state: GeneratorState, to: number, tally: Tally): Promise<TableCounts> {
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

/** New orders an --advance adds by default: the store's own rate so far. */
function defaultRate(state: GeneratorState, days: number): number {
  const first = state.batches[0];
  if (!first) return 0;
  const spanDays = Math.max(1, (state.clock - first.from) / 86_400_000);
  return Math.round((totalOrders(state) / spanDays) * days);
}

/** The source DDL for a dialect, with the order-id column spellings filled in, one statement per entry. */
export function sourceDdl(dialect: Dialect, columns: OrderIdColumns): string[] {
  const file = new URL(`../../sql/source/${dialect}.sql`, import.meta.url);
  const text = fs.readFileSync(file, 'utf8')
    .replaceAll('{{refund_order_col}}', columns.refundOrderCol)
    .replaceAll('{{invoice_order_col}}', columns.invoiceOrderCol);
  return text
    .split(/;[ \t]*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

function markerDdl(dialect: Dialect): string {
  // The generator's own state; its presence is what marks a database as a synthetic store.
  return dialect === 'mysql'
    ? `create table if not exists ${SYNTHETIC_MARKER} (id int not null primary key, seed bigint not null, source_tz varchar(64) not null, sim_clock varchar(32) not null, status varchar(16) not null, state mediumtext not null) engine = InnoDB default charset = utf8mb4`
    : `create table if not exists ${SYNTHETIC_MARKER} (id integer not null primary key, seed bigint not null, source_tz varchar(64) not null, sim_clock varchar(32) not null, status varchar(16) not null, state text not null)`;
}

async function loadMarker(io: Io, label: string): Promise<GeneratorState> {
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
async function claimMarker(io: Io, label: string, state: GeneratorState, created: boolean): Promise<void> {
  const clock = new ZoneClock(state.sourceTz);
  const values = [state.seed, state.sourceTz, clock.naive(state.clock), 'writing', JSON.stringify(state)];
  if (created) {
    await io.run(`insert into ${SYNTHETIC_MARKER} (id, seed, source_tz, sim_clock, status, state) values (1, ?, ?, ?, ?, ?)`, values);
    return;
  }
  const changed = await io.run(`update ${SYNTHETIC_MARKER} set seed = ?, source_tz = ?, sim_clock = ?, status = ?, state = ? where id = 1 and status = 'ready'`, values);
  if (changed !== 1) throw new SafetyError(`another generate is writing into ${label}; try again when it has finished`);
}

async function saveMarker(io: Io, state: GeneratorState): Promise<void> {
  const clock = new ZoneClock(state.sourceTz);
  await io.run(`update ${SYNTHETIC_MARKER} set sim_clock = ?, status = ?, state = ? where id = 1`, [clock.naive(state.clock), state.status, JSON.stringify(state)]);
}

// ---------------------------------------------------------------------------------------------
// Database I/O: the two families write the same rows their own fastest way.

interface Io {
  exec(sql: string): Promise<void>;
  /** Statement with ? parameters; returns the number of rows changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Surrogate ids of existing rows, by natural key. */
  lookup(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>): Promise<Map<string, string>>;
  /** Inserts (or upserts by id) rows; on MariaDB it may return before the rows are written. */
  write(spec: TableSpec, rows: Row[], upsert: boolean): Promise<void>;
  /** Size of the LOAD DATA buffers this database takes (from a TsvWriter), or null when it takes rows. */
  readonly tsvBytes: number | null;
  loadBuffer(spec: TableSpec, buf: Buffer): Promise<void>;
  /** Waits until every write has finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** How to find existing rows: the indexed column to filter on, and the column holding the hint value. */
const LOOKUP: Record<TableKey, { by: number; hint?: string }> = {
  category: { by: 3 },
  product: { by: 1 },
  order: { by: 1 },
  order_line: { by: 2 },
  order_refund: { by: 1, hint: 'gmt_modified' },
  invoice: { by: 1 },
  logistics_order: { by: 1, hint: 'gmt_modified' },
  logistics_route: { by: 1, hint: 'gmt_modified' },
};

/** Groups updates by hint value and by up to `size` filter values. */
function lookupGroups(spec: TableSpec, updates: Array<{ row: Row; hint: string | null }>, size: number): Array<{ hint: string | null; values: string[] }> {
  const by = LOOKUP[spec.key].by;
  const groups = new Map<string | null, Set<string>>();
  for (const u of updates) {
    const h = LOOKUP[spec.key].hint ? u.hint : null;
    let set = groups.get(h);
    if (!set) groups.set(h, (set = new Set()));
    set.add(u.row[by]!);
  }
  const out: Array<{ hint: string | null; values: string[] }> = [];
  for (const [hint, set] of groups) {
    const all = [...set];
    for (let i = 0; i < all.length; i += size) out.push({ hint, values: all.slice(i, i + size) });
  }
  return out;
}

const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };

/**
 * Turns a table's rows (ids filled in) into LOAD DATA input: tab-separated UTF-8 of about `maxBytes`
 * per buffer, written straight from the strings (no SQL text, no second encoding pass). \N is NULL;
 * \, tab and newline are backslash-escaped (generated text has no tabs or newlines, JSON escapes them).
 * Rows go into a scratch buffer sized for the worst case (3 bytes per UTF-16 unit) and leave in
 * buffers of their exact size: V8 collects garbage by the amount of memory outside its heap too.
 */
export class TsvWriter {
  private scratch: Buffer;

  constructor(private readonly maxBytes: number) {
    this.scratch = Buffer.allocUnsafeSlow(2 * maxBytes);
  }

  buffers(rows: Row[]): Buffer[] {
    const out: Buffer[] = [];
    let scratch = this.scratch;
    let off = 0;
    const cut = () => {
      // Never from Node's shared pool: the order thread hands these buffers over by transfer.
      const b = Buffer.allocUnsafeSlow(off);
      scratch.copy(b, 0, 0, off);
      out.push(b);
      off = 0;
    };
    for (const row of rows) {
      let need = 1;
      for (const v of row) need += v === null ? 3 : v.length * 3 + 1;
      if (off + need > scratch.length) {
        if (off > 0) cut();
        if (need > scratch.length) this.scratch = scratch = Buffer.allocUnsafeSlow(Math.max(need, 2 * scratch.length));
      }
      for (let i = 0; i < row.length; i++) {
        if (i > 0) scratch[off++] = 9;
        const v = row[i]!;
        if (v === null) {
          scratch[off++] = 92;
          scratch[off++] = 78;
        } else {
          off += scratch.write(v.indexOf('\\') < 0 && v.indexOf('\t') < 0 && v.indexOf('\n') < 0 ? v : v.replace(/[\\\t\n]/g, (m) => TSV_ESCAPES[m]!), off, 'utf8');
        }
      }
      scratch[off++] = 10;
      if (off >= this.maxBytes) cut();
    }
    if (off > 0) cut();
    return out;
  }
}

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
}

class MysqlIo implements Io {
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

  static async open(db: Db): Promise<MysqlIo> {
    const client = db.knex.client as Knex.Client;
    const conns: MysqlConn[] = [];
    for (let i = 0; i < 2; i++) conns.push((await client.acquireConnection()) as MysqlConn);
    const probe = new MysqlIo(db, conns, 0, false);
    const [v] = await probe.query('select @@max_allowed_packet as packet, @@local_infile as local_files');
    return new MysqlIo(db, conns, Math.min(8 * 1024 * 1024, Math.floor(Number(v?.packet ?? 4194304) * 0.75)), String(v?.local_files) === '1');
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

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): Array<Record<string, unknown>>;
}
interface SqliteConn {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  transaction<T>(fn: () => T): () => T;
}

class SqliteIo implements Io {
  readonly tsvBytes = null;
  private readonly statements = new Map<string, SqliteStatement>();

  private constructor(private readonly db: Db, private readonly conn: SqliteConn) {}

  static async open(db: Db): Promise<SqliteIo> {
    const client = db.knex.client as Knex.Client;
    return new SqliteIo(db, (await client.acquireConnection()) as SqliteConn);
  }

  private statement(sql: string): SqliteStatement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.conn.prepare(sql)));
    return s;
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

// Child process entry (last, so that every class above is initialised when it runs).
if (isMainThread && process.env[CHILD_ENV] === '1' && process.send) {
  delete process.env[CHILD_ENV];
  // Never outlive the parent: the IPC channel closes when it exits or is killed.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (start: ChildStart) => void runChild(start));
}

async function runChild({ config, opts, log }: ChildStart): Promise<void> {
  const ctx = createContext(config, createLogger({ format: config.logFormat, level: log.level, silent: log.silent }));
  const reply = (m: WorkerReply) => new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  try {
    await reply({ result: await generateHere(ctx, opts) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    await reply({
      error: {
        name: e instanceof HubError ? e.name : 'Error',
        message: e instanceof HubError ? e.message : describe(e),
        ...(e.stack ? { stack: e.stack } : {}),
        retriable: e instanceof HubError && e.retriable,
        ...(e instanceof ConfigError ? { problems: e.problems } : {}),
      },
    });
  } finally {
    await ctx.close().catch(() => undefined);
    // Done: let go of the parent so that this process ends.
    process.removeAllListeners('disconnect');
    process.disconnect();
  }
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === ORDERS_KIND) {
  const { state, run, chunk, ids, tsvBytes } = workerData as { state: GeneratorState; run: Run; chunk: number; ids: Record<TableKey, number>; tsvBytes: number | null };
  let credits = CHUNKS_AHEAD;
  let resume: (() => void) | undefined;
  const tsv = tsvBytes === null ? undefined : new TsvWriter(tsvBytes);
  parentPort!.on('message', () => {
    credits++;
    resume?.();
  });
  try {
    for (const c of newOrderChunks(worldFor(state, run.to), run, chunk, {})) {
      while (credits === 0) await new Promise<void>((r) => (resume = r));
      credits--;
      if (!tsv) {
        parentPort!.postMessage(c);
        continue;
      }
      const out: LoadChunk = { orders: c.inserts.order.length, tsv: [] };
      const transfer: ArrayBuffer[] = [];
      for (const key of TABLE_KEYS) {
        const rows = c.inserts[key];
        if (rows.length === 0) continue;
        for (const row of rows) row[0] = String(ids[key]++);
        const buffers = tsv.buffers(rows);
        for (const b of buffers) transfer.push(b.buffer as ArrayBuffer);
        out.tsv.push({ key, rows: rows.length, buffers });
      }
      parentPort!.postMessage(out, transfer);
    }
    parentPort!.postMessage(null);
  } catch (err) {
    parentPort!.postMessage({ error: describe(err) });
  }
  parentPort!.removeAllListeners();
}
