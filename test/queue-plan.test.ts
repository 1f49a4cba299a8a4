// Pure parts of the queue layer: backfill planning, schedules files, payload checks, retry-or-fail.
import test from 'ava';
import { UnrecoverableError } from 'bullmq';
import { backfillId, chunkJobId, parseBound, planBackfill } from '../jobs/queue/backfill-plan.js';
import { classifyFailure } from '../jobs/queue/failure.js';
import { assertChunkPayload, assertRunPayload, assertTickPayload, PayloadError } from '../jobs/queue/payloads.js';
import { loadSchedules, parseSchedules } from '../jobs/queue/schedules.js';
import { loadConfig } from '../lib/config.js';
import { ConfigError, SinkError, SourceError, UsageError } from '../lib/errors.js';
import { compareVersions } from '../lib/redis.js';
import { LeaseBusyError } from '../jobs/lock.js';

const base = { from: '2024-05-01', to: '2024-05-04', chunk: '1d', batchSize: 500 };

test('a one-stream backfill gets one [from, to) chunk per day, back to back', (t) => {
  const plan = planBackfill({ ...base, streams: ['orders'] });
  t.deepEqual(plan.chunks.map((c) => [c.from, c.to]), [
    ['2024-05-01 00:00:00', '2024-05-02 00:00:00'],
    ['2024-05-02 00:00:00', '2024-05-03 00:00:00'],
    ['2024-05-03 00:00:00', '2024-05-04 00:00:00'],
  ]);
  t.deepEqual(plan.chunks.map((c) => c.index), [0, 1, 2]);
});

test('chunks shorter than a day split the window, and the last chunk stops at --to', (t) => {
  const plan = planBackfill({ ...base, streams: ['refunds'], from: '2024-05-01 00:00:00', to: '2024-05-01 20:00', chunk: '6h' });
  t.deepEqual(plan.chunks.map((c) => c.to), ['2024-05-01 06:00:00', '2024-05-01 12:00:00', '2024-05-01 18:00:00', '2024-05-01 20:00:00']);
});

test('DATE-cursor streams get whole days, categories and the API snapshots one chunk, the order children follow the order chunks', (t) => {
  const plan = planBackfill({ ...base, all: true, streams: [], from: '2024-05-01 12:00:00', to: '2024-05-03 06:00:00', chunk: '12h' });
  const of = (s: string) => plan.chunks.filter((c) => c.stream === s).map((c) => `${c.from}/${c.to}`);
  t.deepEqual(of('shipments'), ['2024-05-01 00:00:00/2024-05-02 00:00:00', '2024-05-02 00:00:00/2024-05-03 00:00:00', '2024-05-03 00:00:00/2024-05-04 00:00:00']);
  t.deepEqual(of('categories'), ['2024-05-01 12:00:00/2024-05-03 06:00:00']);
  t.deepEqual(of('order_lines'), of('orders'));
  t.is(of('orders').length, 4);
  t.deepEqual([...new Set(plan.chunks.map((c) => c.stream))], [
    'categories', 'products', 'orders', 'order_lines', 'invoices', 'refunds', 'shipments', 'shipment_events',
    'freight_templates', 'ship_from_addresses', 'store_categories', 'category_attributes',
  ]);
  // The API snapshots are read whole: one chunk each, like categories.
  t.deepEqual(of('freight_templates'), of('categories'));
});

test('without an API, --all leaves the API snapshots out and naming one is a usage error', (t) => {
  const plan = planBackfill({ ...base, all: true, streams: [], withoutApi: true });
  t.deepEqual([...new Set(plan.chunks.map((c) => c.stream))], ['categories', 'products', 'orders', 'order_lines', 'invoices', 'refunds', 'shipments', 'shipment_events']);
  t.throws(() => planBackfill({ ...base, streams: ['orders', 'store_categories'], withoutApi: true }), {
    instanceOf: UsageError,
    message: '--stream: store_categories only the 1688 API has, and no API is configured; set HUB_API_URL',
  });
});

test('the same request always plans the same backfill id and chunk ids, without colons', (t) => {
  const a = planBackfill({ ...base, streams: ['orders', 'refunds'] });
  const b = planBackfill({ ...base, streams: ['refunds', 'orders'], batchSize: 10 });
  t.is(a.id, b.id);
  t.is(a.id, backfillId(a.spec));
  t.not(planBackfill({ ...base, streams: ['orders'], to: '2024-05-05' }).id, a.id);
  const ids = a.chunks.map((c) => chunkJobId(a.id, c));
  t.is(new Set(ids).size, ids.length);
  t.true(ids.every((id) => !id.includes(':')));
});

test('backfill request errors are usage errors naming the option', (t) => {
  const cases: Array<[Parameters<typeof planBackfill>[0], RegExp]> = [
    [{ ...base, streams: [] }, /^--stream: /],
    [{ ...base, streams: ['orders'], all: true }, /^--all: /],
    [{ ...base, streams: ['ordres'] }, /^--stream: unknown stream ordres/],
    [{ ...base, streams: ['orders'], from: '2024-13-01' }, /^--from: /],
    [{ ...base, streams: ['orders'], to: 'yesterday' }, /^--to: /],
    [{ ...base, streams: ['orders'], to: '2024-05-01' }, /^--to: .* must be after --from/],
    [{ ...base, streams: ['orders'], chunk: 'soon' }, /^--chunk: /],
    [{ ...base, streams: ['orders'], chunk: '30s' }, /^--chunk: .*shorter than a minute/],
    [{ ...base, streams: ['orders'], from: '2000-01-01', chunk: '1m' }, /^--chunk: .*more than/],
  ];
  for (const [input, message] of cases) t.throws(() => planBackfill(input), { instanceOf: UsageError, message });
  t.is(parseBound('2024-05-01T08:30', '--from'), '2024-05-01 08:30:00');
});

