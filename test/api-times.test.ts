// The API reader's time conversions (sources/api/times.ts) cache a zone's offset per hour instead of asking
// luxon each time: they must answer exactly what luxon answers, also across offset changes (DST of whole
// and half hours, zones at :45), at the edges of an hour, for invalid wall times and invalid zones.
import test from 'ava';
import { DateTime } from 'luxon';
import { formatApiTime, instantOfBlobTime, instantOfNaive, naiveDateOf, naiveOf } from '../sources/api/times.js';

const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];

/** Instants spread over 2023–2025, and every quarter hour of the three hours around each offset change there. */
function instants(zone: string): number[] {
  const out: number[] = [];
  const from = Date.UTC(2023, 0, 1);
  const to = Date.UTC(2025, 11, 31);
  for (let ms = from; ms < to; ms += 149_999_993) out.push(ms);
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  for (let day = from; day < to; day += 86_400_000) {
    if (offset(day) === offset(day + 86_400_000)) continue;
    let change = day;
    while (offset(change) === offset(day)) change += 900_000;
    for (let m = change - 7_200_000; m <= change + 3_600_000; m += 900_000) out.push(m, m + 59_999);
  }
  return out;
}

test('instants to wall-clock texts and API times: as luxon writes them', (t) => {
  let n = 0;
  for (const zone of ZONES) {
    for (const ms of instants(zone)) {
      const dt = DateTime.fromMillis(ms, { zone });
      if (naiveOf(ms, zone) !== dt.toFormat('yyyy-MM-dd HH:mm:ss')) t.fail(`naiveOf ${ms} ${zone}`);
      if (naiveDateOf(ms, zone) !== dt.toFormat('yyyy-MM-dd')) t.fail(`naiveDateOf ${ms} ${zone}`);
      if (formatApiTime(ms, zone) !== dt.toFormat('yyyyMMddHHmmssSSSZZZ')) t.fail(`formatApiTime ${ms} ${zone}: ${formatApiTime(ms, zone)} ≠ ${dt.toFormat('yyyyMMddHHmmssSSSZZZ')}`);
      n++;
    }
  }
  t.true(n > 3_000, `${n} instants`);
});

test('wall-clock texts to instants: as luxon reads them, gaps and repeated hours included; invalid ones refused', (t) => {
  let n = 0;
  for (const zone of ZONES) {
    for (const ms of instants(zone)) {
      const text = DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss');
      const want = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone }).toMillis();
      if (instantOfNaive(text, zone, 'x') !== want) t.fail(`instantOfNaive ${text} ${zone}`);
      if (instantOfBlobTime(text, zone) !== want) t.fail(`instantOfBlobTime ${text} ${zone}`);
      const day = text.slice(0, 10);
      if (instantOfNaive(day, zone, 'x') !== DateTime.fromISO(day, { zone }).toMillis()) t.fail(`instantOfNaive ${day} ${zone}`);
      n++;
    }
  }
  t.true(n > 3_000);
  for (const bad of ['2024-02-30 10:00:00', '2024-05-01 10:60:00', '2024-13-01']) {
    t.throws(() => instantOfNaive(bad, 'Asia/Shanghai', 'modify_time'), { message: /modify_time: .* is not a valid time in Asia\/Shanghai/ });
    t.is(instantOfBlobTime(bad, 'Asia/Shanghai'), null);
  }
  // luxon reads 24:00:00 as the next day's midnight, and so do these.
  t.is(instantOfNaive('2024-05-01 24:00:00', 'Asia/Shanghai', 'x'), Date.UTC(2024, 4, 1, 16));
  t.is(naiveOf(0, 'Not/AZone'), DateTime.fromMillis(0, { zone: 'Not/AZone' }).toFormat('yyyy-MM-dd HH:mm:ss'));
});
