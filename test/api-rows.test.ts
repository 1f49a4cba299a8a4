// The API reader's rows against the replica reader's, stream by stream and column by column on one
// synthetic store: the same columns, the same values, blob columns byte for byte, save the few values
// the API cannot know (Cloud Hub's own row dates and times) and the generator's own quirks, each named.
import test from 'ava';
import { openDb } from '../lib/db.js';
import { ReplicaReader } from '../sources/replica-reader.js';
import type { SourceReader, SourceUnit } from '../sources/source.js';
import { emulated } from './emulator-helpers.js';
import { target } from './helpers.js';
import { apiReader } from './api-source-helpers.js';

/** Row key within a stream (a unit may hold several rows). */
const ROW_KEY: Record<string, (r: Record<string, string | null>) => string> = {
  categories: (r) => r.category_id!,
  products: (r) => r.product_id!,
  orders: (r) => r.order_id!,
  order_lines: (r) => r.sub_item_id!,
  invoices: (r) => `${r.order_id}:${r.local_invoice_id}`,
  refunds: (r) => r.refund_id!,
  shipments: (r) => r.logistic_id!,
  shipment_events: (r) => r.logistic_id!,
};

/**
 * Columns that may differ, and why. Bookkeeping: values Cloud Hub writes that the API does not serve.
 * Generator: replica columns the synthetic store writes without putting them in the blob the API serves
 * (the transforms read the blob's value first, so the warehouse is the same).
 */
const MAY_DIFFER: Record<string, string[]> = {
  // Bookkeeping: the category's row times and the store's own category; a non-leaf's attributes are '', '[]', '{}' or 'null' at random.
  categories: ['create_datetime', 'modify_datetime', 'user_category_id', 'user_category_name', 'attributes'],
  // A product whose replica row has no blob: 1688 serves its record all the same (and its SKUs' item numbers are those of the column).
  products: ['product_datas'],
  // A SQLite store's NUMERIC affinity turns the decimal(10,3) text '12.300' into 12.3; the API reader writes the column's type, as MariaDB returns it.
  order_lines: ['refund'],
  // Generator: 1% of orders have sum_product_payment '' or NULL in the column only.
  orders: ['sum_product_payment'],
  // Generator: 1% of invoices say invoiceType 9 in the blob and 0/1 in the column.
  invoices: ['invoice_type'],
  // The replica wraps 20% of refund models ({"result":…}, {"opOrderRefundModelDetail":…}, a one-element array); the API's result is {"opOrderRefundModelDetail":model}.
  refunds: ['order_refund_data'],
  // Bookkeeping: the day Cloud Hub last wrote the row.
  shipments: ['gmt_modified'],
};

async function rowsOf(reader: SourceReader, stream: string, now: Date): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  const to = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const kind = reader.cursorKind(stream);
  const w = kind === 'text' ? { from: null, to: null, toInclusive: false } : { from: null, to, toInclusive: false };
  for await (const batch of reader.units(stream, w, { batchSize: 100 })) for (const u of batch as SourceUnit[]) for (const r of u.rows) out.set(ROW_KEY[stream]!(r), r);
  return out;
}

test('the API reader hands over the replica reader\'s rows: the same columns and values, blobs byte for byte, save what is named', async (t) => {
  const f = await emulated(t, { orders: 150, storeSeed: 29 });
  if (!f) return;
  const db = await openDb(target(f.url), { readOnly: true });
  t.teardown(() => db.close());
  const replica = await ReplicaReader.open(db, 'Asia/Shanghai');
  const api = apiReader(t, f.emu.gatewayUrl);
  const now = await replica.now();
  t.deepEqual((await api.now()).toISOString(), now.toISOString(), 'currentTime is the store\'s clock');
  const report: Record<string, Record<string, number>> = {};
  const unexpected: string[] = [];
  for (const stream of Object.keys(ROW_KEY)) {
    const a = await rowsOf(replica, stream, now);
    const b = await rowsOf(api, stream, now);
    t.true(a.size > 0, stream);
    t.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `${stream}: the same rows`);
    for (const [k, ra] of a) {
      const rb = b.get(k);
      if (!rb) continue;
      t.deepEqual(Object.keys(rb).sort(), Object.keys(ra).sort(), `${stream} ${k}: the same columns`);
      for (const c of Object.keys(ra)) {
        if (ra[c] === rb[c]) continue;
        (report[stream] ??= {})[c] = (report[stream]![c] ?? 0) + 1;
        if (!(MAY_DIFFER[stream] ?? []).includes(c)) unexpected.push(`${stream} ${k}.${c}: replica ${String(ra[c]).slice(0, 200)} ≠ API ${String(rb[c]).slice(0, 200)}`);
      }
      // A refund's model is the same text inside whatever wrapper the replica gave it.
      if (stream === 'refunds') t.true(ra.order_refund_data!.includes(rb.order_refund_data!.slice('{"opOrderRefundModelDetail":'.length, -1)), `${k}: the same model`);
    }
  }
  t.deepEqual(unexpected.slice(0, 20), []);
  t.log(`columns that differed, rows per stream: ${JSON.stringify(report)}`);
});
