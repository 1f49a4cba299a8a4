// Times between the 1688 API and the replica's notation: API texts (yyyyMMddHHmmssSSS±hhmm, any offset)
// to instants and back at the source zone's offset, and instants to the naive 'yyyy-MM-dd HH:mm:ss' /
// 'yyyy-MM-dd' texts the replica's DATETIME and DATE columns hold in the source zone.
import { DateTime } from 'luxon';
import { SourceError } from '../../lib/errors.js';

const API_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([+-])(\d{2})(\d{2})$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,6})?)?$/;

// Every API row converts several times between instants and the source zone's wall clock, and luxon asks
// Intl for each: the zone's offset is cached per UTC hour instead, and luxon does the rare instant near
// an offset change (or a zone luxon cannot use, or a year outside 1000–9999) exactly as before.
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const hourOffsets = new Map<string, Map<number, number | null>>();

/** The zone's offset in whole minutes throughout the UTC hour of `ms`; null when it changes within the hour (or is not whole minutes). */
function offsetAt(ms: number, zone: string): number | null {
  let byHour = hourOffsets.get(zone);
  if (!byHour) hourOffsets.set(zone, (byHour = new Map()));
  const h = Math.floor(ms / HOUR_MS);
  let o = byHour.get(h);
  if (o === undefined) {
    const a = DateTime.fromMillis(h * HOUR_MS, { zone }).offset;
    const b = DateTime.fromMillis(h * HOUR_MS + HOUR_MS - 1, { zone }).offset;
    o = a === b && Number.isInteger(a) ? a : null;
    if (byHour.size >= 50_000) byHour.clear();
    byHour.set(h, o);
  }
  return o;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The zone's wall clock at `ms` (as a Date read with getUTC*) and its offset; null where luxon must answer. */
function wallAt(ms: number, zone: string): { d: Date; offset: number } | null {
  if (!Number.isFinite(ms)) return null;
  const offset = offsetAt(ms, zone);
  if (offset === null) return null;
  const d = new Date(ms + offset * 60_000);
  const y = d.getUTCFullYear();
  return y >= 1000 && y <= 9999 ? { d, offset } : null;
}

/** The instant of a wall time in the zone when it is unambiguous (no offset change within a day of it); null where luxon must answer. */
function instantOfWall(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): number | null {
  if (y < 1000 || y > 9999) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return null;
  const guess = offsetAt(wall, zone);
  if (guess === null) return null;
  const t = wall - guess * 60_000;
  return offsetAt(t, zone) === guess && offsetAt(t - DAY_MS, zone) === guess && offsetAt(t + DAY_MS, zone) === guess ? t : null;
}

const NAIVE_PARTS = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?/;

/** A naive 'yyyy-MM-dd[ HH:mm:ss[.ffffff]]' text (tested against NAIVE) as the instant in the zone; NaN when luxon finds it invalid. */
function naiveInstant(t: string, zone: string): number {
  const m = NAIVE_PARTS.exec(t)!;
  const fast = instantOfWall(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), zone);
  if (fast !== null) return fast;
  const dt = t.length <= 10 ? DateTime.fromISO(t, { zone }) : DateTime.fromFormat(t.slice(0, 19), 'yyyy-MM-dd HH:mm:ss', { zone });
  return dt.isValid ? dt.toMillis() : NaN;
}

/** Epoch ms of a yyyyMMddHHmmssSSS±hhmm text, or null when it is not one. */
export function parseApiTime(text: string): number | null {
  const m = API_TIME.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms, sign, oh, om] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!, m[8]!, +m[9]!, +m[10]!];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(local).getUTCDate() !== d) return null;
  return local - (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

/** An instant as an API time parameter, written at the source zone's offset of that instant. */
export function formatApiTime(ms: number, zone: string): string {
  const w = wallAt(ms, zone);
  if (!w) return DateTime.fromMillis(ms, { zone }).toFormat('yyyyMMddHHmmssSSSZZZ');
  const { d, offset } = w;
  const a = Math.abs(offset);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}${offset < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}

/** The naive DATETIME text of an instant in the zone, milliseconds dropped (as the replica stores it). */
export function naiveOf(ms: number, zone: string): string {
  const w = wallAt(ms, zone);
  if (!w) return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
  const { d } = w;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The naive DATE text of an instant in the zone. */
export function naiveDateOf(ms: number, zone: string): string {
  const w = wallAt(ms, zone);
  if (!w) return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
  const { d } = w;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The instant a naive 'yyyy-MM-dd[ HH:mm:ss]' text stands for in the zone (a day stands for its start). */
export function instantOfNaive(text: string, zone: string, label: string): number {
  const t = text.trim();
  if (!NAIVE.test(t)) throw new SourceError(`${label}: "${t.slice(0, 40)}" is not a time as yyyy-MM-dd HH:mm:ss`);
  const ms = naiveInstant(t, zone);
  if (Number.isNaN(ms)) throw new SourceError(`${label}: "${t}" is not a valid time in ${zone}`);
  return ms;
}

/**
 * A time as the API writes it in a blob: yyyyMMddHHmmssSSS±hhmm, or a naive 'yyyy-MM-dd HH:mm:ss' in the
 * source zone (tracking steps, product sibling times of unknown format), or ISO-8601; null when absent or
 * not a time.
 */
export function instantOfBlobTime(value: unknown, zone: string): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const t = value.trim();
  const api = parseApiTime(t);
  if (api !== null) return api;
  if (NAIVE.test(t)) {
    const ms = naiveInstant(t, zone);
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{13}$/.test(t)) return Number(t);
  const iso = DateTime.fromISO(t, { zone });
  return iso.isValid ? iso.toMillis() : null;
}

/** The naive DATETIME text of a blob time, or null when absent. */
export function naiveOfBlobTime(value: unknown, zone: string): string | null {
  const ms = instantOfBlobTime(value, zone);
  return ms === null ? null : naiveOf(ms, zone);
}
