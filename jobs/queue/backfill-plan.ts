// Splits a backfill into chunks: per stream, [from, to) windows on its cursor in the source's own
// naive time. Pure and deterministic: the same request always gives the same backfill id and chunk
// ids, which is what lets a repeated backfill skip the chunks already done.
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { UsageError } from '../../lib/errors.js';
import { parseDuration } from '../engine/engine.js';
import { selectStreams } from '../run.js';

export interface BackfillSpec {
  streams: string[];
  /** Naive source-zone 'YYYY-MM-DD HH:MM:SS'. */
  from: string;
  to: string;
  /** Chunk length as given ('1d', '6h'). */
  chunk: string;
  batchSize: number;
}

export interface ChunkPlan { stream: string; index: number; from: string; to: string }

export interface BackfillPlan { id: string; spec: BackfillSpec; chunks: ChunkPlan[] }

export const MAX_CHUNKS = 20_000;
const FMT = 'yyyy-MM-dd HH:mm:ss';
const DAY_MS = 86_400_000;

/** A --from/--to value: 'YYYY-MM-DD' (midnight) or 'YYYY-MM-DD HH:MM[:SS]', in the source's time zone. */
export function parseBound(text: string, option: string): string {
  const t = text.trim().replace('T', ' ');
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  const dt = m ? DateTime.fromFormat(`${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`, FMT, { zone: 'UTC' }) : null;
  if (!dt || !dt.isValid) throw new UsageError(`${option}: "${text}" is not a date; expected YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS" (source time zone)`);
  return dt.toFormat(FMT);
}

// Naive source times are computed as if they were UTC: a chunk of 1d is one calendar day of the
// source's wall clock, whatever its zone's offset changes.
const naive = (s: string) => DateTime.fromFormat(s, FMT, { zone: 'UTC' });

export function backfillId(spec: Pick<BackfillSpec, 'streams' | 'from' | 'to' | 'chunk'>): string {
  const key = JSON.stringify([spec.streams, spec.from, spec.to, spec.chunk]);
  return `bf-${crypto.createHash('sha1').update(key).digest('hex').slice(0, 12)}`;
}

/** Job id of a chunk: the backfill's id, the stream and the chunk's place (no ':' — BullMQ forbids it). */
export function chunkJobId(backfill: string, c: Pick<ChunkPlan, 'stream' | 'index'>): string {
  return `${backfill}-${c.stream}-${String(c.index).padStart(5, '0')}`;
}

/**
 * Streams on a DATETIME cursor (and the order children, on their order's modify_time) get chunks of
 * exactly --chunk; DATE-cursor streams get whole days (the chunk rounded up to days); categories,
 * whose modify time is free text, and the API snapshots are one chunk read whole.
 */
export function planBackfill(input: { streams: string[]; all?: boolean; from: string; to: string; chunk: string; batchSize: number; withoutApi?: boolean }): BackfillPlan {
  if (input.all && input.streams.length > 0) throw new UsageError('--all: give either --all or --stream, not both');
  if (!input.all && input.streams.length === 0) throw new UsageError('--stream: name the streams to backfill (or --all)');
  let defs = selectStreams(input.all ? [] : input.streams);
  // No API configured: --all leaves out the streams only the API has; naming one is a mistake.
  if (input.withoutApi) {
    const named = input.all ? [] : defs.filter((d) => d.apiOnly);
    if (named.length > 0) throw new UsageError(`--stream: ${named.map((d) => d.name).join(', ')} only the 1688 API has, and no API is configured; set HUB_API_URL`);
    defs = defs.filter((d) => !d.apiOnly);
  }
  const from = parseBound(input.from, '--from');
  const to = parseBound(input.to, '--to');
  if (!(from < to)) throw new UsageError(`--to: "${input.to}" must be after --from "${input.from}"`);
  const chunkMs = parseDuration(input.chunk, '--chunk');
  if (chunkMs < 60_000) throw new UsageError(`--chunk: "${input.chunk}" is shorter than a minute; expected e.g. 6h or 1d`);
  // Counted before planning, so that a tiny chunk over years fails at once instead of planning millions.
  const estimate = defs.length * Math.ceil((naive(to).toMillis() - naive(from).toMillis()) / chunkMs);
  if (estimate > MAX_CHUNKS) throw new UsageError(`--chunk: "${input.chunk}" makes more than ${MAX_CHUNKS} chunks for this window; choose a longer chunk`);
  const spec: BackfillSpec = { streams: defs.map((d) => d.name), from, to, chunk: input.chunk.trim(), batchSize: input.batchSize };
  const id = backfillId(spec);
  const chunks: ChunkPlan[] = [];
  for (const def of defs) {
    let index = 0;
    const push = (a: DateTime, b: DateTime) => chunks.push({ stream: def.name, index: index++, from: a.toFormat(FMT), to: b.toFormat(FMT) });
    if (def.cursor === 'text' || def.cursor === 'snapshot') {
      push(naive(from), naive(to));
      continue;
    }
    if (def.cursor === 'date') {
      const days = Math.max(1, Math.ceil(chunkMs / DAY_MS));
      const end = naive(to).startOf('day') < naive(to) ? naive(to).startOf('day').plus({ days: 1 }) : naive(to);
      for (let a = naive(from).startOf('day'); a < end; a = a.plus({ days })) push(a, DateTime.min(a.plus({ days }), end));
    } else {
      const end = naive(to);
      for (let a = naive(from); a < end; a = a.plus({ milliseconds: chunkMs })) push(a, DateTime.min(a.plus({ milliseconds: chunkMs }), end));
    }
  }
  return { id, spec, chunks };
}
