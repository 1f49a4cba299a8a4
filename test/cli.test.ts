import test from 'ava';
import { needMysql, runCli } from './helpers.js';

test('--help and --version exit 0', async (t) => {
  const help = await runCli(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: hub-etl/);
  const version = await runCli(['--version']);
  t.is(version.code, 0);
  t.regex(version.stdout, /^\d+\.\d+\.\d+/);
});

test('every sub-command has --help', async (t) => {
  for (const cmd of ['run', 'migrate', 'status', 'verify']) {
    const r = await runCli([cmd, '--help']);
    t.is(r.code, 0, cmd);
    t.regex(r.stdout, new RegExp(`Usage: hub-etl ${cmd}`));
  }
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

test('a MariaDB password never appears in any output, even when the login fails', async (t) => {
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
