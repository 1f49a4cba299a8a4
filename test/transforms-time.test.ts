// Source times to UTC: offsets, zone-less times in the source zone, DST days, and the fast path
// checked against luxon minute by minute around every switch.
import test from 'ava';
import { DataError } from '../lib/errors.js';
import { formatUtc, localDate, localDay, parseInstant, readLocalDate, readTimestamp, zonedToUtc } from '../transforms/time.js';

const cases: Array<{ title: string; raw: string | null; zone?: string; expected: string | null }> = [
  { title: 'An offset of -0700 is added back to give UTC', raw: '20240517093015123-0700', expected: '2024-05-17 16:30:15.123' },
  { title: 'An offset of +0800 is subtracted to give UTC', raw: '20240517093015123+0800', expected: '2024-05-17 01:30:15.123' },
  { title: 'The offset wins over the source zone', raw: '20240517093015123+0000', zone: 'America/New_York', expected: '2024-05-17 09:30:15.123' },
  { title: 'An offset written with a colon is accepted', raw: '20240517093015123+05:30', expected: '2024-05-17 04:00:15.123' },
  { title: 'A compact time without milliseconds is accepted', raw: '20240517093015+0800', expected: '2024-05-17 01:30:15.000' },
  { title: 'A compact time without an offset is in the source zone', raw: '20240517093015000', expected: '2024-05-17 01:30:15.000' },
  { title: 'Crossing midnight backwards into the previous UTC day', raw: '20240101003000000+0800', expected: '2023-12-31 16:30:00.000' },
  { title: 'A zone-less time is in the source zone (Asia/Shanghai)', raw: '2024-05-18 09:30:15', expected: '2024-05-18 01:30:15.000' },
  { title: 'A zone-less time is in the source zone (America/New_York, summer)', raw: '2024-07-01 12:00:00', zone: 'America/New_York', expected: '2024-07-01 16:00:00.000' },
  { title: 'A zone-less time is in the source zone (America/New_York, winter)', raw: '2024-01-15 12:00:00', zone: 'America/New_York', expected: '2024-01-15 17:00:00.000' },
  { title: 'A time skipped by spring forward moves forward by the gap (02:30 shows as 03:30 EDT)', raw: '2024-03-10 02:30:00', zone: 'America/New_York', expected: '2024-03-10 07:30:00.000' },
  { title: 'A time repeated by fall back is its first occurrence (01:30 EDT)', raw: '2024-11-03 01:30:00', zone: 'America/New_York', expected: '2024-11-03 05:30:00.000' },
  { title: 'A time just after fall back ends is in standard time', raw: '2024-11-03 02:00:00', zone: 'America/New_York', expected: '2024-11-03 07:00:00.000' },
  { title: 'A time in the day Samoa skipped (2011-12-30) moves forward by 24 hours', raw: '2011-12-30 12:00:00', zone: 'Pacific/Apia', expected: '2011-12-30 22:00:00.000' },
  { title: 'A time in Samoa on the day its summer time began is right (luxon gets this one wrong)', raw: '2011-09-24 10:00:00', zone: 'Pacific/Apia', expected: '2011-09-24 20:00:00.000' },
  { title: 'ISO-8601 with a T and an offset is accepted', raw: '2024-05-17T09:30:15.5+05:30', expected: '2024-05-17 04:00:15.500' },
  { title: 'ISO-8601 in UTC is accepted', raw: '2024-05-17T09:30:15Z', expected: '2024-05-17 09:30:15.000' },
  { title: 'Microseconds are cut to milliseconds', raw: '2024-05-17 09:30:15.123456', expected: '2024-05-17 01:30:15.123' },
  { title: 'A date alone is local midnight', raw: '2024-05-17', expected: '2024-05-16 16:00:00.000' },
  { title: 'Surrounding blanks are ignored', raw: '  2024-05-18 09:30:15 ', expected: '2024-05-18 01:30:15.000' },
  { title: 'A leap day is a real day', raw: '2024-02-29 00:00:00', expected: '2024-02-28 16:00:00.000' },
  { title: 'Empty text is absent', raw: '', expected: null },
  { title: 'NULL is absent', raw: null, expected: null },
  { title: "MySQL's zero datetime is absent", raw: '0000-00-00 00:00:00', expected: null },
];

