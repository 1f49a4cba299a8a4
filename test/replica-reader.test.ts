// The replica reader on a generated store: units in cursor order, child sets whole, resumable positions.
import test from 'ava';
import { ReplicaReader } from '../sources/replica-reader.js';
import type { SourceUnit } from '../sources/source.js';
import { gen, openStore } from './generate-helpers.js';
import { tempSqliteUrl } from './helpers.js';

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
