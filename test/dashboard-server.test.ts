// The dashboard without a browser: /api/status equals `hub-etl status --json`, /metrics is Prometheus text, exposure is refused without credentials.
import test from 'ava';
import { QUEUE } from '../jobs/queue/names.js';
import { openQueues } from '../jobs/queue/queues.js';
import { STREAM_NAMES } from '../jobs/streams.js';
import { needRedis, runCli, tempSqliteUrl } from './helpers.js';
import { liveDashboard } from './dashboard-helpers.js';

test('/api/status answers the same data as hub-etl status --json', async (t) => {
  if (!(await needRedis(t))) return;
  const { dash, warehouse } = await liveDashboard(t);
  const api = (await (await fetch(`${dash.url}/api/status`)).json()) as Record<string, unknown>;
  const cli = await runCli(['status', '--json'], { env: { HUB_WAREHOUSE_URL: warehouse } });
  t.is(cli.code, 0, cli.stderr);
  const expected = JSON.parse(cli.stdout) as Record<string, unknown>;
  delete api.generatedAt;
  delete expected.generatedAt;
  t.deepEqual(api, expected);
});

// One sample line: name, optional {labels}, a number.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\n"])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\n"])*")*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/;

test('/metrics is Prometheus text with lag, row counts and queue depths', async (t) => {
  if (!(await needRedis(t))) return;
  const { dash } = await liveDashboard(t);
  const res = await fetch(`${dash.url}/metrics`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  const typed = new Set<string>();
  for (const line of text.trimEnd().split('\n')) {
    const m = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') typed.add(m[2]!);
      continue;
    }
    t.regex(line, SAMPLE);
    t.true(typed.has(line.split(/[{ ]/)[0]!), `${line} has a # TYPE line before it`);
  }
  for (const s of STREAM_NAMES) t.regex(text, new RegExp(`^hub_etl_stream_lag_seconds\\{stream="${s}"\\} \\d+$`, 'm'));
  t.regex(text, /^hub_etl_recent_run_rows\{stream="orders",outcome="read"\} [1-9]\d*$/m);
  t.regex(text, /^hub_etl_queue_jobs\{queue="runs",state="failed"\} 0$/m);
});

test('--host 0.0.0.0 without credentials refuses to start with one line and exit 2', async (t) => {
  const r = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0'], {
    env: { HUB_WAREHOUSE_URL: tempSqliteUrl(t), HUB_DASHBOARD_TOKEN: undefined, HUB_DASHBOARD_USER: undefined, HUB_DASHBOARD_PASSWORD: undefined },
    timeoutMs: 30_000,
  });
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1);
  t.regex(r.stderr, /refusing to listen on 0\.0\.0\.0 without credentials; set HUB_DASHBOARD_TOKEN/);
});

test('without credentials a queue action gets 401 and changes nothing', async (t) => {
  if (!(await needRedis(t))) return;
  const { ctx, dash } = await liveDashboard(t);
  const queues = await openQueues(ctx);
  t.teardown(() => queues.close());
  const job = await queues.runs.add('run', { stream: 'orders', mode: 'incremental' }, { delay: 600_000 });
  const res = await fetch(`${dash.url}/queues/api/queues/${QUEUE.runs}/${job.id}/promote`, { method: 'PUT' });
  t.is(res.status, 401);
  t.true(await (await queues.runs.getJob(job.id!))!.isDelayed());
  t.is((await fetch(`${dash.url}/queues/api/queues/${QUEUE.runs}/clean/delayed`, { method: 'PUT' })).status, 401);
  t.is(await queues.runs.getDelayedCount(), 1);
});

test('with a token every page needs it, and neither the token nor a password shows in an answer', async (t) => {
  if (!(await needRedis(t))) return;
  const token = 'secret-token-d41c';
  const { dash } = await liveDashboard(t, { credentials: { kind: 'token', token } });
  for (const path of ['/', '/api/status', '/metrics', '/queues']) {
    t.is((await fetch(`${dash.url}${path}`)).status, 401, path);
    const ok = await fetch(`${dash.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    t.is(ok.status, 200, path);
    t.false((await ok.text()).includes(token), path);
  }
  t.is((await fetch(`${dash.url}/`, { headers: { Authorization: 'Bearer wrong' } })).status, 401);
});

test('--read-only refuses actions even with the token, and bull-board offers none', async (t) => {
  if (!(await needRedis(t))) return;
  const token = 'secret-token-5b2e';
  const auth = { Authorization: `Bearer ${token}` };
  const { ctx, dash } = await liveDashboard(t, { credentials: { kind: 'token', token }, readOnly: true });
  const queues = await openQueues(ctx);
  t.teardown(() => queues.close());
  const job = await queues.runs.add('run', { stream: 'orders', mode: 'incremental' }, { delay: 600_000 });
  t.is((await fetch(`${dash.url}/queues/api/queues/${QUEUE.runs}/${job.id}/promote`, { method: 'PUT', headers: auth })).status, 403);
  t.true(await (await queues.runs.getJob(job.id!))!.isDelayed());
  const board = (await (await fetch(`${dash.url}/queues/api/queues`, { headers: auth })).json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
  t.true(board.queues.length === 3 && board.queues.every((q) => q.readOnlyMode));
});
