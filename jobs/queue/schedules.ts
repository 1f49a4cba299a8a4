// Reads and checks a schedules file (schedules/default.json by default): plain data saying which job
// runs when. Every problem in the file is reported at once, each naming its entry.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';
import { ConfigError } from '../../lib/errors.js';
import { parseDuration } from '../engine/engine.js';
import { STREAM_NAMES } from '../engine/streams.js';
import type { RunOverrides } from './payloads.js';

export interface Schedule {
  /** Job scheduler id in BullMQ; the key by which the scheduler adds, updates and removes. */
  id: string;
  job: 'run' | 'verify';
  stream?: string;
  /** Cron pattern: five fields (minute first) or six (seconds first). */
  cron?: string;
  /** IANA zone the cron pattern is read in. */
  tz?: string;
  /** Or a fixed interval, in ms. */
  everyMs?: number;
  options?: RunOverrides;
}

/** The schedules shipped with hub-etl (dist/jobs/queue → the package's schedules/ folder). */
export const DEFAULT_SCHEDULES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schedules/default.json');

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const CRON_FIELD = /^[0-9A-Za-z*/,?#LW-]+$/;

export function loadSchedules(file: string = DEFAULT_SCHEDULES_FILE): Schedule[] {
  const relative = path.relative(process.cwd(), file);
  const label = relative && !relative.startsWith('..') ? relative : file;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`--schedules: cannot read ${label}: ${(err as Error).message}`]);
  }
  return parseSchedules(raw, label);
}

/** Checks the parsed file: `{ "schedules": [ … ] }` or a bare list. */
export function parseSchedules(raw: unknown, label: string): Schedule[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? (raw as { schedules?: unknown }).schedules : undefined;
  if (!Array.isArray(list)) throw new ConfigError([`${label}: expected {"schedules": [ … ]}`]);
  const problems: string[] = [];
  const out: Schedule[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i: number) => {
    const where = `${label}: schedule #${i + 1}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const id = typeof e.id === 'string' ? e.id : '';
    const at = id ? `${label}: schedule "${id}"` : where;
    const before = problems.length;
    if (!ID.test(id)) problems.push(`${at}: "id" must be 1 to 64 letters, digits, '.', '_' or '-'`);
    else if (seen.has(id)) problems.push(`${at}: the id is used twice`);
    seen.add(id);
    if (e.job !== 'run' && e.job !== 'verify') problems.push(`${at}: "job" must be "run" or "verify"`);
    if (e.job === 'run' && (typeof e.stream !== 'string' || !STREAM_NAMES.includes(e.stream))) {
      problems.push(`${at}: "stream" must be one of ${STREAM_NAMES.join(', ')}`);
    }
    const hasCron = e.cron !== undefined;
    const hasEvery = e.every !== undefined;
    if (hasCron === hasEvery) problems.push(`${at}: give either "cron" (with "tz") or "every"`);
    if (hasCron) {
      const fields = typeof e.cron === 'string' ? e.cron.trim().split(/\s+/) : [];
      if (!(fields.length === 5 || fields.length === 6) || !fields.every((f) => CRON_FIELD.test(f))) {
        problems.push(`${at}: "cron" ${JSON.stringify(e.cron)} is not a cron pattern of five fields (minute hour day month weekday) or six (seconds first)`);
      }
    }
    if (e.tz !== undefined && (typeof e.tz !== 'string' || !IANAZone.isValidZone(e.tz))) problems.push(`${at}: "tz" ${JSON.stringify(e.tz)} is not an IANA time zone`);
    let everyMs: number | undefined;
    if (hasEvery) {
      try {
        everyMs = typeof e.every === 'number' ? e.every : parseDuration(String(e.every), 'every');
        if (!Number.isSafeInteger(everyMs) || everyMs < 1_000) throw new Error('too short');
      } catch {
        problems.push(`${at}: "every" ${JSON.stringify(e.every)} must be a duration of at least 1s (e.g. 30s, 5m) or milliseconds`);
      }
    }
    const options: RunOverrides = {};
    for (const [key, field] of [['lookback', 'lookbackMs'], ['safetyLag', 'safetyLagMs']] as const) {
      if (e[key] === undefined) continue;
      try {
        options[field] = parseDuration(String(e[key]), key);
      } catch {
        problems.push(`${at}: "${key}" ${JSON.stringify(e[key])} is not a duration such as 15m`);
      }
    }
    if (e.batchSize !== undefined) {
      if (typeof e.batchSize === 'number' && Number.isSafeInteger(e.batchSize) && e.batchSize >= 1) options.batchSize = e.batchSize;
      else problems.push(`${at}: "batchSize" must be a whole number >= 1`);
    }
    if (problems.length > before) return;
    out.push({
      id,
      job: e.job as 'run' | 'verify',
      ...(e.job === 'run' ? { stream: e.stream as string } : {}),
      ...(hasCron ? { cron: (e.cron as string).trim().replace(/\s+/g, ' '), tz: (e.tz as string | undefined) ?? 'UTC' } : {}),
      ...(everyMs !== undefined ? { everyMs } : {}),
      ...(Object.keys(options).length ? { options } : {}),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
