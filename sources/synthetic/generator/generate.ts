// The generate job: writes (or moves forward) a deterministic synthetic 1688 store into the eight
// ali1688_* source tables, and what only the API serves into hub_etl_api_object, on SQLite or MariaDB.
// Refuses any database whose ali1688_* tables it did not create (prepare.ts), keeps its own state in
// hub_etl_generator, and streams rows in chunks (bounded memory) through the writer of the database's
// family (writers/), new orders generated in a thread of their own (order-thread.ts). The job
// (jobs/generate.ts) opens the database and runs this in a process of its own.
import { listColumns, listTables, type Db } from '../../../lib/db.js';
import { SafetyError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/logger.js';
import { isSynthetic } from '../../replica.js';
import { ZoneClock } from '../clock.js';
import { MessageCollector, type EmulatedMessage, type PreviousValues } from '../messages.js';
import {
  categoryChanges, changedOrderChunks, newOrderChunks, productChunks, totalOrders, worldFor, type ChangeSet, type GeneratorState, type Tally,
} from '../store.js';
import { API_OBJECT_TABLE, sourceTables, TABLE_KEYS, type Row } from '../tables.js';
import type { World } from '../world.js';
import { writeApiObjects } from './api-table.js';
import { ordersFromThread } from './order-thread.js';
import { prepare, saveMarker, type Found } from './prepare.js';
import { openWriter } from './writers/index.js';

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

/** Where a store's naive times are written (HUB_SOURCE_TZ), and where progress goes. */
export interface GenerateEnv {
  sourceTz: string;
  logger: Logger;
}

/** Runs one generate (or --advance) into a source database opened for writing, in this process. */
export async function generateStore(db: Db, opts: GenerateOptions, { sourceTz, logger }: GenerateEnv): Promise<GenerateResult> {
  const t0 = performance.now();
  // What is there already (through knex, before the writer takes SQLite's only connection).
  const found: Found = {
    tables: await listTables(db, 'ali1688_'),
    hasMarker: await isSynthetic(db),
    refundColumns: (await listColumns(db, 'ali1688_order_refund')).map((c) => c.toLowerCase()),
  };
  const io = await openWriter(db);
  try {
    const prepared = await prepare(sourceTz, db, io, opts, found);
    const { run, state, columns, created } = prepared;
    const specs = sourceTables(columns);
    const clock = new ZoneClock(state.sourceTz);
    const tally: Tally = {};
    const counts = Object.fromEntries(TABLE_KEYS.map((k) => [specs[k].name, { inserted: 0, updated: 0 }])) as Record<string, TableCounts>;
    const nextId = { ...state.nextId };
    const rows = { ...state.rows };
    const chunk = opts.chunkOrders ?? io.chunkOrders;

    // The messages of the changes are built from the rows and the values they replace, read before writing.
    const collector = opts.collectMessages ? new MessageCollector(state.seed, String(run.to), specs) : null;
    const previous: PreviousValues = async (table, keys) => {
      const spec = specs[table];
      const out = new Map<string, Record<string, string | null>>();
      const col = spec.columns[spec.naturalKey]!;
      await io.drain();
      for (let i = 0; i < keys.length; i += 500) {
        const list = keys.slice(i, i + 500).map((k) => (spec.kinds[spec.naturalKey] === 'int' ? String(BigInt(k)) : io.quote(k))).join(',');
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
      logger.info('generating', { target: db.label, from: clock.describe(run.from), to: clock.describe(run.to), newOrders: run.batch.orders, products: world.products.length });
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
        logger.info('progress', { orders: done, of: run.batch.orders, perSecond: Math.round(done / ((lastLog - t0) / 1000)) });
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
