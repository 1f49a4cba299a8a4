// The status page at /: server-rendered HTML, no build step, a little inline CSS and SVG.
import { humanLag, type WarehouseStatus } from '../status.js';
import type { BackfillProgress } from '../queue/backfill.js';
import type { RejectSample, RunPoint } from './data.js';
import { freshnessQuantile, MESSAGE_OUTCOMES, type MessageLedger } from '../queue/message-ledger.js';

/** Freshness thresholds of the lag colour, in seconds. */
export const FRESH = { greenBelow: 10 * 60, amberBelow: 60 * 60 };

export function freshness(lagSeconds: number | null): 'green' | 'amber' | 'red' | 'unknown' {
  if (lagSeconds === null) return 'unknown';
  if (lagSeconds < FRESH.greenBelow) return 'green';
  if (lagSeconds < FRESH.amberBelow) return 'amber';
  return 'red';
}

export const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS_COLOUR: Record<string, string> = { succeeded: '#2e7d32', failed: '#c62828', running: '#1565c0', interrupted: '#ef6c00', abandoned: '#6d4c41' };

/** Bars of rows read per run (height) coloured by status; a tooltip per bar with window, counts and duration. */
export function runChart(runs: RunPoint[]): string {
  if (runs.length === 0) return '<span class="muted">no runs yet</span>';
  const w = 240;
  const h = 48;
  const bw = w / Math.max(runs.length, 20);
  const max = Math.max(1, ...runs.map((r) => r.rowsRead));
  const bars = runs.map((r, i) => {
    const bh = Math.max(2, Math.round((r.rowsRead / max) * (h - 2)));
    const title = `#${r.runId} ${r.mode} ${r.status}\n${r.startedAt} → ${r.finishedAt ?? '…'}\nwindow ${r.windowStart ?? '—'} → ${r.windowEnd ?? '—'}\nread ${r.rowsRead}, upserted ${r.rowsUpserted}, unchanged ${r.rowsUnchanged}, rejected ${r.rowsRejected}${r.api ? `\napi calls ${r.api.calls}, retries ${r.api.retries}, throttled ${r.api.throttled}` : ''}\nduration ${r.durationSeconds === null ? '—' : `${r.durationSeconds.toFixed(1)} s`}`;
    return `<rect x="${(i * bw).toFixed(1)}" y="${h - bh}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh}" fill="${STATUS_COLOUR[r.status] ?? '#757575'}"><title>${esc(title)}</title></rect>`;
  });
  return `<svg class="chart" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="last ${runs.length} runs">${bars.join('')}</svg>`;
}

export interface PageInput {
  status: WarehouseStatus;
  runs: Map<string, RunPoint[]>;
  rejects: Map<string, RejectSample[]>;
  backfill: BackfillProgress | null | 'unavailable';
  warehouse: string;
  readOnly: boolean;
  actionsAllowed: boolean;
  /** Message counters and freshness (hub-etl listen), or 'unavailable' when Redis did not answer. */
  messages?: MessageLedger | 'unavailable';
}

function seconds(v: number | null): string {
  if (v === null) return '—';
  return v === Infinity ? '> 1800 s' : `≤ ${v} s`;
}

function messagesSection(m: PageInput['messages']): string {
  if (m === undefined) return '';
  if (m === 'unavailable') return '<h2>Messages</h2><p class="muted">Message counters unavailable: Redis did not answer.</p>';
  const topics = Object.keys(m.counters.received);
  const total = topics.reduce((a, t) => a + (m.counters.received[t] ?? 0), 0);
  if (total === 0) return '<h2>Messages</h2><p class="muted">No Cloud Hub message received on these queues yet (<code>hub-etl listen</code>).</p>';
  const head = MESSAGE_OUTCOMES.map((o) => `<th>${esc(o)}</th>`).join('');
  const rows = topics.map((t) => `<tr data-topic="${esc(t)}"><td><code>${esc(t)}</code></td>${MESSAGE_OUTCOMES.map((o) => `<td>${m.counters[o][t] ?? 0}</td>`).join('')}</tr>`).join('\n');
  const f = m.freshness;
  return `<h2>Messages</h2>
<table class="messages"><thead><tr><th>Topic</th>${head}</tr></thead><tbody>
${rows}
</tbody></table>
<p>Freshness (message born → refresh committed), ${f.count} messages: p50 <b>${esc(seconds(freshnessQuantile(f, 0.5)))}</b>, p95 <b>${esc(seconds(freshnessQuantile(f, 0.95)))}</b>, p99 <b>${esc(seconds(freshnessQuantile(f, 0.99)))}</b> (bucket bounds), mean ${f.count ? (f.sum / f.count).toFixed(2) : '—'} s.</p>`;
}