for (const c of cases) {
  test(c.title, (t) => {
    t.is(readTimestamp(c.raw, 'f', c.zone ?? 'Asia/Shanghai'), c.expected);
  });
}

const bad: Array<{ title: string; raw: unknown }> = [
  { title: 'Text that is no time is a DataError', raw: 'yesterday' },
  { title: 'February 30th is a DataError', raw: '2024-02-30 00:00:00' },
  { title: 'February 29th of a common year is a DataError', raw: '2023-02-29 00:00:00' },
  { title: 'Month 13 in the compact form is a DataError', raw: '20241317093015000+0800' },
  { title: 'Hour 24 is a DataError', raw: '2024-05-17 24:00:00' },
  { title: 'An offset of +2500 is a DataError', raw: '20240517093015000+2500' },
  { title: 'A year before 1000 is a DataError', raw: '0999-01-01 00:00:00' },
  { title: 'Epoch milliseconds are not a documented format and a DataError', raw: '1715938215123' },
  { title: 'An object where a time belongs is a DataError', raw: { t: '1' } },
];

for (const c of bad) {
  test(c.title, (t) => {
    const err = t.throws(() => parseInstant(c.raw as never, 'order_datas.baseInfo.createTime', 'Asia/Shanghai'), { instanceOf: DataError });
    t.is(err.field, 'order_datas.baseInfo.createTime');
    t.true(err.message.startsWith('order_datas.baseInfo.createTime: expected '));
  });
}

test('An unknown time zone is a configuration problem, not a bad row', (t) => {
  const err = t.throws(() => parseInstant('2024-05-17 09:30:15', 'f', 'Mars/Olympus'));
  t.false(err instanceof DataError);
});

test('UTC timestamps are formatted as Date#toISOString would, at every millisecond position', (t) => {
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648; // deterministic pseudo-random spread over 1000..9999
    const ms = Date.UTC(1000, 0, 1) + Math.floor((x / 2147483648) * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1))) + (i % 1000);
    const iso = new Date(ms).toISOString();
    if (formatUtc(ms) !== `${iso.slice(0, 10)} ${iso.slice(11, 23)}`) t.fail(`${ms}: ${formatUtc(ms)} vs ${iso}`);
  }
  t.is(formatUtc(Date.UTC(2024, 4, 17, 23, 59, 59, 999)), '2024-05-17 23:59:59.999');
  t.is(formatUtc(Date.UTC(2024, 4, 18)), '2024-05-18 00:00:00.000');
});

const localDates: Array<{ title: string; utc: string; zone: string; expected: string }> = [
  { title: 'A UTC afternoon is the next day in Shanghai', utc: '2024-05-17T16:30:15Z', zone: 'Asia/Shanghai', expected: '2024-05-18' },
  { title: 'A UTC early morning is the previous day in New York', utc: '2024-05-17T03:00:00Z', zone: 'America/New_York', expected: '2024-05-16' },
  { title: 'Local midnight belongs to the new day', utc: '2024-05-16T16:00:00Z', zone: 'Asia/Shanghai', expected: '2024-05-17' },
  { title: 'The last millisecond before local midnight belongs to the old day', utc: '2024-05-16T15:59:59.999Z', zone: 'Asia/Shanghai', expected: '2024-05-16' },
  { title: 'Kiribati (+14) is a day ahead of UTC', utc: '2024-05-17T11:00:00Z', zone: 'Pacific/Kiritimati', expected: '2024-05-18' },
];
for (const c of localDates) {
  test(c.title, (t) => {
    t.is(localDate(c.zone, Date.parse(c.utc)), c.expected);
  });
}

const naiveDates: Array<[string, string | null, string | null]> = [
  ['A DATE column is kept as written', '2024-05-17', '2024-05-17'],
  ['A DATETIME column gives its date part', '2024-05-17 23:59:59', '2024-05-17'],
  ["MySQL's zero date is absent", '0000-00-00', null],
  ['An empty date is absent', '', null],
];
for (const [title, raw, expected] of naiveDates) {
  test(title, (t) => {
    t.is(readLocalDate(raw, 'gmt_modified'), expected);
  });
}

