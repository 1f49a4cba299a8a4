// hub-etl generate: determinism, the safety refusal, appending runs, column spellings and the CLI's errors.
import test from 'ava';
import knexFactory from 'knex';
import { allocate, dec3, lossyLong, yuan, yuan4 } from '../sources/synthetic/format.js';
import { sourceDdl } from '../sources/synthetic/generator/prepare.js';
import { taxpayerId } from '../sources/synthetic/parties.js';
import { PRINTED_COLUMNS } from '../sources/synthetic/tables.js';
import { Rng } from '../sources/synthetic/random.js';
import * as vocabulary from '../sources/synthetic/vocabulary.js';
import { gen, openStore, readTable, tableHashes, TABLES } from './generate-helpers.js';
import { MYSQL_ROOT, needMysql, runCli, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';

test('the same seed and arguments give byte-identical tables on SQLite, and another seed differs', async (t) => {
  const urls = [tempSqliteUrl(t, 'a.db'), tempSqliteUrl(t, 'b.db'), tempSqliteUrl(t, 'c.db')];
  const hashes = [];
  for (const [i, url] of urls.entries()) {
    await gen(t, url, { orders: 400, seed: i === 2 ? 8 : 7 });
    await gen(t, url, { advance: true, days: 2 });
    hashes.push(await tableHashes(await openStore(t, url)));
  }
  t.deepEqual(hashes[0], hashes[1]);
  for (const table of TABLES) t.not(hashes[0]![table], hashes[2]![table], `${table} should differ with another seed`);
});

testWith('mysql')('the same seed and arguments give byte-identical tables on MariaDB, with or without the order thread', async (t) => {
  if (!(await needMysql(t))) return;
  const urls = [await tempMysqlDb(t, 'hubgen'), await tempMysqlDb(t, 'hubgen')];
  const hashes = [];
  for (const [i, url] of urls.entries()) {
    await gen(t, url, { orders: 400, seed: 7, chunkOrders: 97, orderThread: i === 1 });
    await gen(t, url, { advance: true, days: 2 });
    hashes.push(await tableHashes(await openStore(t, url)));
  }
  t.deepEqual(hashes[0], hashes[1]);
});

test('chunk size and the order thread do not change the store', async (t) => {
  const a = tempSqliteUrl(t, 'a.db');
  const b = tempSqliteUrl(t, 'b.db');
  await gen(t, a, { orders: 300, seed: 3, chunkOrders: 1000, orderThread: false });
  await gen(t, b, { orders: 300, seed: 3, chunkOrders: 7, orderThread: true });
  t.deepEqual(await tableHashes(await openStore(t, a)), await tableHashes(await openStore(t, b)));
});

test('generate refuses a SQLite database with ali1688 tables it did not create, and --force adds a store to it', async (t) => {
  const url = tempSqliteUrl(t);
  const k = knexFactory({ client: 'better-sqlite3', connection: { filename: url.slice('sqlite:'.length) }, useNullAsDefault: true });
  // A replica's order table, as Cloud Hub creates it, with one row of its own.
  for (const stmt of sourceDdl('sqlite', PRINTED_COLUMNS).filter((s) => /ali1688_order \(/.test(s))) await k.raw(stmt);
  await k.raw(
    "insert into ali1688_order (id, order_id, create_time, modify_time, status, seller_member_id, buyer_member_id, order_datas) values (41, 'replica-row', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'success', 's', 'b', '{}')",
  );
  await k.destroy();

  const refused = await runCli(['generate', '--orders', '50'], { env: { HUB_SOURCE_URL: url } });
  t.is(refused.code, 1);
  const lines = refused.stderr.trim().split('\n');
  t.is(lines.length, 1, refused.stderr);
  t.regex(lines[0]!, /refusing to write into sqlite:.*db\.sqlite.*no hub_etl_generator table.*--force/);

  const forced = await runCli(['generate', '--orders', '50', '--force'], { env: { HUB_SOURCE_URL: url } });
  t.is(forced.code, 0, forced.stderr);
  const db = await openStore(t, url);
  const orders = await readTable(db, 'ali1688_order');
  t.is(orders[0]?.order_id, 'replica-row', 'the rows already there stay untouched');
  t.is(orders.length, 51);
  t.is(orders[1]?.id, '42', 'surrogate ids continue after the rows already there');
});

testWith('mysql')('generate refuses a MariaDB replica it did not create, naming it with the password masked', async (t) => {
  if (!(await needMysql(t))) return;
  const url = await tempMysqlDb(t, 'hubgen');
  const name = url.slice(url.lastIndexOf('/') + 1);
  const user = `${name}_u`.slice(0, 32);
  const root = knexFactory({ client: 'mysql2', connection: { ...mysqlAdmin(), database: name }, pool: { min: 0, max: 1 } });
  await root.raw('create table ali1688_product (id bigint not null primary key)');
  await root.raw(`create user '${user}'@'%' identified by 'S3cret-pw'`);
  await root.raw(`grant all on \`${name}\`.* to '${user}'@'%'`);
  t.teardown(async () => {
    const d = knexFactory({ client: 'mysql2', connection: mysqlAdmin(), pool: { min: 0, max: 1 } });
    await d.raw(`drop user if exists '${user}'@'%'`);
    await d.destroy();
  });
  await root.destroy();
  const u = new URL(MYSQL_ROOT);
  const withPassword = `mysql://${user}:S3cret-pw@${u.host}/${name}`;
  const r = await runCli(['generate', '--orders', '10'], { env: { HUB_SOURCE_URL: withPassword } });
  t.is(r.code, 1);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.true(r.stderr.includes(`mysql://${user}:***@${u.host}/${name}`), r.stderr);
  t.false(r.stderr.includes('S3cret-pw'));
  t.regex(r.stderr, /--force/);
});

function mysqlAdmin() {
  const u = new URL(MYSQL_ROOT);
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) };
}

