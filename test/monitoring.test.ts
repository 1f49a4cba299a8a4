// Monitoring as shipped: the alert rules pass promtool, a real scrape passes promtool's lint, every
// metric the Grafana dashboard and the alerts query is exported, and `status --max-lag` is a check.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { freshWarehouseUrl, needRedis, ROOT, runCli, tempSqliteUrl, testWith } from './helpers.js';
import { liveDashboard } from './dashboard-helpers.js';
import { exportedFamilies, isExported, needTool, promqlMetricNames, tool } from './ops-helpers.js';
import { generate } from './stream-helpers.js';

const PROM = path.join(ROOT, 'prometheus');
const GRAFANA = path.join(ROOT, 'grafana/hub-etl.json');
// Prometheus's own metric of a scrape, not one hub-etl exports.
const PROMETHEUS_OWN = new Set(['up']);

/** The PromQL expressions of the Grafana dashboard: panel targets and the variables' label_values() metrics. */
function grafanaQueries(): string[] {
  const dash = JSON.parse(fs.readFileSync(GRAFANA, 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ type: string; query: unknown }> };
  };
  const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((x) => x.expr));
  for (const v of dash.templating.list.filter((x) => x.type === 'query')) {
    const q = typeof v.query === 'string' ? v.query : (v.query as { query: string }).query;
    const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(q);
    if (m) exprs.push(m[1]!);
  }
  return exprs;
}

/** The `expr:` of every rule, one-line or a `|` block (the lines indented deeper than the key). */
function alertExprs(): string[] {
  const lines = fs.readFileSync(path.join(PROM, 'alerts.yml'), 'utf8').split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!m) return;
    if (m[2] !== '|') return void out.push(m[2]!);
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || lines[j]!.search(/\S/) > m[1]!.length); j++) block.push(lines[j]!.trim());
    out.push(block.join(' '));
  });
  return out;
}

test('the PromQL reader finds metric names and nothing else', (t) => {
  t.deepEqual(promqlMetricNames('histogram_quantile(0.95, sum by (stream, le) (rate(hub_etl_run_duration_seconds_bucket{stream=~"$stream"}[$__rate_interval])))'), ['hub_etl_run_duration_seconds_bucket']);
  t.deepEqual(promqlMetricNames('time() - hub_etl_stream_last_success_timestamp_seconds'), ['hub_etl_stream_last_success_timestamp_seconds']);
  t.deepEqual(promqlMetricNames('sum by (q) (a_total{x="b or c"}[5m]) unless on (q) b > 2 * 1e3'), ['a_total', 'b']);
});

testWith('tool:promtool')('prometheus/alerts.yml passes promtool check rules and its unit tests', (t) => {
  if (!needTool(t, 'promtool', 'prometheus')) return;
  const check = tool('promtool', ['check', 'rules', 'alerts.yml'], undefined, PROM);
  t.is(check.code, 0, check.stdout + check.stderr);
  t.regex(check.stdout, /SUCCESS: \d+ rules found/);
  const unit = tool('promtool', ['test', 'rules', 'alerts.test.yml'], undefined, PROM);
  t.is(unit.code, 0, unit.stdout + unit.stderr);
});

testWith('redis', 'tool:promtool')('a real scrape of /metrics passes promtool check metrics, and every metric the Grafana dashboard and the alerts query is exported', async (t) => {
  if (!(await needRedis(t))) return;
  const { dash } = await liveDashboard(t);
  const text = await (await fetch(`${dash.url}/metrics`)).text();
  const families = exportedFamilies(text);
  const queried = new Set(grafanaQueries().flatMap(promqlMetricNames));
  t.true(queried.size >= 10, `the dashboard queries ${queried.size} metrics`);
  for (const name of queried) t.true(isExported(families, name), `grafana/hub-etl.json queries ${name}, which /metrics does not export`);
  const alerting = new Set(alertExprs().flatMap(promqlMetricNames));
  t.true(alerting.size >= 5, `the alerts read ${[...alerting].join(', ')}`);
  for (const name of alerting) t.true(PROMETHEUS_OWN.has(name) || isExported(families, name), `alerts.yml reads ${name}, which /metrics does not export`);
  if (!needTool(t, 'promtool', 'prometheus')) return;
  const lint = tool('promtool', ['check', 'metrics'], text);
  t.is(lint.code, 0, lint.stdout + lint.stderr);
});

for (const kind of ['SQLite', 'PostgreSQL'] as const) testWith(kind)(`${kind}: status --max-lag exits 0 while every stream is fresh and 1 once one is staler, naming it`, async (t) => {
  const src = tempSqliteUrl(t, 'src.db');
  const wh = await freshWarehouseUrl(t, kind, 'lag');
  if (!wh) return;
  const env = { HUB_SOURCE_URL: src, HUB_WAREHOUSE_URL: wh };
  await generate(t, src, ['--orders', '60', '--seed', '93']);
  const never = await runCli(['status', '--max-lag', '30m'], { env });
  t.is(never.code, 1, 'never loaded is stale');
  t.regex(never.stdout, /lag check: 8 streams staler than 30m: categories \(never loaded\)/);
  t.is((await runCli(['run'], { env })).code, 0);
  const fresh = await runCli(['status', '--max-lag', '30m'], { env });
  t.is(fresh.code, 0, fresh.stdout + fresh.stderr);
  t.regex(fresh.stdout, /lag check: every stream within 30m/);
  // The source moves on a day and nothing loads it: the lag is measured now, not at the last run.
  t.is((await runCli(['generate', '--advance', '--days', '1'], { env })).code, 0);
  const stale = await runCli(['status', '--max-lag', '30m', '--json'], { env });
  t.is(stale.code, 1);
  const s = JSON.parse(stale.stdout) as { lagCheck: { ok: boolean; stale: Array<{ stream: string; lagSeconds: number }> }; streams: Array<{ stream: string; lagSeconds: number; lagNowSeconds: number }> };
  t.false(s.lagCheck.ok);
  const orders = s.streams.find((x) => x.stream === 'orders')!;
  t.true(orders.lagNowSeconds >= 86_400 && orders.lagSeconds < 600, JSON.stringify(orders));
  t.true(s.lagCheck.stale.some((x) => x.stream === 'orders' && x.lagSeconds >= 86_400));
  const bad = await runCli(['status', '--max-lag', 'soon'], { env });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--max-lag: "soon" is not a duration/);
});