test('the shipped schedules cover every stream and verify, in five-field cron with a time zone', (t) => {
  const schedules = loadSchedules();
  const runs = schedules.filter((s) => s.job === 'run').map((s) => s.stream).sort();
  t.deepEqual(runs, [
    'categories', 'category_attributes', 'freight_templates', 'invoices', 'order_lines', 'orders', 'products', 'refunds', 'ship_from_addresses',
    'shipment_events', 'shipments', 'store_categories',
  ]);
  t.true(schedules.some((s) => s.job === 'verify'));
  t.true(schedules.every((s) => s.cron?.split(' ').length === 5 && s.tz === 'Asia/Shanghai'));
  t.is(schedules.find((s) => s.stream === 'orders')!.cron, '* * * * *');
  t.is(schedules.find((s) => s.stream === 'products')!.cron, '*/5 * * * *');
});

test('a schedules file with mistakes reports every one at once, naming its entry', (t) => {
  const err = t.throws(() => parseSchedules({
    schedules: [
      { id: 'ok', job: 'run', stream: 'orders', every: '2s', lookback: '1h' },
      { id: 'ok', job: 'run', stream: 'orders', every: 2000 },
      { id: 'bad-stream', job: 'run', stream: 'order', cron: '* * * * *' },
      { id: 'both', job: 'verify', cron: '* * * * *', every: '1m' },
      { id: 'tz', job: 'verify', cron: '0 3 * * *', tz: 'Mars/Base' },
      { id: 'cron', job: 'verify', cron: 'every day' },
      { id: 'fast', job: 'verify', every: '10ms' },
    ],
  }, 'test.json'), { instanceOf: ConfigError });
  const problems = (err as ConfigError).problems;
  t.is(problems.length, 6);
  for (const id of ['ok', 'bad-stream', 'both', 'tz', 'cron', 'fast']) t.true(problems.some((p) => p.startsWith(`test.json: schedule "${id}"`)), id);
  const good = parseSchedules([{ id: 'x', job: 'run', stream: 'orders', every: '2s', lookback: '1h', safetyLag: '0s', batchSize: 50 }], 'f');
  t.deepEqual(good, [{ id: 'x', job: 'run', stream: 'orders', everyMs: 2000, options: { lookbackMs: 3_600_000, safetyLagMs: 0, batchSize: 50 } }]);
});

test('payloads from another hub-etl version are refused with a reason, never trusted', (t) => {
  t.notThrows(() => assertRunPayload({ stream: 'orders', mode: 'incremental', requestedBy: 'cli', batchSize: 10 }));
  t.throws(() => assertRunPayload({ stream: 'orders', mode: 'sideways', requestedBy: 'cli' }), { instanceOf: PayloadError, message: /"mode"/ });
  t.throws(() => assertRunPayload({ stream: 'ordres', mode: 'incremental', requestedBy: 'cli' }), { instanceOf: PayloadError, message: /unknown stream/ });
  t.throws(() => assertRunPayload('orders'), { instanceOf: PayloadError });
  t.throws(() => assertChunkPayload({ backfill: 'bf-1', stream: 'orders', index: 0, from: '2024-05-02', to: '2024-05-03', batchSize: 1 }), { instanceOf: PayloadError, message: /"from"/ });
  t.throws(() => assertChunkPayload({ backfill: 'bf-1', stream: 'orders', index: 0, from: '2024-05-03 00:00:00', to: '2024-05-02 00:00:00', batchSize: 1 }), { instanceOf: PayloadError, message: /empty window/ });
  t.throws(() => assertTickPayload({ schedule: 's', job: 'dance' }), { instanceOf: PayloadError });
});

test('retriable errors are rethrown for backoff; everything else fails the job at once with its message', (t) => {
  const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const deadlock = new SinkError('writing fct_order: Deadlock found', { cause: Object.assign(new Error('Deadlock'), { code: 'ER_LOCK_DEADLOCK' }), retriable: true });
  for (const err of [lost, deadlock, new Error('LOADING Redis is loading the dataset in memory'), new LeaseBusyError('orders', 'h:1:x', '2024-01-01')]) {
    const f = classifyFailure(err);
    t.true(f.retriable, err.message);
    t.is(f.error, err);
  }
  for (const err of [new SourceError('no such table ali1688_order'), new ConfigError(['bad']), new TypeError('x is undefined'), new PayloadError('bad payload')]) {
    const f = classifyFailure(err);
    t.false(f.retriable);
    t.true(f.error instanceof UnrecoverableError);
    t.is(f.error.message, err.message);
  }
});

test('queue prefix comes from --queue-prefix or HUB_QUEUE_PREFIX and is checked', (t) => {
  t.is(loadConfig({}, {}).queuePrefix, 'hub-etl');
  t.is(loadConfig({}, { HUB_QUEUE_PREFIX: 'shop-2' }).queuePrefix, 'shop-2');
  t.is(loadConfig({ queuePrefix: 'flag' }, { HUB_QUEUE_PREFIX: 'env' }).queuePrefix, 'flag');
  t.throws(() => loadConfig({}, { HUB_QUEUE_PREFIX: 'a b:c' }), { instanceOf: ConfigError, message: /^HUB_QUEUE_PREFIX: / });
});

test('Redis versions compare numerically', (t) => {
  t.is(compareVersions('7.0.15', '6.2.0'), 1);
  t.is(compareVersions('6.2.0', '6.2'), 0);
  t.is(compareVersions('6.0.16', '6.2.0'), -1);
  t.is(compareVersions('10.0.0', '6.2.0'), 1);
});
