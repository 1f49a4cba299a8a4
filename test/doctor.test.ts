// hub-etl doctor through the real CLI: a good store passes, and each problem it promises to find is found,
// named, and turned into the right exit code (1 on an error, 0 with warnings only).
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import knexFactory from 'knex';
import type { DoctorReport } from '../jobs/doctor/index.js';
import { SOURCE_TABLES } from '../sources/replica.js';
import { freePort } from './mariadb-private.js';
import { type CliResult, MYSQL_ROOT, needMysql, needRedis, runCli, tempMysqlDb, tempSqliteUrl, testWith } from './helpers.js';
import { privateRedis } from './queue-helpers.js';
import { generate } from './stream-helpers.js';

interface Doctor { r: CliResult; report: DoctorReport }

async function doctor(t: ExecutionContext, env: Record<string, string | undefined>, args: string[] = []): Promise<Doctor> {
  const r = await runCli(['doctor', '--json', ...args], { env });
  let report: DoctorReport;
  try {
    report = JSON.parse(r.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
  }
  t.is(r.code, report.ok ? 0 : 1, 'exit 1 exactly when there is an error');
  return { r, report };
}

const find = (d: Doctor, area: string, level: string, re: RegExp) => d.report.checks.find((c) => c.area === area && c.level === level && re.test(c.message));

async function mysqlRoot<T>(fn: (k: knexFactory.Knex) => Promise<T>): Promise<T> {
  const u = new URL(MYSQL_ROOT);
  const k = knexFactory({ client: 'mysql2', connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), multipleStatements: true }, pool: { min: 0, max: 1 } });
  try {
    return await fn(k);
  } finally {
    await k.destroy();
  }
}

const dbName = (url: string) => new URL(url).pathname.slice(1);

test('a good generated SQLite store passes: exit 0, every source and warehouse check ok, and the heap capped', async (t) => {
  const source = tempSqliteUrl(t, 'source.db');
  const warehouse = tempSqliteUrl(t, 'warehouse.db');
  await generate(t, source, ['--orders', '40']);
  t.is((await runCli(['migrate'], { env: { HUB_WAREHOUSE_URL: warehouse } })).code, 0);
  const d = await doctor(t, { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: warehouse });
  t.is(d.r.code, 0);
  t.true(d.report.ok);
  const notOk = d.report.checks.filter((c) => (c.area === 'source' || c.area === 'warehouse') && c.level !== 'ok');
  t.deepEqual(notOk, []);
  t.truthy(find(d, 'source', 'ok', /^ali1688_order: 40 rows$/));
  t.truthy(find(d, 'warehouse', 'ok', /^schema version \d+, as this hub-etl expects$/));
  const heap = Number(/heap limit (\d+) MB/.exec(find(d, 'node', 'ok', /heap limit/)?.message ?? '')?.[1]);
  t.true(heap > 0 && heap < 400, `heap limit ${heap} MB`);
});

test('the plain output has one line per check and the fix under a problem; a missing store is exit 1', async (t) => {
  const source = tempSqliteUrl(t, 'none.db');
  const r = await runCli(['doctor'], { env: { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: tempSqliteUrl(t, 'wh.db') } });
  t.is(r.code, 1);
  const lines = r.stdout.split('\n');
  t.regex(lines[0]!, /^ok {5}node {6}version {5}Node \d+\.\d+\.\d+/);
  const i = lines.findIndex((l) => /^ERROR {2}source {4}connect/.test(l));
  t.true(i > 0, r.stdout);
  t.regex(lines[i + 1]!, /^ {29}-> run "hub-etl generate" for a demo store/);
  t.truthy(lines.find((l) => /^WARN {3}warehouse connect .*does not exist yet$/.test(l)));
  t.regex(r.stdout, /\n1 error, \d+ warnings?: fix the errors before loading\n$/);
});

test('a synthetic store read in another zone than it was written in is an error', async (t) => {
  const source = tempSqliteUrl(t, 'source.db');
  await generate(t, source, ['--orders', '5']);
  const d = await doctor(t, { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: tempSqliteUrl(t, 'wh.db'), HUB_SOURCE_TZ: 'Europe/Berlin' });
  t.is(d.r.code, 1);
  t.truthy(find(d, 'source', 'error', /written in Asia\/Shanghai, but HUB_SOURCE_TZ is Europe\/Berlin/));
});