test('A date column holding 2024-13-01 is a DataError naming the column', (t) => {
  const err = t.throws(() => readLocalDate('2024-13-01', 'gmt_modified'), { instanceOf: DataError });
  t.is(err.field, 'gmt_modified');
});

// The fast path (one offset look-up pair per local day) is checked against Intl, independently: the
// instant returned must show the wall time in the zone (or, for a skipped time, the wall time plus the
// gap), no earlier instant may show it, and its local day must be Intl's. Every 11 minutes on the days
// around each offset switch, once a day otherwise, 2019 to 2025, in zones with unusual rules.
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'America/Havana', 'Asia/Kolkata', 'Pacific/Apia', 'Asia/Kathmandu', 'UTC'];
const DAY = 86_400_000;
const HOUR = 3_600_000;

function wallOf(dtf: Intl.DateTimeFormat, utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of dtf.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!, utcMs - Math.floor(utcMs / 1000) * 1000);
}

for (const zone of ZONES) {
  test(`Wall-clock times in ${zone} convert exactly, checked against Intl around every offset switch`, (t) => {
    const dtf = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const offset = (utcMs: number): number => wallOf(dtf, utcMs) - utcMs;
    // Samoa's 2011 (a new summer time, then a skipped day) is the oddest stretch in the database.
    const fromDay = Math.floor(Date.UTC(zone === 'Pacific/Apia' ? 2011 : 2019, 0, 1) / DAY);
    const toDay = Math.floor(Date.UTC(zone === 'Pacific/Apia' ? 2013 : 2026, 0, 1) / DAY);
    // A day is near a switch when the offset 40 h before its noon differs from the one 40 h after.
    const near = (day: number): boolean => offset(day * DAY + 12 * HOUR - 40 * HOUR) !== offset(day * DAY + 12 * HOUR + 40 * HOUR);
    let checked = 0;
    let special = 0;
    for (let day = fromDay; day < toDay; day++) {
      const isNear = near(day);
      if (isNear) special++;
      const minutes = isNear ? Array.from({ length: 131 }, (_, i) => i * 11) : [777];
      for (const minute of minutes) {
        for (const [sec, ms] of isNear ? ([[0, 0], [59, 999]] as const) : ([[59, 999]] as const)) {
          const wall = day * DAY + minute * 60_000 + sec * 1000 + ms;
          const d = new Date(wall);
          const got = zonedToUtc(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), sec, ms);
          const shown = wallOf(dtf, got);
          const label = `${zone} ${d.toISOString().slice(0, 19)} gave ${new Date(got).toISOString()}`;
          if (shown === wall) {
            // The earliest instant showing it: an instant 30 min to 24 h earlier must not show it too.
            for (const back of [30 * 60_000, HOUR, 2 * HOUR, DAY]) if (wallOf(dtf, got - back) === wall) t.fail(`${label}, but ${new Date(got - back).toISOString()} shows it too`);
          } else {
            // Skipped: no instant shows it, and the result shows it moved forward by the gap.
            const before = offset(wall - 16 * HOUR);
            const after = offset(wall + 16 * HOUR);
            if (wallOf(dtf, wall - before) === wall || wallOf(dtf, wall - after) === wall) t.fail(`${label}, which shows ${new Date(shown).toISOString()}`);
            if (shown - wall !== after - before) t.fail(`${label}: moved by ${shown - wall} ms, the gap is ${after - before} ms`);
          }
          const localGot = new Date(localDay(zone, got) * DAY).toISOString().slice(0, 10);
          const localExpected = new Date(shown).toISOString().slice(0, 10);
          if (localGot !== localExpected) t.fail(`${zone}: local day of ${new Date(got).toISOString()} gave ${localGot}, Intl ${localExpected}`);
          checked++;
        }
      }
    }
    t.true(checked > 1_000);
    if (zone === 'America/New_York') t.true(special > 40); // 14 switches, a few days around each
  });
}
