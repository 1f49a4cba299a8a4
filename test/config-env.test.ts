// Secrets from files (HUB_*_FILE), the .env file, URL options (TLS) and passwords with reserved characters.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { loadConfig, maskSecrets, parseDbUrl } from '../lib/config.js';
import { loadEnvironment, parseDotEnv } from '../lib/env.js';
import { ConfigError } from '../lib/errors.js';
import { runCli, tempDir } from './helpers.js';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

test('HUB_SOURCE_URL_FILE gives the source URL from a file, its trailing newline removed', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'source-url');
  fs.writeFileSync(file, 'mysql://etl:s%40cret@db.internal:3306/cloudhub\n');
  const c = loadConfig({}, { HUB_SOURCE_URL_FILE: file });
  t.like(c.source, { kind: 'mysql', host: 'db.internal', user: 'etl', password: 's@cret', database: 'cloudhub' });
});

test('a variable and its _FILE both set is an error naming both', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'wh');
  fs.writeFileSync(file, 'sqlite:/tmp/x.db');
  const problems = problemsOf(() => loadConfig({}, { HUB_WAREHOUSE_URL: 'sqlite:/tmp/y.db', HUB_WAREHOUSE_URL_FILE: file }));
  t.deepEqual(problems, ['HUB_WAREHOUSE_URL and HUB_WAREHOUSE_URL_FILE are both set; set one of them']);
});

test('an unreadable _FILE is an error naming the variable and the path', (t) => {
  const missing = path.join(tempDir(t), 'no-such-file');
  const problems = problemsOf(() => loadConfig({}, { HUB_REDIS_URL_FILE: missing }));
  t.is(problems.length, 1);
  t.is(problems[0], `HUB_REDIS_URL_FILE: cannot read the file ${missing} (ENOENT)`);
});

test('any HUB_*_FILE is read, the API secrets included, and the _FILE variable is gone afterwards', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'secret'), 'app-secret-123\r\n');
  fs.writeFileSync(path.join(dir, 'token'), 'tok\n\n');
  const env: NodeJS.ProcessEnv = { HUB_API_APP_SECRET_FILE: path.join(dir, 'secret'), HUB_API_ACCESS_TOKEN_FILE: path.join(dir, 'token'), OTHER_FILE: '/nope' };
  loadEnvironment(env, dir);
  t.deepEqual(env, { HUB_API_APP_SECRET: 'app-secret-123', HUB_API_ACCESS_TOKEN: 'tok', OTHER_FILE: '/nope' });
});

test('.env fills what the environment does not set; variables already set win, in either form', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'pw'), 'from-file');
  fs.writeFileSync(path.join(dir, '.env'), [
    '# hub-etl settings',
    'HUB_SOURCE_TZ=UTC',
    'export HUB_LOG_LEVEL=debug',
    'HUB_QUEUE_PREFIX="from-dotenv"   # a comment',
    'HUB_DASHBOARD_PASSWORD=from-dotenv',
    `HUB_API_APP_SECRET_FILE=${path.join(dir, 'pw')}`,
    'HUB_MULTI="line one',
    'line two"',
    '',
  ].join('\n'));
  const env: NodeJS.ProcessEnv = { HUB_LOG_LEVEL: 'warn', HUB_DASHBOARD_PASSWORD_FILE: path.join(dir, 'pw'), HUB_API_APP_SECRET: 'real' };
  loadEnvironment(env, dir);
  t.deepEqual(env, {
    HUB_SOURCE_TZ: 'UTC',
    HUB_LOG_LEVEL: 'warn',
    HUB_QUEUE_PREFIX: 'from-dotenv',
    HUB_DASHBOARD_PASSWORD: 'from-file',
    HUB_API_APP_SECRET: 'real',
    HUB_MULTI: 'line one\nline two',
  });
});

test('a .env line that is not KEY=value is an error naming the line, never showing it', (t) => {
  const { values, problems } = parseDotEnv('HUB_SOURCE_TZ=UTC\nHUB_SOURCE_URL mysql://u:hunter2@h/db\n\n# fine\nHUB_LOG_LEVEL=info\n', '/x/.env');
  t.deepEqual(values, { HUB_SOURCE_TZ: 'UTC', HUB_LOG_LEVEL: 'info' });
  t.deepEqual(problems, ['/x/.env line 2: not a KEY=value line']);
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, '.env'), 'HUB_SOURCE_URL mysql://u:hunter2@h/db\n');
  const err = t.throws(() => loadEnvironment({}, dir), { instanceOf: ConfigError });
  t.false(err!.message.includes('hunter2'));
});

