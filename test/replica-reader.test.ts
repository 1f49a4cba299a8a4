// The replica reader on a generated store: units in cursor order, child sets whole, resumable positions.
import test from 'ava';
import { ReplicaReader } from '../sources/replica-reader.js';
import type { SourceUnit } from '../sources/source.js';
import { gen, openStore } from './generate-helpers.js';
import { tempSqliteUrl, testWith } from './helpers.js';
import { BACKENDS, freshUrl } from './stream-helpers.js';

async function readAll(reader: ReplicaReader, stream: string, batchSize: number, after: string | null = null): Promise<SourceUnit[]> {
  const out: SourceUnit[] = [];
  for await (const batch of reader.units(stream, { from: null, to: null, toInclusive: false }, { batchSize, after })) out.push(...batch);
  return out;
}

test('Units come in cursor order, and reading from a unit\'s position yields exactly the units after it', async (t) => {
  const url = tempSqliteUrl(t, 'src.db');
  await gen(t, url, { orders: 120, seed: 7 });
  const db = await openStore(t, url);
  const reader = await ReplicaReader.open(db, 'Asia/Shanghai');
  t.true(reader.synthetic);
  for (const stream of ['orders', 'order_lines', 'shipments', 'categories']) {
    const all = await readAll(reader, stream, 17);
    t.true(all.length > 20, `${stream}: ${all.length} units`);
    const cursors = all.map((u) => u.cursor);
    if (reader.cursorKind(stream) !== 'text') t.deepEqual(cursors, [...cursors].sort(), `${stream} in cursor order`);
    const k = Math.floor(all.length / 3);
    const rest = await readAll(reader, stream, 9, all[k]!.position);
    t.deepEqual(rest.map((u) => u.key), all.slice(k + 1).map((u) => u.key), `${stream} resumed after unit ${k}`);
  }
});

test('An order\'s lines are one unit carrying the order\'s times, and no paging field reaches a row', async (t) => {
  const url = tempSqliteUrl(t, 'src.db');
  await gen(t, url, { orders: 60, seed: 3 });
  const db = await openStore(t, url);
  const reader = await ReplicaReader.open(db, 'Asia/Shanghai');
  const units = await readAll(reader, 'order_lines', 25);
  const lines = await db.knex('ali1688_order_line').count({ n: '*' }).first();
  t.is(units.reduce((a, u) => a + u.rows.length, 0), Number(lines!.n));
  for (const u of units) {
    t.is(u.version, u.cursor);
    for (const r of u.rows) {
      t.is(r.order_id, u.key);
      t.is(r.parent_modify_time, u.cursor);
      t.false('_id' in r || '_cursor' in r);
    }
  }
});

for (const backend of BACKENDS) testWith(backend)(`${backend}: a lookup by order finds every unit of those orders in each stream, VARCHAR and BIGINT order ids alike`, async (t) => {
  const url = await freshUrl(t, backend, 'lookup');
  if (!url) return;
  await gen(t, url, { orders: 80, seed: 11 });
  const db = await openStore(t, url);
  const reader = await ReplicaReader.open(db, 'Asia/Shanghai');
  const withRefund = await db.knex('ali1688_order_refund').select('order_ld as o').limit(1).first();
  const shipped = await db.knex('ali1688_logistics_order').select('order_id as o').limit(1).first();
  const ids = [String(withRefund!.o), String(shipped!.o), '999999999999999999'];
  for (const stream of ['orders', 'order_lines', 'invoices', 'refunds', 'shipments', 'shipment_events']) {
    const all = await readAll(reader, stream, 500);
    const set = stream === 'order_lines' || stream === 'invoices';
    const expected = all.filter((u) => (set ? ids.includes(u.key) : u.rows.some((r) => ids.includes(r.order_id ?? ''))));
    t.true(expected.length > 0, stream);
    const found = await reader.lookup(stream, 'order', ids);
    const byKey = (units: SourceUnit[]) => Object.fromEntries(units.map((u) => [u.key, { version: u.version, rows: u.rows }]));
    t.deepEqual(byKey(found), byKey(expected), stream);
  }
  const product = (await readAll(reader, 'products', 500))[3]!;
  const [p] = await reader.lookup('products', 'key', [product.key]);
  t.deepEqual(p, product);
  await t.throwsAsync(reader.lookup('products', 'order', ids), { message: /no order id/ });
});
