// The API-only snapshot streams end to end: a synthetic store read as a replica, the API emulator in front
// of the same store, a run into SQLite and MariaDB warehouses (and a CSV folder). The four streams load the
// six API dimension tables exactly as the store holds them, a second run writes nothing, and after
// `generate --advance` the next run writes exactly the edited and added objects and removes the gone ones.
// Without an API the streams are skipped with one line and the run succeeds.
import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { loadConfig } from '../lib/config.js';
import { createContext, type Context } from '../jobs/context.js';
import { openDb, rawRows, type Db } from '../lib/db.js';
import { createLogger } from '../lib/logger.js';
import { startEmulator, type Emulator } from '../jobs/emulate-api.js';
import type { RunSummary } from '../jobs/engine/engine.js';
import { STREAM_NAMES } from '../jobs/engine/streams.js';
import { API_DIMENSIONS, tableNamed, type Table } from '../sql/warehouse/tables.js';
import { readApiObjects, type ApiKind, type StoredApiObject } from '../sources/synthetic/api-objects.js';
import { transformCategoryAttribute } from '../transforms/category-attribute.js';
import { transformFreightTemplate } from '../transforms/freight-template.js';
import { transformShipFromAddress } from '../transforms/ship-from-address.js';
import { transformStoreCategory } from '../transforms/store-category.js';
import type { TransformOutput } from '../transforms/types.js';
import { cellText, csvObjects, readCsv } from './csv-read.js';
import { gen } from './generate-helpers.js';
import { needRedis, runCli, target, tempDir, tempSqliteUrl, testWith } from './helpers.js';
import { queueContext, queuePrefix, waitFor } from './queue-helpers.js';
import { enqueueRuns } from '../jobs/queue/enqueue.js';
import { startWorker } from '../jobs/queue/worker.js';
import { BACKENDS, freshUrl, run } from './stream-helpers.js';

const TZ = { sourceTz: 'Asia/Shanghai' };
const TWO_53 = 2n ** 53n;
const KINDS: Array<[ApiKind, string]> = [['freight_template', 'freight_templates'], ['ship_from_address', 'ship_from_addresses'], ['store_category', 'store_categories']];
/** This seed's store edits, adds and removes objects of every kind within 12 simulated days. */
const STORE = { orders: 150, seed: 23 };

type Cells = Record<string, string | null>;
type Tables = Map<string, Map<string, Cells>>;

const keyOf = (t: Table, r: Cells) => t.primaryKey.map((k) => r[k]).join('\u0001');

function cellsOf(t: Table, r: Record<string, unknown>): Cells {
  return Object.fromEntries(t.columns.map((c) => [c.name, cellText(r[c.name])]));
}

/** A context reading the store as a replica, with the emulator as its API (HUB_API_URL and credentials). */
function apiContext(t: ExecutionContext, store: string, warehouse: string, emu: Emulator | null): Context {
  const c = emu?.credentials;
  const config = loadConfig({
    source: store,
    warehouse,
    ...(emu && c ? { apiUrl: emu.gatewayUrl, apiAppKey: c.appKey, apiAppSecret: c.appSecret, apiAccessToken: c.accessToken, apiRate: '1000', apiConcurrency: '8' } : {}),
  }, {});
  const ctx = createContext(config, createLogger({ format: 'json', level: 'error', silent: true }));
  t.teardown(() => ctx.close());
  return ctx;
}

async function objects(db: Db): Promise<StoredApiObject[]> {
  return (await Promise.all(KINDS.map(([k]) => readApiObjects(db, k)))).flat();
}

/** What the warehouse must hold: each stored object through its transform, and each leaf category in use with its attributes. */
async function expected(store: Db): Promise<Tables> {
  const outs: TransformOutput[] = [];
  for (const o of await objects(store)) {
    if (o.kind === 'freight_template') outs.push(transformFreightTemplate({ template_id: o.objectId, template_data: o.json }, TZ));
    else if (o.kind === 'ship_from_address') outs.push(transformShipFromAddress({ address_id: o.objectId, address_data: o.json }, TZ));
    else outs.push(transformStoreCategory({ store_category_id: o.objectId, parent_store_category_id: o.parentId, store_category_data: o.json }, TZ));
  }
  const inUse = await rawRows<Record<string, unknown>>(store, store.dialect,
    'select c.category_id, c.attributes from ali1688_category c where c.category_id in (select p.category_id from ali1688_product p)');
  for (const c of inUse) outs.push(transformCategoryAttribute({ category_id: String(c.category_id), attributes: String(c.attributes), modify_datetime: null }, TZ));
  const out: Tables = new Map(API_DIMENSIONS.map((t) => [t.name, new Map()]));
  for (const o of outs) {
    for (const [name, rows] of Object.entries(o)) {
      const t = tableNamed(name);
      for (const r of rows) out.get(name)!.set(keyOf(t, cellsOf(t, r)), cellsOf(t, r));
    }
  }
  return out;
}