test('the CLI reads .env from the working directory and HUB_*_FILE, and prints no secret from either', async (t) => {
  const dir = tempDir(t);
  const warehouse = path.join(dir, 'wh.db');
  fs.writeFileSync(path.join(dir, '.env'), `HUB_WAREHOUSE_URL=sqlite:${warehouse}\nHUB_SOURCE_URL=mysql://etl:Dotenv-Secret-9@127.0.0.1:1/nowhere\n`);
  const migrated = await runCli(['migrate'], { cwd: dir });
  t.is(migrated.code, 0, migrated.stderr);
  t.regex(migrated.stdout, new RegExp(`warehouse sqlite:${warehouse.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} migrated`));
  const urlFile = path.join(dir, 'source-url');
  fs.writeFileSync(urlFile, 'mysql://etl:File-Secret-7@127.0.0.1:1/nowhere\n');
  for (const env of [{}, { HUB_SOURCE_URL_FILE: urlFile }]) {
    const r = await runCli(['verify', '--verbose'], { cwd: dir, env });
    t.is(r.code, 1);
    t.regex(r.stderr, /mysql:\/\/etl:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    for (const secret of ['Dotenv-Secret-9', 'File-Secret-7']) t.false(r.stdout.includes(secret) || r.stderr.includes(secret));
  }
  const both = await runCli(['status'], { cwd: dir, env: { HUB_WAREHOUSE_URL: `sqlite:${warehouse}`, HUB_WAREHOUSE_URL_FILE: urlFile } });
  t.is(both.code, 2);
  t.regex(both.stderr, /HUB_WAREHOUSE_URL and HUB_WAREHOUSE_URL_FILE are both set/);
});

test('percent-encoded reserved characters in a password come out decoded', (t) => {
  const p = parseDbUrl('mysql://etl:p%40ss%3Aw%2Frd%23%3F%25%20x@db:3306/hub', 'x');
  t.like(p as object, { user: 'etl', password: 'p@ss:w/rd#?% x', host: 'db', database: 'hub' });
});

test('a password written with a raw @ is masked whole', (t) => {
  t.is(maskSecrets('cannot connect to mysql://etl:p@ss@db:3306/hub: refused'), 'cannot connect to mysql://etl:***@db:3306/hub: refused');
  t.is(maskSecrets('{"source":"mysql://u:pw@h/db","to":"a@b"}'), '{"source":"mysql://u:***@h/db","to":"a@b"}');
  const p = parseDbUrl('mysql://etl:p@ss@db:3306/hub', 'x');
  t.like(p as object, { password: 'p@ss', host: 'db' });
});

test('TLS URL options are read into the target', (t) => {
  const dir = tempDir(t);
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), 'PEM');
  const p = parseDbUrl(`mysql://etl@db:3306/hub?ssl=verify-full&ssl-ca=${dir}/ca.pem&ssl-cert=${dir}/cert.pem&ssl-key=${dir}/key.pem`, 'x');
  t.deepEqual((p as { tls?: unknown }).tls, { mode: 'verify-full', ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem` });
  t.deepEqual((parseDbUrl('mysql://etl@db:3306/hub?ssl=required', 'x') as { tls?: unknown }).tls, { mode: 'required' });
  t.is((parseDbUrl('mysql://etl@db:3306/hub', 'x') as { tls?: unknown }).tls, undefined);
});

test('unknown and inconsistent URL options are errors naming the option, never ignored', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'ca.pem'), 'PEM');
  const cases: Array<[string, RegExp]> = [
    ['?sslmode=x', /HUB_SOURCE_URL: unknown URL option "sslmode"; expected ssl, ssl-ca, ssl-cert, ssl-key/],
    ['?ssl=verify', /HUB_SOURCE_URL: ssl=verify is not one of required, verify-ca, verify-full/],
    ['?ssl=required&ssl=verify-ca', /URL option "ssl" is given twice/],
    [`?ssl=verify-ca&ssl-ca=${dir}/missing.pem`, new RegExp(`ssl-ca file ${dir}/missing.pem cannot be read \\(ENOENT\\)`)],
    [`?ssl-ca=${dir}/ca.pem`, /ssl-ca needs an ssl option/],
    [`?ssl=required&ssl-ca=${dir}/ca.pem`, /ssl=required does not check the server's certificate/],
    [`?ssl=verify-ca&ssl-cert=${dir}/ca.pem`, /ssl-cert and ssl-key go together/],
  ];
  for (const [query, expected] of cases) {
    const problems = problemsOf(() => loadConfig({}, { HUB_SOURCE_URL: `mysql://etl:Pw-Never-Shown@db:3306/hub${query}` }));
    t.is(problems.length, 1, query);
    t.regex(problems[0]!, expected, query);
    t.false(problems[0]!.includes('Pw-Never-Shown'));
  }
  const redis = problemsOf(() => loadConfig({}, { HUB_REDIS_URL: 'redis://127.0.0.1:6379/0?tls=true' }));
  t.regex(redis[0]!, /HUB_REDIS_URL: unknown URL option "tls"/);
});
