// Times between the 1688 API and the replica's notation: API texts (yyyyMMddHHmmssSSS±hhmm, any offset)
// to instants and back at the source zone's offset, and instants to the naive 'yyyy-MM-dd HH:mm:ss' /
// 'yyyy-MM-dd' texts the replica's DATETIME and DATE columns hold in the source zone.
import { DateTime } from 'luxon';
import { SourceError } from '../../lib/errors.js';

const API_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([+-])(\d{2})(\d{2})$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,6})?)?$/;

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
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyyMMddHHmmssSSSZZZ');
}

/** The naive DATETIME text of an instant in the zone, milliseconds dropped (as the replica stores it). */
export function naiveOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** The naive DATE text of an instant in the zone. */
export function naiveDateOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

/** The instant a naive 'yyyy-MM-dd[ HH:mm:ss]' text stands for in the zone (a day stands for its start). */
export function instantOfNaive(text: string, zone: string, label: string): number {
  const t = text.trim();
  if (!NAIVE.test(t)) throw new SourceError(`${label}: "${t.slice(0, 40)}" is not a time as yyyy-MM-dd HH:mm:ss`);
  const dt = t.length <= 10 ? DateTime.fromISO(t, { zone }) : DateTime.fromFormat(t.slice(0, 19), 'yyyy-MM-dd HH:mm:ss', { zone });
  if (!dt.isValid) throw new SourceError(`${label}: "${t}" is not a valid time in ${zone}`);
  return dt.toMillis();
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
    const dt = t.length <= 10 ? DateTime.fromISO(t, { zone }) : DateTime.fromFormat(t.slice(0, 19), 'yyyy-MM-dd HH:mm:ss', { zone });
    return dt.isValid ? dt.toMillis() : null;
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