async function warehouseTables(url: string): Promise<Tables> {
  const db = await openDb(target(url));
  try {
    const out: Tables = new Map();
    for (const t of API_DIMENSIONS) {
      const rows = await rawRows<Record<string, unknown>>(db, db.dialect, `select ${t.columns.map((c) => c.name).join(', ')} from ${t.name}`);
      out.set(t.name, new Map(rows.map((r) => [keyOf(t, cellsOf(t, r)), cellsOf(t, r)])));
    }
    return out;
  } finally {
    await db.close();
  }
}

function sameTables(t: ExecutionContext, got: Tables, want: Tables, when: string): void {
  for (const table of API_DIMENSIONS) {
    const g = got.get(table.name)!;
    const w = want.get(table.name)!;
    t.true(w.size > 0, `${when}: the store has ${table.name} rows`);
    t.deepEqual([...g.keys()].sort(), [...w.keys()].sort(), `${when}: keys of ${table.name}`);
    for (const [k, row] of w) t.deepEqual(g.get(k), row, `${when}: ${table.name} ${k}`);
  }
}

/** Tables as plain objects with rows in key order, for comparing without regard to the order rows came in. */
const plain = (ts: Tables) => Object.fromEntries([...ts].map(([name, rows]) => [name, Object.fromEntries([...rows].sort(([a], [b]) => a.localeCompare(b)))]));

const byStream = (rs: RunSummary[]) => new Map(rs.map((r) => [r.stream, r]));

/** Objects edited, added and removed between two readings of the store, by kind. */
function changes(before: StoredApiObject[], after: StoredApiObject[], kind: ApiKind) {
  const b = new Map(before.filter((o) => o.kind === kind).map((o) => [o.objectId, o.json]));
  const a = new Map(after.filter((o) => o.kind === kind).map((o) => [o.objectId, o.json]));
  return {
    edited: [...a].filter(([id, json]) => b.has(id) && b.get(id) !== json).map(([id]) => id),
    added: [...a.keys()].filter((id) => !b.has(id)),
    removed: [...b.keys()].filter((id) => !a.has(id)),
  };
}