testWith('mysql')('a good generated MariaDB store passes, and its source and warehouse checks are all ok', async (t) => {
  if (!(await needMysql(t))) return;
  const source = await tempMysqlDb(t, 'hubdoc');
  const warehouse = await tempMysqlDb(t, 'hubdocwh');
  await generate(t, source, ['--orders', '40']);
  t.is((await runCli(['migrate'], { env: { HUB_WAREHOUSE_URL: warehouse } })).code, 0);
  const d = await doctor(t, { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: warehouse });
  t.is(d.r.code, 0);
  t.deepEqual(d.report.checks.filter((c) => (c.area === 'source' || c.area === 'warehouse') && c.level !== 'ok'), []);
  t.truthy(find(d, 'source', 'ok', /^MariaDB \d+\.\d+/));
  t.is(d.report.checks.filter((c) => c.area === 'source' && c.name === 'index').length, 12);
  t.truthy(find(d, 'warehouse', 'ok', /can create, alter and drop tables/));
});

testWith('mysql')('a MariaDB source without the cursor indexes warns naming each table and column, with the CREATE INDEX', async (t) => {
  if (!(await needMysql(t))) return;
  const source = await tempMysqlDb(t, 'hubdoc');
  await generate(t, source, ['--orders', '20']);
  const db = dbName(source);
  await mysqlRoot((k) => k.raw(`drop index idx_order_modify on \`${db}\`.ali1688_order; drop index idx_product_modify on \`${db}\`.ali1688_product; drop index idx_order_line_order on \`${db}\`.ali1688_order_line; drop index idx_logistics_order_order on \`${db}\`.ali1688_logistics_order`));
  const d = await doctor(t, { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: tempSqliteUrl(t) });
  t.is(d.r.code, 0, 'missing indexes are warnings');
  const missing = d.report.checks.filter((c) => c.area === 'source' && c.name === 'index' && c.level === 'warn');
  t.deepEqual(missing.map((c) => c.message.split(' ')[0]), ['ali1688_product.last_update_time', 'ali1688_order.modify_time', 'ali1688_order_line.order_id', 'ali1688_logistics_order.order_id']);
  t.regex(missing[1]!.message, /every run scans the whole table/);
  t.is(missing[1]!.fix, 'create index idx_order_modify_time on ali1688_order (modify_time);');
  t.regex(missing[3]!.message, /message refreshes and hub-etl fetch look the shipments of an order up by order_id, so every refresh scans the whole table/);
  t.is(missing[3]!.fix, 'create index idx_logistics_order_order_id on ali1688_logistics_order (order_id);');
  t.truthy(find(d, 'source', 'ok', /^ali1688_order_refund\.gmt_modified is indexed$/));
  t.truthy(find(d, 'source', 'ok', /^ali1688_order_refund\.order_ld is indexed$/), 'the printed order_ld');
});

