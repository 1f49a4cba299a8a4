import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startWorker } from '../jobs/queue/worker.js';
import { LATEST_VERSION, MIGRATIONS } from '../sql/warehouse/migrations.js';
import { CLI, needMysql, needRedis, REDIS_URL, ROOT, runCli, tempSqliteUrl, testWith } from './helpers.js';
import { needTool } from './ops-helpers.js';
import { queueContext, queuePrefix } from './queue-helpers.js';
import { generate } from './stream-helpers.js';

test('--help and --version exit 0', async (t) => {
  const help = await runCli(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: hub-etl/);
  const version = await runCli(['--version']);
  t.is(version.code, 0);
  t.regex(version.stdout, /^\d+\.\d+\.\d+/);
});

const COMMANDS = ['backfill', 'dashboard', 'demo', 'docs', 'doctor', 'emulate-api', 'export', 'fetch', 'generate', 'listen', 'migrate', 'run', 'scheduler', 'status', 'verify', 'worker'];

test('every sub-command has --help, and the list above is every sub-command (with commander\'s own help)', async (t) => {
  const top = await runCli(['--help']);
  t.regex(top.stdout, /PostgreSQL/, 'the warehouse kinds are named');
  const listed = top.stdout.split('Commands:')[1]!.split('\n').map((l) => /^ {2}([a-z-]+)/.exec(l)?.[1]).filter((c): c is string => !!c);
  t.deepEqual(listed, [...COMMANDS, 'help'].sort());
  const helps = await Promise.all(COMMANDS.map((cmd) => runCli([cmd, '--help'])));
  COMMANDS.forEach((cmd, i) => {
    const r = helps[i]!;
    t.is(r.code, 0, cmd);
    t.regex(r.stdout, new RegExp(`Usage: hub-etl ${cmd} \\[options\\]`));
    t.regex(r.stdout, /-h, --help/, cmd);
    t.is(r.stderr, '', cmd);
  });
});

test('hub-etl with no command prints the help to stderr and exits 2', async (t) => {
  const r = await runCli([]);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /Usage: hub-etl \[options\] \[command\]/);
  t.regex(r.stderr, /Commands:/);
});

// Spelled in pieces so that this file does not match its own search.
const OUTSIDE = [['..', 'shared'].join('/'), ['', 'work', ''].join('/'), ['', 'root', ''].join('/')];

test('no --help text and no source comment refers to a file outside the repository', async (t) => {
  const texts = await Promise.all([['--help'], ...COMMANDS.map((c) => [c, '--help'])].map((a) => runCli(a)));
  for (const r of texts) for (const bad of OUTSIDE) t.false(r.stdout.includes(bad), `${bad} in ${r.stdout.split('\n')[0]}`);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'data', '.git'].includes(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|sh|json|yml|service|example|conf)$/.test(e.name) && e.name !== 'package-lock.json') files.push(p);
    }
  };
  walk(ROOT);
  t.true(files.length > 50);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const bad of OUTSIDE) t.false(text.includes(bad), `${path.relative(ROOT, f)} mentions ${bad}`);
  }
});

testWith('tool:script')('NO_COLOR turns the colours of pretty logs off on a terminal', async (t) => {
  if (!needTool(t, 'script', 'util-linux')) return;
  // script(1) gives the command a terminal, where pretty logs are coloured unless NO_COLOR says otherwise.
  const onTty = (noColor: string | undefined) => {
    // A fresh warehouse each time, so that migrate has something to log.
    const env: NodeJS.ProcessEnv = { ...process.env, HUB_LOG_FORMAT: 'pretty', HUB_WAREHOUSE_URL: tempSqliteUrl(t), TERM: 'xterm-256color' };
    if (noColor === undefined) delete env.NO_COLOR;
    else env.NO_COLOR = noColor;
    return spawnSync('script', ['-qec', `${process.execPath} ${CLI} migrate`, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 }).stdout;
  };
  const coloured = onTty(undefined);
  t.regex(coloured, /migrated to version/);
  t.true(coloured.includes('\u001b['), 'colours without NO_COLOR');
  const plain = onTty('1');
  t.regex(plain, /migrated to version/);
  t.regex(plain, /info {2}/);
  t.false(plain.includes('\u001b['), 'no escape sequence with NO_COLOR=1');
  t.true(onTty('').includes('\u001b['), 'an empty NO_COLOR does not count');
});

