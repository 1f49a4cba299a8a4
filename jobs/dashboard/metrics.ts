// /metrics in the Prometheus text format (version 0.0.4), written by hand: a few gauges, no client library.
import type { StreamStatus } from '../status.js';
import type { RunPoint } from './data.js';

interface Sample { labels: Record<string, string>; value: number }
interface Family { name: string; help: string; samples: Sample[] }

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function render(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function metricsText(input: {
  streams: StreamStatus[];
  runs: Map<string, RunPoint[]>;
  queues: Record<string, Record<string, number>> | null;
}): string {
  const lag: Sample[] = [];
  const rows: Sample[] = [];
  const duration: Sample[] = [];
  const rejects: Sample[] = [];
  const runsByStatus: Sample[] = [];
  for (const s of input.streams) {
    if (s.lagSeconds !== null) lag.push({ labels: { stream: s.stream }, value: s.lagSeconds });
    rejects.push({ labels: { stream: s.stream }, value: s.openRejects });
    const recent = input.runs.get(s.stream) ?? [];
    const sum = { read: 0, upserted: 0, unchanged: 0, rejected: 0 };
    const statuses = new Map<string, number>();
    for (const r of recent) {
      sum.read += r.rowsRead;
      sum.upserted += r.rowsUpserted;
      sum.unchanged += r.rowsUnchanged;
      sum.rejected += r.rowsRejected;
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    for (const [outcome, value] of Object.entries(sum)) rows.push({ labels: { stream: s.stream, outcome }, value });
    for (const [status, value] of statuses) runsByStatus.push({ labels: { stream: s.stream, status }, value });
    const last = [...recent].reverse().find((r) => r.durationSeconds !== null);
    if (last) duration.push({ labels: { stream: s.stream, run_id: last.runId }, value: last.durationSeconds! });
  }
  const depth: Sample[] = [];
  for (const [queue, counts] of Object.entries(input.queues ?? {})) {
    for (const [state, value] of Object.entries(counts)) depth.push({ labels: { queue, state }, value });
  }
  const families: Family[] = [
    { name: 'hub_etl_stream_lag_seconds', help: 'Source clock minus watermark at the last run of the stream, in seconds.', samples: lag },
    { name: 'hub_etl_stream_open_rejects', help: 'Open (unresolved) rejected source rows of the stream.', samples: rejects },
    { name: 'hub_etl_recent_run_rows', help: 'Source rows of the stream\'s last runs (up to 20) by outcome: read, upserted, unchanged, rejected.', samples: rows },
    { name: 'hub_etl_recent_runs', help: 'The stream\'s last runs (up to 20) by status.', samples: runsByStatus },
    { name: 'hub_etl_last_run_duration_seconds', help: 'Duration of the stream\'s last finished run, in seconds.', samples: duration },
  ];
  if (input.queues) families.push({ name: 'hub_etl_queue_jobs', help: 'BullMQ jobs per queue and state.', samples: depth });
  return render(families);
}
