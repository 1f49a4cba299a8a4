// Source times to UTC: 1688's yyyyMMddHHmmssSSSZ (any offset), zone-less 'yyyy-MM-dd HH:mm:ss' and the
// replica's naive DATETIME/DATE columns (both in the source time zone), and ISO-8601.
//
// Wall-clock times are converted with the zone's offset function (luxon's IANAZone.offset, i.e. Intl),
// not with DateTime.fromObject: luxon guesses from today's offset and gets historical switches wrong
// (Pacific/Apia 2011) and resolves repeated times differently in summer and winter. Here a repeated time
// (fall back) is the earlier instant and a skipped time (spring forward) moves forward by the gap, as
// java.time and Temporal do.
//
// Fast path: for each zone and local day the offset is looked up 16 hours before the day starts and
// 16 hours after it ends. When both agree the offset is constant over the whole window (no zone changes
// its offset and back within two days), so every wall time of that day is wall − offset: one Map
// look-up. The memo is a pure function of (zone, day), so sharing it between calls changes no result.
import { IANAZone } from 'luxon';
import { DataError } from '../lib/errors.js';
import { found, type Raw } from './values.js';

const DAY = 86_400_000;
/** Beyond every UTC offset in the tz database (-12:00 to +14:00, LMT oddities included). */
const SPAN = 16 * 3_600_000;
/** The warehouse range: DATETIME runs from year 1000 to 9999. */
const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(10000, 0, 1);
const CACHE_LIMIT = 100_000;

interface ZoneMemo {
  zone: IANAZone;
  /** Local day -> its offset in ms when constant over the day (and 16 h either side), else null. */
  days: Map<number, number | null>;
}

const zones = new Map<string, ZoneMemo>();

function memo(name: string): ZoneMemo {
  let m = zones.get(name);
  if (m === undefined) {
    const zone = IANAZone.create(name);
    if (!zone.isValid) throw new Error(`cannot use time zone "${name}": not an IANA zone`);
    m = { zone, days: new Map() };
    zones.set(name, m);
  }
  return m;
}

function offsetAt(m: ZoneMemo, utcMs: number): number {
  return Math.round(m.zone.offset(utcMs) * 60_000);
}

function dayOffset(m: ZoneMemo, day: number): number | null {
  let o = m.days.get(day);
  if (o === undefined) {
    const before = offsetAt(m, day * DAY - SPAN);
    o = before === offsetAt(m, (day + 1) * DAY + SPAN) ? before : null;
    if (m.days.size >= CACHE_LIMIT) m.days.clear();
    m.days.set(day, o);
  }
  return o;
}

/** Wall time (as if UTC) to UTC near an offset switch; assumes at most one switch within ±16 h. */
function wallToUtc(m: ZoneMemo, wall: number): number {
  const before = offsetAt(m, wall - SPAN);
  const after = offsetAt(m, wall + SPAN);
  const early = wall - before;
  if (before === after) return early;
  const late = wall - after;
  const earlyOk = offsetAt(m, early) === before;
  const lateOk = offsetAt(m, late) === after;
  if (earlyOk && lateOk) return Math.min(early, late); // repeated: the first occurrence
  if (lateOk) return late;
  return early; // valid, or skipped: wall − old offset shows as wall + gap
}

/** UTC epoch ms of a wall-clock time in `zone`. Months are 1-based. */
export function zonedToUtc(zone: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const m = memo(zone);
  const o = dayOffset(m, Math.floor(wall / DAY));
  return o !== null ? wall - o : wallToUtc(m, wall);
}

/** Local calendar day (days since 1970-01-01) of a UTC instant in `zone`. */
export function localDay(zone: string, utcMs: number): number {
  const m = memo(zone);
  const day = Math.floor(utcMs / DAY);
  // A day with a constant offset o holds exactly the instants [day·DAY − o, (day+1)·DAY − o).
  for (let cand = day - 1; cand <= day + 1; cand++) {
    const o = dayOffset(m, cand);
    if (o !== null && Math.floor((utcMs + o) / DAY) === cand) return cand;
  }
  return Math.floor((utcMs + offsetAt(m, utcMs)) / DAY);
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

const D2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const D3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
// The date part of the last day formatted: consecutive times mostly share a day, and Date#toISOString
// was a tenth of an order line's cost.
let lastDay = NaN;
let lastDayText = '';

/** Canonical warehouse timestamp: UTC 'YYYY-MM-DD HH:MM:SS.SSS'. */
export function formatUtc(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== lastDay) {
    lastDayText = new Date(day * DAY).toISOString().slice(0, 10) + ' ';
    lastDay = day;
  }
  let rest = ms - day * DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  return lastDayText + D2[(rest - min) / 60]! + ':' + D2[min]! + ':' + D2[sec]! + '.' + D3[milli]!;
}