test('--orders abc exits 2 with one line', async (t) => {
  const r = await runCli(['generate', '--orders', 'abc'], { env: { HUB_SOURCE_URL: tempSqliteUrl(t) } });
  t.is(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0]!, /--orders.*abc.*whole number/);
});

test('a new store needs --orders, and --advance needs a store', async (t) => {
  const url = tempSqliteUrl(t);
  const none = await runCli(['generate'], { env: { HUB_SOURCE_URL: url } });
  t.is(none.code, 2);
  t.regex(none.stderr, /needs --orders/);
  const advance = await runCli(['generate', '--advance'], { env: { HUB_SOURCE_URL: url } });
  t.is(advance.code, 2);
  t.regex(advance.stderr, /no synthetic store to advance/);
});

test('--days with --hours exits 2 naming both; --json prints the result', async (t) => {
  const url = tempSqliteUrl(t);
  const both = await runCli(['generate', '--orders', '50', '--days', '2', '--hours', '3'], { env: { HUB_SOURCE_URL: url } });
  t.is(both.code, 2);
  t.regex(both.stderr.trim(), /^hub-etl: --days and --hours .*give one of them$/);
  const json = await runCli(['generate', '--orders', '50', '--hours', '30', '--json'], { env: { HUB_SOURCE_URL: url } });
  t.is(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as { from: string; to: string; newOrders: number; tables: Record<string, { inserted: number }> };
  t.is(r.newOrders, 50);
  t.is(r.tables.ali1688_order!.inserted, 50);
  t.is(r.to, '2024-05-02 06:00:00');
});

test('the CLI prints rows per table and orders per second', async (t) => {
  const r = await runCli(['generate', '--orders', '120', '--seed', '4'], { env: { HUB_SOURCE_URL: tempSqliteUrl(t) } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /ali1688_order +120 +0/);
  t.regex(r.stdout, /ali1688_order_line +\d[\d,]* +0/);
  t.regex(r.stdout, /orders\/s/);
  t.regex(r.stdout, /2024-05-01 00:00:00 -> 2024-05-31 00:00:00 \(Asia\/Shanghai\)/);
});

test('a second generate appends orders after the simulated clock, continuing ids', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 200, seed: 5, start: '2024-03-01', days: 10 });
  const before = await readTable(await openStore(t, url), 'ali1688_order');
  const second = await gen(t, url, { orders: 100, days: 5 });
  t.is(second.from, '2024-03-11 00:00:00');
  t.is(second.to, '2024-03-16 00:00:00');
  const after = await readTable(await openStore(t, url), 'ali1688_order');
  t.is(after.length, 300);
  const added = after.slice(200);
  t.deepEqual(added.map((r) => r.id), Array.from({ length: 100 }, (_, i) => String(201 + i)));
  for (const r of added) t.true(r.create_time! >= '2024-03-11 00:00:00' && r.create_time! < '2024-03-16 00:00:00', r.create_time!);
  t.deepEqual(after.slice(0, 200).map((r) => r.order_id), before.map((r) => r.order_id));
  const again = await runCli(['generate', '--orders', '5', '--seed', '6'], { env: { HUB_SOURCE_URL: url } });
  t.is(again.code, 2);
  t.regex(again.stderr, /seed 5/);
});