for (const backend of BACKENDS) {
  testWith(backend)(`${backend}: the API dimensions load through the API beside a replica, exact; a second run writes nothing; after --advance edits and removals follow the store`, async (t) => {
    const wh = await freshUrl(t, backend, 'snapwh');
    if (!wh) return;
    const storeUrl = tempSqliteUrl(t, 'store.db');
    await gen(t, storeUrl, STORE);
    const emu = await startEmulator({ store: storeUrl });
    t.teardown(() => emu.close());
    const store = await openDb(target(storeUrl));
    t.teardown(() => store.close());
    const ctx = apiContext(t, storeUrl, wh, emu);

    const first = byStream(await run(ctx));
    t.deepEqual([...first.keys()], STREAM_NAMES, 'every stream runs, the API ones after the replica ones');
    for (const s of ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes']) {
      t.like(first.get(s), { status: 'succeeded', rowsRejected: 0 }, s);
      t.is(first.get(s)!.rowsUpserted, first.get(s)!.rowsRead, s);
    }
    sameTables(t, await warehouseTables(wh), await expected(store), 'first run');
    // The replica streams read the replica: the API was asked only what only it has (the list items carry
    // categoryID, so no alibaba.product.get).
    t.deepEqual(Object.keys(emu.stats.byOperation).sort(), [
      'alibaba.category.attribute.get', 'alibaba.logistics.freightTemplate.getList', 'alibaba.logistics.mySendGoodsAddress.list.get',
      'alibaba.product.list.get', 'category.getSelfCatlist', 'currentTime',
    ]);

    // Ids above 2^53 arrive digit for digit; fees are yuan with two decimals, as the JSON writes them.
    const loaded = await warehouseTables(wh);
    for (const table of ['dim_freight_template', 'dim_ship_from_address', 'dim_store_category']) {
      const t0 = tableNamed(table);
      const ids = [...loaded.get(table)!.values()].map((r) => r[t0.primaryKey[0]!]!);
      t.true(ids.some((id) => BigInt(id) > TWO_53), `${table} has an id above 2^53`);
    }
    const big = (await readApiObjects(store, 'freight_template')).find((o) => BigInt(o.objectId) > TWO_53)!;
    const fee = /"firstUnitFee":"?(\d+)"?/.exec(big.json)![1]!;
    const rule = loaded.get('dim_freight_template_rule')!.get([big.objectId, 'express', '1'].join('\u0001'))!;
    t.is(rule.first_unit_fee, `${fee}.00`);
    t.is(rule.freight_template_id, big.objectId);

    const second = byStream(await run(ctx));
    for (const s of ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes']) {
      t.is(second.get(s)!.rowsUpserted, 0, `${s}: nothing changed`);
      t.is(second.get(s)!.rowsUnchanged, first.get(s)!.rowsRead, s);
    }

    const before = await objects(store);
    await gen(t, storeUrl, { advance: true, days: 12 });
    const after = await objects(store);
    const third = byStream(await run(ctx));
    const wanted = await expected(store);
    sameTables(t, await warehouseTables(wh), wanted, 'after --advance');
    for (const [kind, stream] of KINDS) {
      const c = changes(before, after, kind);
      t.true(c.removed.length > 0 && c.edited.length + c.added.length > 0, `${kind}: the store removed some and edited or added some (${JSON.stringify(c)})`);
      t.is(third.get(stream)!.rowsUpserted, c.edited.length + c.added.length, `${stream}: exactly the edited and added objects are written`);
      t.is(third.get(stream)!.rowsRead, after.filter((o) => o.kind === kind).length, stream);
    }
    // The removed templates took their fee rules along.
    const gone = changes(before, after, 'freight_template').removed;
    const rules = await warehouseTables(wh);
    t.false([...rules.get('dim_freight_template_rule')!.values()].some((r) => gone.includes(r.freight_template_id!)));
    const whDb = await openDb(target(wh));
    t.teardown(() => whDb.close());
    const states = await rawRows<{ n: unknown }>(whDb, whDb.dialect, "select count(*) as n from etl_row_state where stream = 'ship_from_addresses'");
    t.is(Number(states[0]!.n), after.filter((o) => o.kind === 'ship_from_address').length, 'fingerprints of removed units go too');
  });
}

test('a replica source without an API skips the API streams with one line; the run succeeds and status shows them never loaded', async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await gen(t, src, { orders: 60, seed: 5 });
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_API_URL: undefined, HUB_LOG_LEVEL: 'info' };
  const r = await runCli(['run'], { env });
  t.is(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('no API configured'));
  t.is(lines.length, 1);
  t.regex(lines[0]!, /no API configured: freight_templates, ship_from_addresses, store_categories, category_attributes skipped; set HUB_API_URL/);
  t.false(/freight_templates/.test(r.stdout), 'no summary for a stream that did not run');
  const status = await runCli(['status', '--max-lag', '30m'], { env });
  t.is(status.code, 0, status.stdout + status.stderr);
  t.regex(status.stdout, /^freight_templates +— /m);
  t.regex(status.stdout, /freight_templates, ship_from_addresses, store_categories, category_attributes: only the 1688 API has them and no API is configured \(set HUB_API_URL\)/);
  t.regex(status.stdout, /lag check: every stream within 30m/);
  const db = await openDb(target(wh));
  t.teardown(() => db.close());
  t.deepEqual(await rawRows(db, db.dialect, "select run_id from etl_run where stream in ('freight_templates', 'category_attributes')"), []);
});