test('migrate --json lists the versions it applied and the current one', async (t) => {
  const wh = tempSqliteUrl(t);
  const first = await runCli(['migrate', '--json'], { env: { HUB_WAREHOUSE_URL: wh } });
  t.is(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout) as { applied: Array<{ version: number; name: string }>; current: number };
  t.deepEqual(a.applied.map((m) => m.version), MIGRATIONS.map((m) => m.version));
  t.is(a.current, LATEST_VERSION);
  const again = JSON.parse((await runCli(['migrate', '--json'], { env: { HUB_WAREHOUSE_URL: wh } })).stdout) as { applied: unknown[]; current: number };
  t.deepEqual(again, { ...again, applied: [], current: LATEST_VERSION });
});

testWith('redis')('backfill --json prints the backfill submitted (--detach) and, when watched, its final progress', async (t) => {
  if (!(await needRedis(t))) return;
  const src = tempSqliteUrl(t, 'src.db');
  const wh = tempSqliteUrl(t, 'wh.db');
  await generate(t, src, ['--orders', '40', '--seed', '94']);
  const prefix = queuePrefix(t);
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh, HUB_REDIS_URL: REDIS_URL, HUB_QUEUE_PREFIX: prefix };
  const args = ['backfill', '--stream', 'orders', '--from', '2024-05-01', '--to', '2024-06-01', '--chunk', '10d', '--json'];
  const detached = await runCli([...args, '--detach'], { env });
  t.is(detached.code, 0, detached.stderr);
  const d = JSON.parse(detached.stdout) as { backfill: { id: string; chunks: number; spec: { streams: string[] } }; created: boolean };
  t.true(d.created);
  t.is(d.backfill.chunks, 4);
  t.deepEqual(d.backfill.spec.streams, ['orders']);
  const worker = await startWorker(queueContext(t, { source: src, warehouse: wh, prefix }), { concurrency: 2, migrate: true });
  t.teardown(() => worker.close());
  const watched = await runCli(args, { env });
  t.is(watched.code, 0, watched.stderr);
  const w = JSON.parse(watched.stdout) as { backfill: { id: string }; created: boolean; progress: { complete: boolean; done: number; total: number } };
  t.is(w.backfill.id, d.backfill.id);
  t.false(w.created, 'the same request again');
  t.true(w.progress.complete);
  t.is(w.progress.done, 4);
});

test('an unknown flag prints one line and exits 2', async (t) => {
  const r = await runCli(['status', '--no-such-flag']);
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /unknown option '--no-such-flag'/);
});

test('a bad URL prints one line naming the variable and exits 2', async (t) => {
  const r = await runCli(['status'], { env: { HUB_WAREHOUSE_URL: 'oracle://x/y' } });
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /HUB_WAREHOUSE_URL: "oracle:\/\/x\/y" is not a supported URL/);
});

test('an unknown time zone prints one line naming the flag and exits 2', async (t) => {
  const r = await runCli(['--source-tz', 'Asia/Atlantis', 'status']);
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /--source-tz: "Asia\/Atlantis" is not a known IANA time zone/);
});

test('an unknown stream name exits 2 naming the valid ones', async (t) => {
  const r = await runCli(['run', '--stream', 'ordrs']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown stream ordrs; expected one of categories, products, orders/);
});

testWith('mysql')('a MariaDB password never appears in any output, even when the login fails', async (t) => {
  if (!(await needMysql(t))) return;
  const secret = 'Very-Secret-Pw-42';
  const url = `mysql://hub_nobody:${secret}@127.0.0.1:3306/hub_nowhere`;
  for (const args of [['status'], ['run'], ['verify'], ['migrate']]) {
    const r = await runCli([...args, '--verbose'], { env: { HUB_WAREHOUSE_URL: url, HUB_SOURCE_URL: url.replace('hub_nowhere', 'hub_src_nowhere') } });
    t.is(r.code, 1, args.join(' '));
    t.false(r.stdout.includes(secret), args.join(' '));
    t.false(r.stderr.includes(secret), args.join(' '));
    t.regex(r.stderr, /\*\*\*@127\.0\.0\.1/);
  }
});
