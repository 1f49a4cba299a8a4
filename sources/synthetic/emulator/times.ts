// Times as the emulator meets them: API parameters and blob times in yyyyMMddHHmmssSSS±hhmm (any
// offset), and the replica's naive DATETIME columns in the source zone, which only bound an instant to
// a second (and, around a DST change, to the span of both readings).
import { DAY, MINUTE, type ZoneClock } from '../clock.js';

/** Inclusive bounds of the instants (epoch ms) a value may stand for. */
export interface Interval {
  lo: number;
  hi: number;
}

const API_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([+-])(\d{2})(\d{2})$/;

/** Epoch ms of a yyyyMMddHHmmssSSS±hhmm text, or null when it is not one (calendar and offset checked). */
export function parseApiTime(text: string): number | null {
  const m = API_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms, sign, oh, om] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!, m[8]!, +m[9]!, +m[10]!];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 31 April over into May: a day that does not exist in its month is refused.
  if (new Date(local).getUTCDate() !== d) return null;
  return local - (sign === '-' ? -1 : 1) * (oh * 60 + om) * MINUTE;
}

/** The offset (minutes) written at the end of a yyyyMMddHHmmssSSS±hhmm text. */
export function offsetOfApiTime(text: string): number {
  const m = API_TIME.exec(text);
  if (!m) throw new Error(`not a yyyyMMddHHmmssSSS±hhmm time: ${text}`);
  return (m[8] === '-' ? -1 : 1) * (+m[9]! * 60 + +m[10]!);
}

/** An instant written as yyyyMMddHHmmssSSS±hhmm at a fixed offset (minutes), or in the clock's zone. */
export function formatApiTime(clock: ZoneClock, ms: number, offset: number | null = null): string {
  return clock.blob(ms, offset);
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/**
 * The instants a naive 'yyyy-MM-dd HH:mm:ss' column value in the clock's zone may stand for: the
 * second it names (the replica drops milliseconds), under the offset before and after any zone change
 * within a day of it (a wall time repeated by a DST fall-back has two readings).
 */
export function naiveInterval(clock: ZoneClock, naive: string): Interval {
  const m = NAIVE.exec(naive);
  if (!m) throw new Error(`not a naive DATETIME: ${naive}`);
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const a = clock.offset(wall - DAY);
  const b = clock.offset(wall + DAY);
  return { lo: wall - Math.max(a, b) * MINUTE, hi: wall - Math.min(a, b) * MINUTE + 999 };
}

/** Widest shift of a zone's offset the SQL pre-filter allows for (no zone has moved its clock by more). */
const MARGIN = 3 * 3_600_000;

/**
 * Naive column bounds that include every row whose instant lies in [from, to] (null: unbounded), for a
 * pre-filter on an indexed DATETIME column; the caller then decides each row exactly.
 */
export function naiveBounds(clock: ZoneClock, from: number | null, to: number | null): { from: string | null; to: string | null } {
  return { from: from === null ? null : clock.naive(from - MARGIN), to: to === null ? null : clock.naive(to + MARGIN) };
}

/** The instant of a naive column value as the generator writes it from an instant (its earlier reading). */
export function naiveInstant(clock: ZoneClock, naive: string): number {
  const iv = naiveInterval(clock, naive);
  // Of the (at most two) readings, the one that the clock writes back as the same text.
  for (let t = iv.lo; t <= iv.hi - 999; t += MINUTE) if (clock.naive(t) === naive.slice(0, 19)) return t;
  return iv.lo;
}