testWith('redis')('a worker without an API completes a queued run of an API stream as skipped, not failed', async (t) => {
  if (!(await needRedis(t))) return;
  const src = tempSqliteUrl(t, 'src.db');
  await gen(t, src, { orders: 30, seed: 5 });
  const worker = await startWorker(queueContext(t, { source: src, warehouse: tempSqliteUrl(t, 'wh.db'), prefix: queuePrefix(t) }), { concurrency: 1, migrate: true });
  t.teardown(() => worker.close());
  const [queued] = await enqueueRuns(worker.queues, { streams: ['store_categories'], mode: 'incremental', requestedBy: 'test' });
  await waitFor('the run job to complete', async () => (await worker.queues.runs.getJobState(queued!.jobId)) === 'completed', 30_000);
  const job = (await worker.queues.runs.getJob(queued!.jobId))!;
  t.like(job.returnvalue, { stream: 'store_categories', status: 'skipped', rowsRead: 0 });
  t.is(job.attemptsMade, 1);
});

const CSV_FILE = /^(.+)\.run(\d{8})(\.full|\.empty|\.removed)?\.csv$/;

/** A consumer of the CSV folder: files in run order; child sets replaced per parent; a .removed file deletes the units it names. */
function replay(dir: string): Tables {
  const out: Tables = new Map(API_DIMENSIONS.map((t) => [t.name, new Map()]));
  const files = fs.readdirSync(dir).filter((f) => CSV_FILE.test(f) && API_DIMENSIONS.some((t) => f.startsWith(`${t.name}.run`)));
  files.sort((a, b) => CSV_FILE.exec(a)![2]!.localeCompare(CSV_FILE.exec(b)![2]!) || a.localeCompare(b));
  for (const f of files) {
    const [, name, , kind] = CSV_FILE.exec(f)!;
    const t = tableNamed(name!);
    const file = readCsv(path.join(dir, f));
    const rows = csvObjects(file);
    const current = out.get(t.name)!;
    if (kind === '.removed') {
      const column = file.header[0]!;
      const gone = new Set(rows.map((r) => r[column]));
      for (const [k, r] of current) if (gone.has(r[column]!)) current.delete(k);
      continue;
    }
    if (t.parentKey) {
      const parents = new Set(rows.map((r) => r[t.parentKey![0]!]));
      for (const [k, r] of current) if (parents.has(r[t.parentKey[0]!]!)) current.delete(k);
    }
    if (kind !== '.empty') for (const r of rows) current.set(keyOf(t, r), cellsOf(t, r));
  }
  return out;
}

test('into a CSV folder, a snapshot run names the units the API no longer has in .removed files, and the files replay to the SQL warehouse', async (t) => {
  const storeUrl = tempSqliteUrl(t, 'store.db');
  await gen(t, storeUrl, STORE);
  const emu = await startEmulator({ store: storeUrl });
  t.teardown(() => emu.close());
  const dir = tempDir(t);
  const wh = tempSqliteUrl(t, 'wh.db');
  const streams = ['freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes'];
  const csv = apiContext(t, storeUrl, `csv:${dir}`, emu);
  const sql = apiContext(t, storeUrl, wh, emu);
  const store = await openDb(target(storeUrl));
  t.teardown(() => store.close());
  await run(csv, { streams });
  await run(sql, { streams });
  const before = await objects(store);
  await gen(t, storeUrl, { advance: true, days: 12 });
  const after = await objects(store);
  const second = byStream(await run(csv, { streams }));
  await run(sql, { streams });
  t.deepEqual(plain(replay(dir)), plain(await warehouseTables(wh)));
  const removedFile = fs.readdirSync(dir).find((f) => /^dim_ship_from_address\.run\d{8}\.removed\.csv$/.test(f))!;
  t.truthy(removedFile, 'a .removed file for the addresses');
  const removed = readCsv(path.join(dir, removedFile));
  t.deepEqual(removed.header, ['ship_from_address_id']);
  t.deepEqual(removed.rows.map((r) => r[0]).sort(), changes(before, after, 'ship_from_address').removed.sort());
  const ruleFile = fs.readdirSync(dir).find((f) => /^dim_freight_template_rule\.run\d{8}\.removed\.csv$/.test(f))!;
  t.deepEqual(readCsv(path.join(dir, ruleFile)).header, ['freight_template_id'], 'a child table names the parent whose rows go');
  t.is(second.get('freight_templates')!.rowsUpserted, changes(before, after, 'freight_template').edited.length + changes(before, after, 'freight_template').added.length);
  // The fingerprints of units seen but unchanged survive the sweep: a third run writes nothing.
  const third = await run(csv, { streams });
  t.deepEqual(third.map((s) => s.rowsUpserted), [0, 0, 0, 0]);
});
