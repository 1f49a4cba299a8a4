// Time for the synthetic store: instants are epoch milliseconds; this file writes them in the replica's
// formats (naive local DATETIME/DATE in the source zone, yyyyMMddHHmmssSSSZ in blobs) fast enough for
// millions of rows, and places the nightly batch in which 1688 touches many rows in the same second.
import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Local time of 1688's nightly batch (auto-confirm, unpaid timeouts, bulk touches): 03:15:07.000. */
const BATCH_LOCAL_MS = (3 * 3600 + 15 * 60 + 7) * 1000;
// Zone offsets change at most at quarter hours, so caching one offset per UTC quarter hour is exact.
const QUARTER = 15 * MINUTE;

const D2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const D3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** How far a generate run moves the simulated clock. */
export type Span = { days: number } | { hours: number };

/** Civil date of a day number (days since 1970-01-01), Howard Hinnant's algorithm. */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Writes instants in one IANA zone (the replica's source zone). */
export class ZoneClock {
  readonly zone: string;
  private readonly iana: IANAZone;
  private readonly cache = new Map<number, number>();
  private readonly days = new Map<number, number>();
  private readonly dayNames = new Map<number, [string, string]>();

  constructor(zone: string) {
    this.zone = zone;
    this.iana = IANAZone.create(zone);
    if (!this.iana.isValid) throw new Error(`unknown time zone ${zone}`);
  }

  /** Offset from UTC in minutes at an instant. */
  offset(ms: number): number {
    // Most UTC days have one offset all day long: one entry per day, quarter hours only around a change.
    const day = Math.floor(ms / DAY);
    let off = this.days.get(day);
    if (off === undefined) {
      const first = this.iana.offset(day * DAY);
      off = first === this.iana.offset((day + 1) * DAY - QUARTER) ? first : NaN;
      this.days.set(day, off);
    }
    if (!Number.isNaN(off)) return off;
    const q = Math.floor(ms / QUARTER);
    let qoff = this.cache.get(q);
    if (qoff === undefined) {
      qoff = this.iana.offset(q * QUARTER);
      this.cache.set(q, qoff);
    }
    return qoff;
  }

  private parts(local: number): { date: string; compact: string; rest: number } {
    const day = Math.floor(local / DAY);
    let names = this.dayNames.get(day);
    if (names === undefined) {
      const [y, m, d] = civil(day);
      names = [`${y}-${D2[m]}-${D2[d]}`, `${y}${D2[m]}${D2[d]}`];
      this.dayNames.set(day, names);
    }
    return { date: names[0], compact: names[1], rest: local - day * DAY };
  }

  /** 'YYYY-MM-DD HH:MM:SS' in the zone (a naive DATETIME column; the milliseconds are dropped). */
  naive(ms: number): string {
    const p = this.parts(ms + this.offset(ms) * MINUTE);
    const s = Math.floor(p.rest / 1000);
    return `${p.date} ${D2[Math.floor(s / 3600)]}:${D2[Math.floor(s / 60) % 60]}:${D2[s % 60]}`;
  }

  /** 'YYYY-MM-DD' in the zone (a DATE column). */
  date(ms: number): string {
    return this.parts(ms + this.offset(ms) * MINUTE).date;
  }

  /** 'yyyyMMddHHmmssSSSZ' (e.g. 20240517093015123+0800) in the zone, or at a fixed offset in minutes. */
  blob(ms: number, fixedOffset: number | null = null): string {
    const off = fixedOffset ?? this.offset(ms);
    const p = this.parts(ms + off * MINUTE);
    const s = Math.floor(p.rest / 1000);
    const abs = Math.abs(off);
    return `${p.compact}${D2[Math.floor(s / 3600)]}${D2[Math.floor(s / 60) % 60]}${D2[s % 60]}${D3[p.rest % 1000]}${off < 0 ? '-' : '+'}${D2[Math.floor(abs / 60)]}${D2[abs % 60]}`;
  }

  /** Local calendar parts (year % 100, month, day, second of day) of an instant, for ids that embed the date. */
  localStamp(ms: number): { yy: string; mm: string; dd: string; secondOfDay: number } {
    const local = ms + this.offset(ms) * MINUTE;
    const day = Math.floor(local / DAY);
    const [y, m, d] = civil(day);
    return { yy: D2[y % 100]!, mm: D2[m]!, dd: D2[d]!, secondOfDay: Math.floor((local - day * DAY) / 1000) };
  }

  /** The instant of a local wall time (local ms since the epoch), resolving DST gaps forward. */
  private fromLocal(localMs: number): number {
    let utc = localMs - this.offset(localMs) * MINUTE;
    utc = localMs - this.offset(utc) * MINUTE;
    return utc;
  }

  /** The first nightly batch strictly after an instant. */
  nextBatch(ms: number): number {
    const local = ms + this.offset(ms) * MINUTE;
    const day = Math.floor(local / DAY);
    let t = this.fromLocal(day * DAY + BATCH_LOCAL_MS);
    if (t <= ms) t = this.fromLocal((day + 1) * DAY + BATCH_LOCAL_MS);
    return t;
  }

  /** The nightly batch on the n-th local day after the instant's day (n >= 1). */
  batchAfterDays(ms: number, n: number): number {
    const day = Math.floor((ms + this.offset(ms) * MINUTE) / DAY);
    return this.fromLocal((day + n) * DAY + BATCH_LOCAL_MS);
  }

  /** Local midnight starting a calendar date 'YYYY-MM-DD'. */
  startOfDate(date: string): number {
    return DateTime.fromISO(date, { zone: this.zone }).startOf('day').toMillis();
  }

  /** The instant n local calendar days later (same wall time, DST-aware). */
  plusDays(ms: number, n: number): number {
    return DateTime.fromMillis(ms, { zone: this.zone }).plus({ days: n }).toMillis();
  }

  /** The instant a span later: local calendar days (DST-aware) or elapsed hours. */
  plus(ms: number, span: Span): number {
    return 'days' in span ? this.plusDays(ms, span.days) : ms + span.hours * HOUR;
  }

  /** 'YYYY-MM-DD HH:MM:SS zone' for messages. */
  describe(ms: number): string {
    return `${this.naive(ms)} ${this.zone}`;
  }
}

/** 1688 writes China time, whatever zone the replica keeps its columns in. */
export const CHINA_TZ = 'Asia/Shanghai';

/** The clock of 1688's JSON: the replica's own when it keeps China time. */
export function chinaClock(clock: ZoneClock): ZoneClock {
  return clock.zone === CHINA_TZ ? clock : new ZoneClock(CHINA_TZ);
}
