// The dashboard without a browser: /api/status equals `hub-etl status --json`, /metrics is Prometheus text, exposure is refused without credentials.
import test from 'ava';
import { QUEUE } from '../jobs/queue/names.js';
import { openQueues } from '../jobs/queue/queues.js';
import { STREAMS } from '../jobs/engine/streams.js';
import { needRedis, runCli, tempSqliteUrl, testWith } from './helpers.js';
import { liveDashboard } from './dashboard-helpers.js';
import { isExported } from './ops-helpers.js';
import { run } from './stream-helpers.js';

for (const kind of ['SQLite', 'PostgreSQL'] as const) testWith('redis', kind)(`${kind}: /api/status answers the same data as hub-etl status --json`, async (t) => {
  if (!(await needRedis(t))) return;
  const live = await liveDashboard(t, {}, 150, kind);
  if (!live) return;
  const { dash, warehouse, source } = live;
  const api = (await (await fetch(`${dash.url}/api/status`)).json()) as Record<string, unknown>;
  // Both read the lag against the synthetic store's clock, which stands still between runs.
  const cli = await runCli(['status', '--json'], { env: { HUB_WAREHOUSE_URL: warehouse, HUB_SOURCE_URL: source } });
  t.is(cli.code, 0, cli.stderr);
  const expected = JSON.parse(cli.stdout) as Record<string, unknown>;
  delete api.generatedAt;
  delete expected.generatedAt;
  t.deepEqual(api, expected);
});

// One sample line: name, optional {labels}, a number.
// The value as Prometheus parses it (Go's ParseFloat: NaN and Inf in any case). prom-client writes the
// event-loop lag as `Nan` before its first sample, which Prometheus reads as NaN.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\n"])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\n"])*")*\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-][Ii][Nn][Ff])$/;

testWith('redis')('/metrics is Prometheus text with lag, row counts and queue depths', async (t) => {
  if (!(await needRedis(t))) return;
  const { dash } = await liveDashboard(t);
  const res = await fetch(`${dash.url}/metrics`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  const typed = new Map<string, string>();
  for (const line of text.trimEnd().split('\n')) {
    if (line === '') continue;
    const m = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') typed.set(m[2]!, m[3]!);
      continue;
    }
    t.regex(line, SAMPLE);
    t.true(isExported(typed, line.split(/[{ ]/)[0]!), `${line} has a # TYPE line before it`);
  }
  // The API's streams are not loaded without an API (the dashboard's store has none): no lag for them.
  for (const s of STREAMS.filter((d) => !d.apiOnly).map((d) => d.name)) t.regex(text, new RegExp(`^hub_etl_stream_lag_seconds\\{stream="${s}"\\} \\d+$`, 'm'));
  t.false(/^hub_etl_stream_lag_seconds\{stream="freight_templates"\}/m.test(text), 'a stream never loaded has no lag');
  t.regex(text, /^hub_etl_recent_run_rows\{stream="orders",outcome="read"\} [1-9]\d*$/m);
  t.regex(text, /^hub_etl_queue_jobs\{queue="runs",state="failed"\} 0$/m);
  t.regex(text, /^hub_etl_rows_total\{stream="orders",outcome="read"\} [1-9]\d*$/m);
  t.regex(text, /^hub_etl_runs_total\{stream="orders",result="succeeded"\} 1$/m);
  t.regex(text, /^hub_etl_run_duration_seconds_count\{stream="orders"\} 1$/m);
  t.regex(text, /^hub_etl_stream_last_success_timestamp_seconds\{stream="orders"\} \d+(\.\d+)?$/m);
  t.is(typed.get('hub_etl_rows_total'), 'counter');
  t.is(typed.get('hub_etl_run_duration_seconds'), 'histogram');
  t.regex(text, /^process_cpu_seconds_total \d/m);
  // No unbounded label: a run id would make a new series per run.
  t.false(/run_id=/.test(text));
});

/** One sample's value in an exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

testWith('redis')('/metrics measures the lag at scrape time: it rises with the source clock while nothing runs, and counters only grow', async (t) => {
  if (!(await needRedis(t))) return;
  const { ctx, dash, source } = await liveDashboard(t);
  const scrape = async () => (await fetch(`${dash.url}/metrics`)).text();
  const before = await scrape();
  const lag0 = sample(before, 'hub_etl_stream_lag_seconds{stream="orders"}')!;
  const runs0 = sample(before, 'hub_etl_runs_total{stream="orders",result="succeeded"}')!;
  const read0 = sample(before, 'hub_etl_rows_total{stream="orders",outcome="read"}')!;
  // Two hours pass at the source and no run loads them: a dead scheduler.
  const adv = await runCli(['generate', '--advance', '--hours', '2'], { env: { HUB_SOURCE_URL: source } });
  t.is(adv.code, 0, adv.stderr);
  const stale = await scrape();
  t.is(sample(stale, 'hub_etl_stream_lag_seconds{stream="orders"}'), lag0 + 7200);
  t.is(sample(stale, 'hub_etl_runs_total{stream="orders",result="succeeded"}'), runs0);
  // A run catches up: the lag falls back, the counters grow by what the run did.
  const [summary] = await run(ctx, { streams: ['orders'] });
  const after = await scrape();
  t.true(sample(after, 'hub_etl_stream_lag_seconds{stream="orders"}')! < 600);
  t.is(sample(after, 'hub_etl_runs_total{stream="orders",result="succeeded"}'), runs0 + 1);
  t.is(sample(after, 'hub_etl_rows_total{stream="orders",outcome="read"}'), read0 + summary!.rowsRead);
  t.is(sample(after, 'hub_etl_run_duration_seconds_count{stream="orders"}'), runs0 + 1);
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

testWith('redis')('without credentials a queue action gets 401 and changes nothing', async (t) => {
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

testWith('redis')('with a token every page needs it, and neither the token nor a password shows in an answer', async (t) => {
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

testWith('redis')('--read-only refuses actions even with the token, and bull-board offers none', async (t) => {
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
  t.true(board.queues.length === 4 && board.queues.every((q) => q.readOnlyMode));
});