function backfillSection(b: PageInput['backfill']): string {
  if (b === 'unavailable') return '<p class="muted">Backfill progress unavailable: Redis did not answer.</p>';
  if (!b) return '<p class="muted">No backfill has been submitted on these queues.</p>';
  if (b.missing) return `<p>Backfill <code>${esc(b.id)}</code>: its jobs are gone from Redis (removed or expired).</p>`;
  const pct = b.total ? Math.round((b.done / b.total) * 100) : 100;
  const failed = b.failed.slice(0, 5).map((f) => `<li><code>${esc(f.stream)}</code> ${esc(f.from)} → ${esc(f.to)}: ${esc(f.error)}</li>`).join('');
  return `<p>Backfill <code>${esc(b.id)}</code>: ${b.done} of ${b.total} chunks done (${pct}%), ${b.failed.length} failed, ${b.rowsRead} rows read, ${b.rowsUpserted} upserted${b.complete ? ' — complete' : ''}.</p>
<progress max="${b.total}" value="${b.done}"></progress>${failed ? `<ul>${failed}</ul>` : ''}`;
}

export function statusPage(p: PageInput): string {
  const rows = p.status.streams.map((s) => {
    const fresh = freshness(s.lagNowSeconds);
    const last = s.lastRun;
    const samples = (p.rejects.get(s.stream) ?? []).map((r) => `<li><code>${esc(r.sourceKey)}</code> <b>${esc(r.field)}</b>: ${esc(r.reason)}</li>`).join('');
    const duration = last?.finishedAt ? `${((Date.parse(`${last.finishedAt.replace(' ', 'T')}Z`) - Date.parse(`${last.startedAt.replace(' ', 'T')}Z`)) / 1000).toFixed(1)} s` : '—';
    return `<tr data-stream="${esc(s.stream)}">
<td><b>${esc(s.stream)}</b></td>
<td><code>${esc(s.watermark ?? '—')}</code></td>
<td><span class="lag ${fresh}" data-lag-seconds="${s.lagNowSeconds ?? ''}" title="${esc(`at the last run: ${humanLag(s.lagSeconds)}`)}">${esc(humanLag(s.lagNowSeconds))}</span></td>
<td>${last ? `<span class="st" style="color:${STATUS_COLOUR[last.status] ?? '#757575'}">#${esc(last.runId)} ${esc(last.status)}</span><br><small>${esc(last.mode)}, window ${esc(last.windowStart ?? '—')} → ${esc(last.windowEnd ?? '—')}<br>read ${last.rowsRead}, upserted ${last.rowsUpserted}, unchanged ${last.rowsUnchanged}, rejected ${last.rowsRejected}; ${duration}${last.api ? `<br>api calls ${last.api.calls}, retries ${last.api.retries}, throttled ${last.api.throttled}` : ''}</small>${last.error ? `<br><small class="err">${esc(last.error)}</small>` : ''}` : '<span class="muted">never</span>'}</td>
<td>${runChart(p.runs.get(s.stream) ?? [])}</td>
<td>${s.openRejects}${samples ? `<ul class="rej">${samples}</ul>` : ''}</td>
</tr>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hub-etl status</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #ddd}
th{background:#f5f5f5}.muted{color:#888}.err{color:#c62828}code{font-size:12px}
.lag{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-weight:600}
.green{background:#c8e6c9;color:#1b5e20}.amber{background:#ffe0b2;color:#e65100}.red{background:#ffcdd2;color:#b71c1c}.unknown{background:#eee;color:#666}
ul.rej{margin:.2rem 0 0 1rem;padding:0;font-size:12px}progress{width:20rem}
nav a{margin-right:1rem}
</style></head>
<body>
<nav><a href="./">Status</a><a href="queues">Queues (bull-board)</a><a href="api/status">/api/status</a><a href="metrics">/metrics</a></nav>
<h1>hub-etl status</h1>
<p>Warehouse <code>${esc(p.warehouse)}</code>, schema version ${p.status.schemaVersion}, generated ${esc(p.status.generatedAt)}.
${p.readOnly ? 'Read-only dashboard: queue actions are hidden.' : p.actionsAllowed ? 'Queue actions need the dashboard credentials.' : 'No credentials configured: queue actions are refused.'}</p>
<p class="legend">Lag = the source's clock now (${esc(p.status.sourceClockAt)}${p.status.sourceClockError ? `, this host's: the source's could not be read: ${esc(p.status.sourceClockError)}` : ''}) − watermark; it grows while nothing loads (hover for the lag the last run left). Freshness:
<span class="lag green">&lt; ${FRESH.greenBelow / 60} min</span>
<span class="lag amber">&lt; ${FRESH.amberBelow / 60} min</span>
<span class="lag red">≥ ${FRESH.amberBelow / 60} min</span>
<span class="lag unknown">never loaded</span>.
Chart: the last 20 runs, bar height = rows read, colour = status (hover for window, counts and duration).</p>
<table>
<thead><tr><th>Stream</th><th>Watermark</th><th>Lag</th><th>Last run</th><th>Last runs</th><th>Open rejects</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Backfill</h2>
${backfillSection(p.backfill)}
${messagesSection(p.messages)}
</body></html>
`;
}
