import test from 'ava';
import { loadConfig, maskSecrets, parseDbUrl } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';

test('with nothing set, source and warehouse are SQLite files under ./data and the zone is Asia/Shanghai', (t) => {
  const c = loadConfig({}, {});
  t.is(c.source.kind, 'sqlite');
  t.regex('file' in c.source ? c.source.file : '', /data[\\/]source\.db$/);
  t.regex('file' in c.warehouse ? c.warehouse.file : '', /data[\\/]warehouse\.db$/);
  t.is(c.sourceTz, 'Asia/Shanghai');
  t.is(c.redis.port, 6379);
});

test('a flag wins over its environment variable, which wins over the default', (t) => {
  const env = { HUB_SOURCE_URL: 'mysql://root@127.0.0.1:3306/from_env', HUB_SOURCE_TZ: 'UTC' };
  const fromEnv = loadConfig({}, env);
  t.like(fromEnv.source, { kind: 'mysql', database: 'from_env' });
  t.is(fromEnv.sourceTz, 'UTC');
  const fromFlag = loadConfig({ source: 'mysql://root@127.0.0.1:3306/from_flag', sourceTz: 'Europe/Berlin' }, env);
  t.like(fromFlag.source, { kind: 'mysql', database: 'from_flag' });
  t.is(fromFlag.sourceTz, 'Europe/Berlin');
});

test('every invalid value is reported at once, each naming its variable or flag', (t) => {
  const err = t.throws(() => loadConfig({ redis: 'http://x' }, { HUB_SOURCE_URL: 'postgres://a/b', HUB_WAREHOUSE_URL: 'mysql://root@h', HUB_SOURCE_TZ: 'Mars/Olympus' }), { instanceOf: ConfigError });
  const problems = (err as ConfigError).problems;
  t.is(problems.length, 4);
  t.true(problems.some((p) => p.startsWith('HUB_SOURCE_URL:')));
  t.true(problems.some((p) => p.startsWith('HUB_WAREHOUSE_URL:') && p.includes('database name')));
  t.true(problems.some((p) => p.startsWith('HUB_SOURCE_TZ:') && p.includes('Mars/Olympus')));
  t.true(problems.some((p) => p.startsWith('--redis:')));
});

test('passwords never appear in configuration errors', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_SOURCE_URL: 'mysql://root:s3cr3t-pw@db.example:abc/x' }), { instanceOf: ConfigError });
  t.false((err as Error).message.includes('s3cr3t-pw'));
  t.is(maskSecrets('mysql://u:p%40ss@h:3306/d and redis://:topsecret@r:6379'), 'mysql://u:***@h:3306/d and redis://:***@r:6379');
});

test('the warehouse may not be the source database', (t) => {
  const err = t.throws(() => loadConfig({}, { HUB_SOURCE_URL: 'mysql://root@h:3306/same', HUB_WAREHOUSE_URL: 'mysql://root@h:3306/same' }), { instanceOf: ConfigError });
  t.regex((err as Error).message, /never writes to a source/);
});

test('MySQL URLs keep user, password, host, port and database', (t) => {
  const p = parseDbUrl('mysql://etl:p%2Fw@10.0.0.5:3307/hub_wh', 'x');
  t.like(p as object, { kind: 'mysql', user: 'etl', password: 'p/w', host: '10.0.0.5', port: 3307, database: 'hub_wh' });
});
