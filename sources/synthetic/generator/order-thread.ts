// New orders generated in a second thread while the calling one writes: this file is both sides, the
// generator that reads the thread's chunks and (at the end) the thread itself.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { describe } from '../../../lib/errors.js';
import { newOrderChunks, worldFor, type ChangeSet, type GeneratorState, type Run } from '../store.js';
import { TABLE_KEYS, type TableKey } from '../tables.js';
import { TsvWriter } from './writers/tsv.js';

/** A large young generation, as the generate process has (jobs/generate-child.ts says why). */
const ORDER_THREAD_LIMITS = { maxYoungGenerationSizeMb: 192 };
const ORDERS_KIND = 'hub-etl-generate-orders';
/** Chunks the order thread may have handed over and not yet seen written (memory bound). */
const CHUNKS_AHEAD = 4;

/** A chunk of new orders as LOAD DATA buffers per table, their rows already numbered. */
export interface LoadChunk {
  orders: number;
  tsv: Array<{ key: TableKey; rows: number; buffers: Uint8Array[] }>;
}

/**
 * New orders of a run generated in a second thread, chunk by chunk in order, so that generating and
 * writing each get a core. The thread numbers the rows from `ids` on, exactly as the writer would,
 * and for MariaDB also builds the LOAD DATA buffers (`tsvBytes`), handed over without a copy.
 */
export async function* ordersFromThread(state: GeneratorState, run: Run, chunk: number, ids: Record<TableKey, number>, tsvBytes: number | null): AsyncGenerator<ChangeSet | LoadChunk> {
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

// The thread: generates the chunks in order, at most CHUNKS_AHEAD ahead of what the writer has taken.
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
