// hub-etl emulate-api as a command: prints its URLs (and the demo credentials when none are configured),
// serves until SIGTERM and exits 0, takes credentials from HUB_API_* without printing them, and refuses a
// database that `hub-etl generate` did not write.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import knexFactory from 'knex';
import type { Emulator } from '../jobs/emulate-api.js';
import { gen } from './generate-helpers.js';
import { CLI, ROOT, runCli, tempDir, tempSqliteUrl } from './helpers.js';
import { gw } from './emulator-helpers.js';

interface Started {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and waits for its first stdout lines. */
async function startCli(t: ExecutionContext, args: string[], env: Record<string, string> = {}, lines = 1): Promise<Started> {
  const clean: NodeJS.ProcessEnv = { ...process.env, HUB_LOG_FORMAT: 'json', ...env };
  for (const k of ['HUB_SOURCE_URL', 'HUB_API_APP_KEY', 'HUB_API_APP_SECRET', 'HUB_API_ACCESS_TOKEN', 'HUB_API_REFRESH_TOKEN']) if (!(k in env)) delete clean[k];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output within 30 s; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.split('\n').length > lines) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited early; stderr: ${err}`));
    });
  });
  return { child, lines: out.trim().split('\n'), stderr: () => err, exit };
}

/** An Emulator-like handle for the signed-call helpers, from the printed URL. */
function handle(line: string, creds: Emulator['credentials']): Emulator {
  const port = Number(/1688\+http:\/\/127\.0\.0\.1:(\d+)/.exec(line)![1]);
  return { url: `http://127.0.0.1:${port}`, credentials: creds } as Emulator;
}

test('emulate-api prints its URLs and the demo credentials, serves, and exits 0 on SIGTERM', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 40 });
  const s = await startCli(t, ['emulate-api', '--store', url, '--port', '0'], {}, 2);
  t.regex(s.lines[0]!, /^hub-etl emulate-api: serving sqlite:.* at 1688\+http:\/\/127\.0\.0\.1:\d+ and pop\+http:\/\/127\.0\.0\.1:\d+$/);
  t.is(s.lines[1], 'demo credentials: HUB_API_APP_KEY=demo-app HUB_API_APP_SECRET=demo-secret HUB_API_ACCESS_TOKEN=demo-access-token HUB_API_REFRESH_TOKEN=demo-refresh-token');
  const emu = handle(s.lines[0]!, { appKey: 'demo-app', appSecret: 'demo-secret', accessToken: 'demo-access-token', refreshToken: 'demo-refresh-token' });
  const r = await gw(emu, 'alibaba.category.get', { categoryID: '0' });
  t.is(r.status, 200, r.text);
  s.child.kill('SIGTERM');
  t.deepEqual(await s.exit, { code: 0, signal: null });
});

test('emulate-api takes its credentials from HUB_API_* and never prints them', async (t) => {
  const url = tempSqliteUrl(t);
  await gen(t, url, { orders: 40 });
  const creds = { appKey: 'app-7788', appSecret: 'S3cret-Value-xyz', accessToken: 'Tok-Access-123', refreshToken: 'Tok-Refresh-456' };
  const env = { HUB_API_APP_KEY: creds.appKey, HUB_API_APP_SECRET: creds.appSecret, HUB_API_ACCESS_TOKEN: creds.accessToken, HUB_API_REFRESH_TOKEN: creds.refreshToken, HUB_LOG_LEVEL: 'debug' };
  const s = await startCli(t, ['emulate-api', '--store', url, '--port', '0'], env);
  const emu = handle(s.lines[0]!, creds);
  t.is((await gw(emu, 'alibaba.category.get', { categoryID: '0' })).status, 200);
  t.is((await gw(emu, 'alibaba.category.get', { categoryID: '0' }, { appKey: 'demo-app' })).status, 400);
  s.child.kill('SIGTERM');
  t.is((await s.exit).code, 0);
  t.is(s.lines.length, 1);
  const all = s.lines.join('\n') + s.stderr();
  t.regex(s.stderr(), /"message":"api call"/);
  for (const secret of [creds.appSecret, creds.accessToken, creds.refreshToken]) t.false(all.includes(secret), secret);
});

test('emulate-api refuses a database without the generator\'s marker table, naming it', async (t) => {
  const file = path.join(tempDir(t), 'replica.db');
  const k = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  await k.raw('create table ali1688_order (id integer primary key, order_id varchar(64))');
  await k.destroy();
  const r = await runCli(['emulate-api', '--store', `sqlite:${file}`, '--port', '0'], { timeoutMs: 30_000 });
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /is not a synthetic store: it has no hub_etl_generator table/);
  const missing = await runCli(['emulate-api', '--store', `sqlite:${file}.nope`, '--port', '0'], { timeoutMs: 30_000 });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /the file does not exist/);
});

test('emulate-api --help describes the transports and the demo credentials; bad flag values exit 2', async (t) => {
  const help = await runCli(['emulate-api', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: hub-etl emulate-api/);
  t.regex(help.stdout, /demo-access-token/);
  const bad = await runCli(['emulate-api', '--fault-rate', '1.5']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--fault-rate/);
  const pairs = await runCli(['emulate-api', '--pop-action', 'nonsense'], { env: { HUB_SOURCE_URL: tempSqliteUrl(t) } });
  t.is(pairs.code, 2);
  t.regex(pairs.stderr, /--pop-action: "nonsense" is not op(eration)?=Action/);
});