/** Local calendar date of a UTC instant, 'YYYY-MM-DD'. */
export function localDate(zone: string, utcMs: number): string {
  return formatDay(localDay(zone, utcMs));
}

// yyyyMMddHHmmss[SSS][±HHMM | ±HH:MM | Z]; without an offset the time is in the source zone.
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?(?:([+-])(\d{2}):?(\d{2})|(Z))?$/;
// yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]][±HH[:MM] | Z]: the replica's columns, zone-less API times, ISO-8601.
const DASHED = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([+-])(\d{2})(?::?(\d{2}))?|(Z))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, mo: number): number {
  if (mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[mo - 1]!;
}

const EXPECTED_TIME = 'a time as yyyyMMddHHmmssSSSZ or yyyy-MM-dd HH:mm:ss';

/**
 * UTC epoch ms of a source time in any accepted format; null when absent ('' or MySQL's zero date).
 * Fractions beyond milliseconds are cut (the warehouse keeps milliseconds).
 */
export function parseInstant(v: Raw, field: string, zone: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DataError(field, `expected ${EXPECTED_TIME}, found ${found(v)}`);
  const s = v.trim();
  if (s === '' || s.startsWith('0000-00-00') || s.startsWith('00000000')) return null;
  let m = COMPACT.exec(s);
  let frac: string | undefined;
  let sign: string | undefined;
  let oh: string | undefined;
  let om: string | undefined;
  let z: string | undefined;
  if (m) {
    frac = m[7];
    sign = m[8];
    oh = m[9];
    om = m[10];
    z = m[11];
  } else {
    m = DASHED.exec(s);
    if (!m) throw new DataError(field, `expected ${EXPECTED_TIME}, found ${found(v)}`);
    frac = m[7];
    sign = m[8];
    oh = m[9];
    om = m[10];
    z = m[11];
  }
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  const h = m[4] === undefined ? 0 : +m[4];
  const mi = m[5] === undefined ? 0 : +m[5];
  const sec = m[6] === undefined ? 0 : +m[6];
  const ms = frac === undefined ? 0 : +(frac + '00').slice(0, 3);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) {
    throw new DataError(field, `expected ${EXPECTED_TIME} (a real calendar time), found ${found(v)}`);
  }
  let utc: number;
  if (z !== undefined) utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  else if (sign !== undefined) {
    const offH = +oh!;
    const offM = om === undefined ? 0 : +om;
    if (offH > 18 || offM > 59) throw new DataError(field, `expected a UTC offset of at most ±18:00, found ${found(v)}`);
    const off = (offH * 60 + offM) * 60_000;
    utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - (sign === '-' ? -off : off);
  } else utc = zonedToUtc(zone, y, mo, d, h, mi, sec, ms);
  if (utc < MIN_MS || utc >= MAX_MS) throw new DataError(field, `expected a time between the years 1000 and 9999 in UTC, found ${found(v)}`);
  return utc;
}

/** Canonical UTC timestamp of a source time; null when absent. */
export function readTimestamp(v: Raw, field: string, zone: string): string | null {
  const ms = parseInstant(v, field, zone);
  return ms === null ? null : formatUtc(ms);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;

/**
 * The calendar date of a naive DATE or DATETIME column, 'YYYY-MM-DD', as written (no zone conversion:
 * the column is already local). Null when absent or MySQL's zero date.
 */
export function readLocalDate(v: Raw, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DataError(field, `expected a date as yyyy-MM-dd, found ${found(v)}`);
  const s = v.trim();
  if (s === '' || s.startsWith('0000-00-00')) return null;
  const m = DATE_ONLY.exec(s);
  if (m) {
    const y = +m[1]!;
    const mo = +m[2]!;
    const d = +m[3]!;
    if (y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) return s.slice(0, 10);
  }
  throw new DataError(field, `expected a date as yyyy-MM-dd, found ${found(v)}`);
}