test('--order-id-columns names the refund and invoice order columns order_id', async (t) => {
  const printed = tempSqliteUrl(t, 'printed.db');
  const plain = tempSqliteUrl(t, 'plain.db');
  await gen(t, printed, { orders: 300, seed: 9 });
  await gen(t, plain, { orders: 300, seed: 9, orderIdColumns: true });
  const p = await openStore(t, printed);
  const q = await openStore(t, plain);
  t.true('order_ld' in (await readTable(p, 'ali1688_order_refund'))[0]!);
  t.true('order_id' in (await readTable(p, 'ali1688_invoice'))[0]!, 'order_Id reads back as order_id in lower case');
  const refunds = await readTable(q, 'ali1688_order_refund');
  t.true('order_id' in refunds[0]! && !('order_ld' in refunds[0]!));
  t.deepEqual(refunds.map((r) => r.order_id), (await readTable(p, 'ali1688_order_refund')).map((r) => r.order_ld));
  const cols = (await p.knex.raw("select name from pragma_table_info('ali1688_invoice')")) as Array<{ name: string }>;
  t.true(cols.some((c) => c.name === 'order_Id'), 'the printed spelling order_Id by default');
});

test('money helpers write shortest yuan, three-decimal columns and exact allocations', (t) => {
  const cases: Array<[number, string]> = [[0, '0'], [5, '0.05'], [50, '0.5'], [1230, '12.3'], [1200, '12'], [-460, '-4.6']];
  for (const [v, s] of cases) t.is(yuan(v), s);
  t.is(yuan4(350), '0.035');
  t.is(yuan4(125_000), '12.5');
  t.is(dec3(1230), '12.300');
  t.is(dec3(5), '0.050');
  t.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
  t.deepEqual(allocate(7, [0, 5, 5]), [0, 4, 3]);
  t.deepEqual(allocate(-5, [2, 3]), [-2, -3]);
  t.is(lossyLong('240517803316129437'), '240517803316129440');
});

test('taxpayer ids carry a valid GB 32100 check character', (t) => {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const rng = new Rng(1, 2, 3, 4);
  for (let i = 0; i < 50; i++) {
    const id = taxpayerId(rng, '330782');
    t.regex(id, /^91330782[0-9A-HJ-NPQRTUWXY]{10}$/);
    const sum = [...id.slice(0, 17)].reduce((a, c, k) => a + chars.indexOf(c) * weights[k]!, 0);
    t.is(chars[(31 - (sum % 31)) % 31], id[17]);
  }
});

test('vocabulary strings need no escaping in JSON or SQL, so blobs may embed them as they are', (t) => {
  const bad: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (/["\\\u0000-\u001f\t]/.test(v)) bad.push(`${path}: ${JSON.stringify(v)}`);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    }
  };
  walk(vocabulary, 'vocabulary');
  t.deepEqual(bad, []);
});
