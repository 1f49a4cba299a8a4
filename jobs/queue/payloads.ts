// The data each job carries, and the assertion every processor runs first: queued data outlives the
// code that wrote it, so a job from an older (or newer) hub-etl is checked, never trusted.
import { HubError } from '../../lib/errors.js';
import { STREAM_NAMES } from '../engine/streams.js';
import type { RunMode } from './names.js';

/** A job whose data this version of hub-etl cannot use; retrying it would not help. */
export class PayloadError extends HubError {}

export interface RunOverrides {
  batchSize?: number;
  lookbackMs?: number;
  safetyLagMs?: number;
}

export interface RunPayload extends RunOverrides {
  stream: string;
  mode: RunMode;
  /** Who asked: "cli", "schedule:<id>". */
  requestedBy: string;
}

export type VerifyPayload = { requestedBy: string };

export interface TickPayload {
  schedule: string;
  job: 'run' | 'verify';
  stream?: string;
  options?: RunOverrides;
}

export interface ChunkPayload {
  backfill: string;
  stream: string;
  index: number;
  /** [from, to) on the stream's cursor, naive source-zone 'YYYY-MM-DD HH:MM:SS'. */
  from: string;
  to: string;
  batchSize: number;
}

export interface BackfillPayload {
  backfill: string;
  streams: string[];
  from: string;
  to: string;
  chunk: string;
  total: number;
}

export interface RefreshPayload {
  scope: 'order' | 'refund' | 'logistics' | 'product';
  /** Order id (order, refund and logistics scopes) or product id, decimal digits. */
  id: string;
  /** Who asked: "listen". */
  requestedBy: string;
  /** Replica path: how many times the refresh waits for the replica to reach the message's msgSendTime. */
  staleRetries: number;
  /** The first wait, in ms; each next one doubles (1 s, 2 s, 4 s, 8 s by default). */
  staleBaseMs: number;
  /** Waits done so far. */
  staleTries?: number;
}

const SCOPES = ['order', 'refund', 'logistics', 'product'];

type Obj = Record<string, unknown>;

function object(data: unknown, kind: string): Obj {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new PayloadError(`${kind} job: data is not an object`);
  return data as Obj;
}

function str(o: Obj, key: string, kind: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new PayloadError(`${kind} job: "${key}" must be a non-empty string, found ${JSON.stringify(v)}`);
  return v;
}

function stream(o: Obj, key: string, kind: string): string {
  const v = str(o, key, kind);
  if (!STREAM_NAMES.includes(v)) throw new PayloadError(`${kind} job: "${key}" names unknown stream ${JSON.stringify(v)}`);
  return v;
}

function optionalCount(o: Obj, key: string, kind: string, min: number): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new PayloadError(`${kind} job: "${key}" must be a whole number >= ${min}, found ${JSON.stringify(v)}`);
}

const NAIVE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function assertRunPayload(data: unknown): asserts data is RunPayload {
  const o = object(data, 'run');
  stream(o, 'stream', 'run');
  if (o.mode !== 'incremental' && o.mode !== 'full_refresh') throw new PayloadError(`run job: "mode" must be incremental or full_refresh, found ${JSON.stringify(o.mode)}`);
  str(o, 'requestedBy', 'run');
  assertOverrides(o, 'run');
}

function assertOverrides(o: Obj, kind: string): void {
  optionalCount(o, 'batchSize', kind, 1);
  optionalCount(o, 'lookbackMs', kind, 0);
  optionalCount(o, 'safetyLagMs', kind, 0);
}

export function assertVerifyPayload(data: unknown): asserts data is VerifyPayload {
  str(object(data, 'verify'), 'requestedBy', 'verify');
}

export function assertTickPayload(data: unknown): asserts data is TickPayload {
  const o = object(data, 'tick');
  str(o, 'schedule', 'tick');
  if (o.job === 'run') stream(o, 'stream', 'tick');
  else if (o.job !== 'verify') throw new PayloadError(`tick job: "job" must be run or verify, found ${JSON.stringify(o.job)}`);
  if (o.options !== undefined) assertOverrides(object(o.options, 'tick options'), 'tick');
}

export function assertChunkPayload(data: unknown): asserts data is ChunkPayload {
  const o = object(data, 'chunk');
  str(o, 'backfill', 'chunk');
  stream(o, 'stream', 'chunk');
  optionalCount(o, 'index', 'chunk', 0);
  optionalCount(o, 'batchSize', 'chunk', 1);
  for (const key of ['from', 'to']) {
    if (!NAIVE_TIME.test(str(o, key, 'chunk'))) throw new PayloadError(`chunk job: "${key}" must be 'YYYY-MM-DD HH:MM:SS', found ${JSON.stringify(o[key])}`);
  }
  if (typeof o.index !== 'number' || typeof o.batchSize !== 'number') throw new PayloadError('chunk job: "index" and "batchSize" are required');
  if (!((o.from as string) < (o.to as string))) throw new PayloadError(`chunk job: empty window [${String(o.from)}, ${String(o.to)})`);
}

export function assertBackfillPayload(data: unknown): asserts data is BackfillPayload {
  const o = object(data, 'backfill');
  str(o, 'backfill', 'backfill');
  if (!Array.isArray(o.streams) || o.streams.some((s) => typeof s !== 'string')) throw new PayloadError('backfill job: "streams" must be a list of stream names');
  for (const key of ['from', 'to', 'chunk']) str(o, key, 'backfill');
  optionalCount(o, 'total', 'backfill', 0);
}

export function assertRefreshPayload(data: unknown): asserts data is RefreshPayload {
  const o = object(data, 'refresh');
  if (typeof o.scope !== 'string' || !SCOPES.includes(o.scope)) throw new PayloadError(`refresh job: "scope" must be one of ${SCOPES.join(', ')}, found ${JSON.stringify(o.scope)}`);
  if (!/^\d{1,19}$/.test(str(o, 'id', 'refresh'))) throw new PayloadError(`refresh job: "id" must be 1 to 19 digits, found ${JSON.stringify(o.id)}`);
  str(o, 'requestedBy', 'refresh');
  optionalCount(o, 'staleRetries', 'refresh', 0);
  optionalCount(o, 'staleBaseMs', 'refresh', 0);
  optionalCount(o, 'staleTries', 'refresh', 0);
  if (typeof o.staleRetries !== 'number' || typeof o.staleBaseMs !== 'number') throw new PayloadError('refresh job: "staleRetries" and "staleBaseMs" are required');
}