testWith('mysql')('a replica whose server zone differs from HUB_SOURCE_TZ warns; one that agrees does not', async (t) => {
  if (!(await needMysql(t))) return;
  const source = await tempMysqlDb(t, 'hubdoc');
  await generate(t, source, ['--orders', '10']);
  // Without the generator's table the store is read as a real replica.
  await mysqlRoot((k) => k.raw(`drop table \`${dbName(source)}\`.hub_etl_generator`));
  const offset = await mysqlRoot(async (k) => Number((await k.raw("select timestampdiff(minute, utc_timestamp(), convert_tz(utc_timestamp(), '+00:00', @@global.time_zone)) as o"))[0][0].o));
  // Etc/GMT-8 is UTC+08:00 (the sign is inverted in these names).
  const same = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset / 60)}`;
  const other = offset === 8 * 60 ? 'UTC' : 'Asia/Shanghai';
  const env = { HUB_SOURCE_URL: source, HUB_WAREHOUSE_URL: tempSqliteUrl(t) };
  const mismatch = await doctor(t, { ...env, HUB_SOURCE_TZ: other });
  t.is(mismatch.r.code, 0);
  const w = find(mismatch, 'source', 'warn', /^the server's time zone is .* but HUB_SOURCE_TZ is /);
  t.truthy(w, JSON.stringify(mismatch.report.checks.filter((c) => c.name === 'time zone')));
  t.regex(w!.fix ?? '', /HUB_SOURCE_TZ must be the zone in which the replica's DATETIME values are written/);
  const agree = await doctor(t, { ...env, HUB_SOURCE_TZ: same });
  t.truthy(find(agree, 'source', 'ok', /^the server's time zone .* and HUB_SOURCE_TZ .* agree/));
  t.falsy(agree.report.checks.find((c) => c.name === 'time zone' && c.level !== 'ok' && /server's time zone/.test(c.message)));
});

testWith('mysql')('an account without SELECT on one table is an error naming it; one without CREATE on the warehouse is named too', async (t) => {
  if (!(await needMysql(t))) return;
  const source = await tempMysqlDb(t, 'hubdoc');
  const warehouse = await tempMysqlDb(t, 'hubdocwh');
  await generate(t, source, ['--orders', '10']);
  const user = `hubdoc_${crypto.randomBytes(4).toString('hex')}`;
  const password = 'Doc@tor:/?#% 1';
  const src = dbName(source);
  const wh = dbName(warehouse);
  await mysqlRoot(async (k) => {
    await k.raw(`create user '${user}'@'%' identified by '${password}'`);
    for (const table of SOURCE_TABLES.filter((x) => x !== 'ali1688_invoice')) await k.raw(`grant select on \`${src}\`.\`${table}\` to '${user}'@'%'`);
    await k.raw(`grant select, insert, update, delete on \`${wh}\`.* to '${user}'@'%'`);
  });
  t.teardown(() => mysqlRoot((k) => k.raw(`drop user if exists '${user}'@'%'`)));
  const asUser = (url: string) => url.replace(/^mysql:\/\/[^@]*@/, `mysql://${user}:${encodeURIComponent(password)}@`);
  const d = await doctor(t, { HUB_SOURCE_URL: asUser(source), HUB_WAREHOUSE_URL: asUser(warehouse) });
  t.is(d.r.code, 1);
  const denied = d.report.checks.filter((c) => c.area === 'source' && c.level === 'error');
  t.is(denied.length, 1, JSON.stringify(denied));
  t.regex(denied[0]!.message, /^ali1688_invoice: the account has no SELECT privilege on it/);
  t.regex(denied[0]!.fix ?? '', new RegExp(`grant select on \`${src}\`\\.\\* to the hub-etl user`));
  t.truthy(find(d, 'source', 'ok', /can read and not write the replica/));
  t.truthy(find(d, 'warehouse', 'error', /^the warehouse account cannot CREATE \(CREATE command denied/));
  for (const out of [d.r.stdout, d.r.stderr]) t.false(out.includes(password) || out.includes(encodeURIComponent(password)));
});

testWith('redis')('Redis: a configured one that does not answer is an error; one with an evicting policy warns', async (t) => {
  if (!(await needRedis(t))) return;
  const env = { HUB_SOURCE_URL: tempSqliteUrl(t, 'none.db'), HUB_WAREHOUSE_URL: tempSqliteUrl(t) };
  const down = await doctor(t, { ...env, HUB_REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  t.truthy(find(down, 'redis', 'error', /^cannot connect to redis:\/\/127\.0\.0\.1:\d+/));
  const redis = await privateRedis(t);
  spawnSync('redis-cli', ['-p', String(redis.port), 'config', 'set', 'maxmemory-policy', 'allkeys-lru']);
  const evicting = await doctor(t, { ...env, HUB_REDIS_URL: redis.url });
  t.truthy(find(evicting, 'redis', 'ok', /Redis \d+\.\d+/));
  t.truthy(find(evicting, 'redis', 'warn', /^maxmemory-policy is allkeys-lru/));
  t.truthy(find(evicting, 'redis', 'ok', /^appendonly is on$/));
});
