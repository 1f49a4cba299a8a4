// /metrics through prom-client: one Registry per dashboard, every figure read when Prometheus scrapes
// (the lag from the source's clock at that moment, so a dead scheduler shows a rising lag), counters
// and the run-duration histogram fed from etl_run so that they stay right across restarts. No label is
// unbounded: streams, outcomes, results, queues and job states only.
import client from 'prom-client';
import type { Db } from '../../lib/db.js';
import type { RunInfo } from '../../sinks/sink.js';
import { StateStore } from '../../sinks/state/store.js';
import type { Queues } from '../queue/queues.js';
import { warehouseStatus, type SourceClock, type WarehouseStatus } from '../status.js';
import { STREAM_NAMES } from '../engine/streams.js';
import { JOB_STATES, queueDepths, recentRuns, utcMs, type RunPoint } from './data.js';
import { FRESHNESS_BUCKETS, MESSAGE_OUTCOMES, readLedger, type MessageLedger } from '../queue/message-ledger.js';

export const OUTCOMES = ['read', 'upserted', 'unchanged', 'rejected'] as const;
export const RESULTS = ['succeeded', 'failed', 'interrupted', 'abandoned'] as const;
/** Run-duration buckets, in seconds: a quiet incremental run takes under a second, a full refresh hours. */
export const DURATION_BUCKETS = [0.25, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

export interface MetricsInputs {
  warehouse(): Promise<Db>;
  sourceClock(): Promise<SourceClock>;
  queues: Queues | null;
}

export interface Metrics {
  registry: client.Registry;
  contentType: string;
  /** The exposition text, every figure read now. */
  scrape(): Promise<string>;
}

interface Snapshot {
  status: WarehouseStatus;
  recent: Map<string, RunPoint[]>;
  queueJobs: Record<string, Record<string, number>> | null;
  queueTotals: Record<string, { completed: number; failed: number }> | null;
  messages: MessageLedger | null;
}

const seconds = (text: string) => utcMs(text) / 1000;

/**
 * Every finished run of etl_run counted once, in run-id order: rows by outcome, runs by result, the
 * duration histogram and the last success per stream. The first scrape reads the whole table (a
 * stream of rows, not a query result in memory), later ones only the runs after the last one read and
 * those that were still running then. A run's counts and status are written once, when it ends, so the
 * counters never go down.
 */
class RunLedger {
  private lastId = 0;
  private readonly running = new Set<string>();
  readonly lastSuccess = new Map<string, number>();

  constructor(private readonly rows: client.Counter<'stream' | 'outcome'>, private readonly runs: client.Counter<'stream' | 'result'>,
    private readonly duration: client.Histogram<'stream'>) {
    for (const stream of STREAM_NAMES) {
      for (const outcome of OUTCOMES) rows.inc({ stream, outcome }, 0);
      for (const result of RESULTS) runs.inc({ stream, result }, 0);
      duration.zero({ stream });
    }
  }

  async update(db: Db): Promise<void> {
    const seen: Array<RunInfo & { stream: string }> = [];
    await StateStore.of(db).runs.each(this.lastId, [...this.running], (r) => seen.push(r));
    for (const r of seen) this.fold(r);
  }

  private fold(r: RunInfo & { stream: string }): void {
    const id = r.runId;
    this.lastId = Math.max(this.lastId, Number(id));
    const status = r.status;
    if (status === 'running') {
      this.running.add(id);
      return;
    }
    this.running.delete(id);
    const stream = r.stream;
    this.rows.inc({ stream, outcome: 'read' }, r.rowsRead);
    this.rows.inc({ stream, outcome: 'upserted' }, r.rowsUpserted);
    this.rows.inc({ stream, outcome: 'unchanged' }, r.rowsUnchanged);
    this.rows.inc({ stream, outcome: 'rejected' }, r.rowsRejected);
    this.runs.inc({ stream, result: status });
    if (r.finishedAt !== null) {
      const end = seconds(r.finishedAt);
      this.duration.observe({ stream }, Math.max(0, end - seconds(r.startedAt)));
      if (status === 'succeeded' && end > (this.lastSuccess.get(stream) ?? 0)) this.lastSuccess.set(stream, end);
    }
  }
}

/** A counter that mirrors a total kept elsewhere (Redis): increased by the difference, reset if the total went down. */
function mirror(counter: client.Counter<'queue'>, last: Map<string, number>, queue: string, total: number): void {
  const before = last.get(queue);
  if (before === undefined || total < before) {
    counter.remove({ queue });
    counter.inc({ queue }, total);
  } else if (total > before) {
    counter.inc({ queue }, total - before);
  }
  last.set(queue, total);
}

export function createMetrics(inputs: MetricsInputs): Metrics {
  const registry = new client.Registry();
  const registers = [registry];
  let current: { at: number; snapshot: Promise<Snapshot> } | null = null;
  // Counters and the histogram are brought up to date from etl_run before they are read.
  const collect = async () => {
    await snapshot();
  };
  const rows = new client.Counter({ name: 'hub_etl_rows_total', help: 'Source rows processed by finished runs, by outcome (read = upserted + unchanged + rejected); summed from etl_run.', labelNames: ['stream', 'outcome'] as const, registers, collect });
  const runs = new client.Counter({ name: 'hub_etl_runs_total', help: 'Finished runs by result: succeeded, failed, interrupted (stopped on shutdown after a committed batch), abandoned (its process died); from etl_run.', labelNames: ['stream', 'result'] as const, registers, collect });
  const duration = new client.Histogram({ name: 'hub_etl_run_duration_seconds', help: 'Duration of finished runs (incremental, full refresh and backfill chunks), from etl_run.', labelNames: ['stream'] as const, buckets: DURATION_BUCKETS, registers, collect });
  const ledger = new RunLedger(rows, runs, duration);

  const build = async (): Promise<Snapshot> => {
    const db = await inputs.warehouse();
    const status = await warehouseStatus(db, new Date(), await inputs.sourceClock());
    const ready = status.schemaVersion > 0;
    if (ready) await ledger.update(db);
    const recent = ready ? await recentRuns(db) : new Map<string, RunPoint[]>();
    let queueJobs: Snapshot['queueJobs'] = null;
    let queueTotals: Snapshot['queueTotals'] = null;
    let messages: MessageLedger | null = null;
    if (inputs.queues) {
      const q = inputs.queues;
      try {
        queueJobs = await queueDepths(q);
        messages = await readLedger(q.redis, q.prefix);
        queueTotals = {};
        for (const queue of [q.runs, q.chunks, q.backfills, q.refreshes]) {
          const [completed, failed] = await Promise.all([queue.getMetrics('completed', 0, 0), queue.getMetrics('failed', 0, 0)]);
          queueTotals[queue.name] = { completed: Number(completed.meta.count ?? 0), failed: Number(failed.meta.count ?? 0) };
        }
      } catch {
        // Redis not answering: the queue figures are left out and hub_etl_queue_up says so.
        queueJobs = null;
        queueTotals = null;
        messages = null;
      }
    }
    return { status, recent, queueJobs, queueTotals, messages };
  };
  // One read of the warehouse, the source and Redis per scrape, shared by every metric's collect().
  const snapshot = (): Promise<Snapshot> => {
    if (!current || Date.now() - current.at > 1_000) {
      const p = build();
      current = { at: Date.now(), snapshot: p };
      p.catch(() => (current = null));
    }
    return current.snapshot;
  };

  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: client.Gauge<L>, s: Snapshot) => void) =>
    new client.Gauge<L>({
      name, help, labelNames, registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });

  gauge('hub_etl_stream_lag_seconds', 'How far the warehouse is behind the source now: the source\'s clock at this scrape minus the stream\'s watermark, in seconds (rises while nothing loads).', ['stream'], (g, s) => {
    for (const x of s.status.streams) if (x.lagNowSeconds !== null) g.set({ stream: x.stream }, x.lagNowSeconds);
  });
  gauge('hub_etl_stream_watermark_timestamp_seconds', 'The stream\'s watermark as a Unix time (UTC): every source row modified before it is loaded.', ['stream'], (g, s) => {
    for (const x of s.status.streams) if (x.watermarkAt) g.set({ stream: x.stream }, seconds(x.watermarkAt));
  });
  gauge('hub_etl_stream_last_success_timestamp_seconds', 'When the stream\'s last successful run finished, as a Unix time.', ['stream'], (g) => {
    for (const [stream, at] of ledger.lastSuccess) g.set({ stream }, at);
  });
  gauge('hub_etl_stream_open_rejects', 'Open (unresolved) rejected source rows of the stream (etl_reject).', ['stream'], (g, s) => {
    for (const x of s.status.streams) g.set({ stream: x.stream }, x.openRejects);
  });
  gauge('hub_etl_last_run_duration_seconds', 'Duration of the stream\'s last finished run, in seconds.', ['stream'], (g, s) => {
    for (const [stream, list] of s.recent) {
      const last = [...list].reverse().find((r) => r.durationSeconds !== null);
      if (last) g.set({ stream }, last.durationSeconds!);
    }
  });
  gauge('hub_etl_recent_run_rows', 'Source rows of the stream\'s last runs (up to 20) by outcome: read, upserted, unchanged, rejected.', ['stream', 'outcome'], (g, s) => {
    for (const [stream, list] of s.recent) {
      const sum = { read: 0, upserted: 0, unchanged: 0, rejected: 0 };
      for (const r of list) {
        sum.read += r.rowsRead;
        sum.upserted += r.rowsUpserted;
        sum.unchanged += r.rowsUnchanged;
        sum.rejected += r.rowsRejected;
      }
      for (const [outcome, value] of Object.entries(sum)) g.set({ stream, outcome }, value);
    }
  });
  gauge('hub_etl_recent_runs', 'The stream\'s last runs (up to 20) by status.', ['stream', 'status'], (g, s) => {
    for (const [stream, list] of s.recent) {
      const by = new Map<string, number>();
      for (const r of list) by.set(r.status, (by.get(r.status) ?? 0) + 1);
      for (const [status, n] of by) g.set({ stream, status }, n);
    }
  });
  gauge('hub_etl_source_clock_up', '1 when the source\'s clock was read at this scrape; 0 when not (the lag is then measured by the dashboard host\'s clock).', [], (g, s) => {
    g.set(s.status.sourceClockError ? 0 : 1);
  });
  gauge('hub_etl_source_clock_timestamp_seconds', 'The clock the lag is measured against, as a Unix time: the source\'s (a synthetic store\'s simulated time), else this host\'s.', [], (g, s) => {
    g.set(Date.parse(s.status.sourceClockAt) / 1000);
  });
  gauge('hub_etl_warehouse_schema_version', 'Schema version of the warehouse (etl_schema_migrations).', [], (g, s) => {
    g.set(s.status.schemaVersion);
  });
  if (inputs.queues) {
    gauge('hub_etl_queue_up', '1 when Redis answered the queue questions at this scrape, else 0.', [], (g, s) => {
      g.set(s.queueJobs ? 1 : 0);
    });
    gauge('hub_etl_queue_jobs', 'BullMQ jobs per queue and state.', ['queue', 'state'], (g, s) => {
      for (const [queue, counts] of Object.entries(s.queueJobs ?? {})) {
        for (const state of JOB_STATES) g.set({ queue, state }, counts[state] ?? 0);
      }
    });
    // BullMQ's own totals (kept by the workers in Redis), under the names its exportPrometheusMetrics() uses.
    const lastTotals = { completed: new Map<string, number>(), failed: new Map<string, number>() };
    const completed: client.Counter<'queue'> = new client.Counter({
      name: 'bullmq_job_completed_total', help: 'Total number of completed jobs', labelNames: ['queue'] as const, registers,
      async collect() {
        const s = await snapshot();
        for (const [queue, t] of Object.entries(s.queueTotals ?? {})) mirror(completed, lastTotals.completed, queue, t.completed);
      },
    });
    const failed: client.Counter<'queue'> = new client.Counter({
      name: 'bullmq_job_failed_total', help: 'Total number of failed jobs', labelNames: ['queue'] as const, registers,
      async collect() {
        const s = await snapshot();
        for (const [queue, t] of Object.entries(s.queueTotals ?? {})) mirror(failed, lastTotals.failed, queue, t.failed);
      },
    });
  }
  if (inputs.queues) {
    // Message counters and freshness are kept in Redis by listen and the workers: mirrored here, never reset.
    const lastMessages = new Map<string, number>();
    const messagesTotal: client.Counter<'topic' | 'outcome'> = new client.Counter({
      name: 'hub_etl_messages_total',
      help: 'Cloud Hub messages by topic and outcome: received, duplicate (a redelivery of one already handled), coalesced (folded into a waiting refresh), refreshed, stale (the replica never reached the message in time; left to the scheduled runs), failed, quarantined (etl_message_reject).',
      labelNames: ['topic', 'outcome'] as const,
      registers,
      async collect() {
        const m = (await snapshot()).messages;
        if (!m) return;
        for (const outcome of MESSAGE_OUTCOMES) {
          for (const [topic, total] of Object.entries(m.counters[outcome])) {
            const id = `${topic}|${outcome}`;
            const before = lastMessages.get(id);
            if (before === undefined || total < before) {
              messagesTotal.remove({ topic, outcome });
              messagesTotal.inc({ topic, outcome }, total);
            } else if (total > before) messagesTotal.inc({ topic, outcome }, total - before);
            lastMessages.set(id, total);
          }
        }
      },
    });
    // A histogram whose buckets live in Redis: written out as prom-client would write its own.
    const freshnessName = 'hub_etl_message_freshness_seconds';
    const freshnessHelp = 'From a message\'s birth (gmtBorn; else its receipt) to the commit of its refresh in the warehouse, per message refreshed.';
    registry.registerMetric({
      name: freshnessName,
      help: freshnessHelp,
      type: 'histogram',
      aggregator: 'sum',
      reset() {},
      async get() {
        const m = (await snapshot()).messages;
        const f = m?.freshness ?? { buckets: FRESHNESS_BUCKETS.map((le) => ({ le, count: 0 })), sum: 0, count: 0 };
        return {
          name: freshnessName,
          help: freshnessHelp,
          type: 'histogram',
          aggregator: 'sum',
          values: [
            ...f.buckets.map((b) => ({ metricName: `${freshnessName}_bucket`, labels: { le: b.le }, value: b.count })),
            { metricName: `${freshnessName}_bucket`, labels: { le: '+Inf' }, value: f.count },
            { metricName: `${freshnessName}_sum`, labels: {}, value: f.sum },
            { metricName: `${freshnessName}_count`, labels: {}, value: f.count },
          ],
        };
      },
    } as unknown as client.Metric);
  }
  // The dashboard process's own figures: CPU, memory, event-loop lag, handles, GC.
  client.collectDefaultMetrics({ register: registry });
  // Gauges whose names end in _total, a suffix Prometheus keeps for counters (promtool refuses them);
  // nodejs_active_handles and nodejs_active_requests give the same figures by type.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);

  return {
    registry,
    contentType: registry.contentType,
    async scrape() {
      current = null;
      return registry.metrics();
    },
  };
}
